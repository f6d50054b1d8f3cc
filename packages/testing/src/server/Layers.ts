/**
 * Layer and table endpoints. `/layers/…` serves layers and tables alike (URLs in replies
 * point at `/tables/…` for tables); `/tables/…` mirrors it for tables only.
 */
import { DRAFT_FILTERS, LAYER_FILTERS, selectItems, type FilterSet } from "./Filters.ts"
import { expandsList, notFound, ok, pathParam, type PathParams, type Reply, type RequestContext } from "./Http.ts"
import {
  draftVersion,
  latestVersion,
  layerView,
  publishedVersion,
  type LayerRecord,
  type LayerView,
  type VersionRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderLayer, renderLayerSummary, renderVersion } from "./Render.ts"

/** The URL collection an endpoint lives under. */
export type Collection = "layers" | "tables"

/** Picks the version of a layer an endpoint shows, if it has one. */
type VersionChoice = (layer: LayerRecord) => VersionRecord | undefined

const inCollection = (collection: Collection, layer: LayerRecord): boolean =>
  collection === "layers" || layer.kind === "table"

const findLayer = (context: RequestContext, collection: Collection, params: PathParams): LayerRecord => {
  const layer = context.store.getLayer(pathParam(params, "id"))
  if (layer === undefined || !inCollection(collection, layer)) throw notFound()
  return layer
}

const layerList = (collection: Collection, choose: VersionChoice, filters: FilterSet) =>
(context: RequestContext): Reply => {
  const views = context.store.layers().flatMap((layer): Array<LayerView> => {
    const version = inCollection(collection, layer) ? choose(layer) : undefined
    return version === undefined ? [] : [layerView(layer, version)]
  })
  const expand = expandsList(context)
  return listReply(
    context,
    selectItems(views, context.query, filters),
    (view) => expand ? renderLayer(context.urls, view, false) : renderLayerSummary(context.urls, view)
  )
}

/** GET `/{collection}/`: published layers at their published version. */
export const list = (collection: Collection) => layerList(collection, publishedVersion, LAYER_FILTERS)

/** GET `/{collection}/drafts/`: layers whose newest version is unpublished, at that version. */
export const listDrafts = (collection: Collection) => layerList(collection, draftVersion, DRAFT_FILTERS)

/** GET `/{collection}/{id}/`: the published version, or the draft of a never-published layer. */
export const get = (collection: Collection) => (context: RequestContext, params: PathParams): Reply => {
  const layer = findLayer(context, collection, params)
  return ok(renderLayer(context.urls, layerView(layer, publishedVersion(layer) ?? latestVersion(layer)), false))
}

/** GET `/{collection}/{id}/versions/`: version objects, newest first (full layers with `Expand: list`). */
export const listVersions = (collection: Collection) => (context: RequestContext, params: PathParams): Reply => {
  const layer = findLayer(context, collection, params)
  const expand = expandsList(context)
  return listReply(
    context,
    [...layer.versions].reverse(),
    (version) =>
      expand
        ? renderLayer(context.urls, layerView(layer, version), true)
        : renderVersion(context.urls, layer, version)
  )
}

/** Picks the version a version endpoint shows, if the layer has it. */
type VersionLookup = (layer: LayerRecord, params: PathParams) => VersionRecord | undefined

const versionEndpoint = (collection: Collection, choose: VersionLookup) =>
(context: RequestContext, params: PathParams): Reply => {
  const layer = findLayer(context, collection, params)
  const version = choose(layer, params)
  if (version === undefined) throw notFound()
  return ok(renderLayer(context.urls, layerView(layer, version), true))
}

/** GET `/{collection}/{id}/versions/{version}/`. */
export const getVersion = (collection: Collection) =>
  versionEndpoint(collection, (layer, params) => {
    const id = pathParam(params, "version")
    return layer.versions.find((version) => version.id === id)
  })

/** GET `/{collection}/{id}/versions/draft/`: 404 without a draft. */
export const getDraft = (collection: Collection) => versionEndpoint(collection, draftVersion)

/** GET `/{collection}/{id}/versions/published/`: 404 when never published. */
export const getPublished = (collection: Collection) => versionEndpoint(collection, publishedVersion)
