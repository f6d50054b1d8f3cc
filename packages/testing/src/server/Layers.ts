/**
 * Layer and table endpoints. `/layers/…` serves layers and tables alike (URLs in replies
 * point at `/tables/…` for tables); `/tables/…` mirrors it for tables only. Besides the
 * version lifecycle every versioned item shares (Versions.ts), layers import data: a new
 * layer imports its datasources, a version can be imported again, and "start update" makes
 * a draft that imports.
 */
import { Fields, isObject, type JsonObject, jsonBody, present } from "./Body.ts"
import { DRAFT_FILTERS, type FilterSet, LAYER_FILTERS, selectItems } from "./Filters.ts"
import {
  callerOf,
  created,
  expandsList,
  HttpError,
  notFound,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { type Collection, inCollection, layerIn } from "./Links.ts"
import {
  changedLayer,
  draftVersion,
  firstPublishedAt,
  itemType,
  latestVersion,
  LAYER_KINDS,
  type LayerChanges,
  type LayerContent,
  type LayerData,
  type LayerKind,
  type LayerRecord,
  type LayerView,
  layerView,
  publishedVersion,
  type VersionRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import {
  html,
  itemHtmlUrl,
  layerUrl,
  metadataUrls,
  renderGroup,
  renderLicense,
  type Urls,
  versionLinks,
  versionUrl
} from "./Render.ts"
import type { Store } from "./Store.ts"
import { addDraft, atParam, locate, type Resource, sharedChanges } from "./Versions.ts"

/** A layer version object (version lists, `version` of a layer fetched through a version endpoint). */
const renderVersion = (urls: Urls, layer: LayerRecord, version: VersionRecord) => ({
  id: version.id,
  url: versionUrl(urls, layer, version),
  status: version.status,
  created_at: version.created_at,
  created_by: version.created_by,
  reference: version.reference,
  progress: version.progress
})

/** The fields a layer list element starts with; `nameKey` is `name` in layer lists, `title` in the catalog. */
export const layerHead = (urls: Urls, view: LayerView, nameKey: "name" | "title") => ({
  id: view.layer.id,
  url: layerUrl(urls, view.layer),
  type: itemType(view.layer),
  [nameKey]: view.version.content.name,
  first_published_at: firstPublishedAt(view.layer),
  published_at: view.version.published_at
})

/** A layer list element (`/layers/`, `/layers/drafts/`). */
const renderLayerSummary = (urls: Urls, view: LayerView) => layerHead(urls, view, "name")

/** The full layer object at the view's version; `withVersion` adds the `version` object. */
export const renderLayer = (urls: Urls, view: LayerView, withVersion: boolean) => {
  const { layer, version } = view
  const { content } = version
  const thisVersion = versionUrl(urls, layer, version)
  return {
    ...renderLayerSummary(urls, view),
    description: content.description,
    description_html: html(content.description),
    group: renderGroup(urls, content.group),
    data: content.data,
    url_html: itemHtmlUrl(urls, layer, content.name),
    ...versionLinks(urls, layer, thisVersion),
    kind: layer.kind,
    categories: content.categories,
    tags: content.tags,
    collected_at: layer.collected_at,
    created_at: layer.created_at,
    license: renderLicense(urls, content.license),
    metadata: metadataUrls(thisVersion, content),
    elevation_field: content.elevation_field,
    permissions: `${layerUrl(urls, layer)}permissions/`,
    ...(withVersion ? { version: renderVersion(urls, layer, version) } : {})
  }
}

const noDatasources = "At least one datasource is required."

/** `data.datasources` of a body (ids, or objects with an id); `required` when creating. */
const datasources = (fields: Fields, required: boolean): LayerData["datasources"] | undefined => {
  if (fields.value("data") === undefined) return required ? fields.fail("data", noDatasources) : undefined
  const data = fields.object("data")
  if (data === undefined) return undefined
  const list = data["datasources"]
  if (!Array.isArray(list) || list.length === 0) return fields.fail("data", noDatasources)
  const ids = list.map((entry) => isObject(entry) ? entry["id"] : entry)
  const valid = ids.filter((id) => typeof id === "number" && Number.isInteger(id) && id > 0)
  if (valid.length < ids.length) return fields.fail("data", "Each datasource must be an id or an object with an id.")
  return valid.map((id) => ({ id }))
}

/** The editable layer fields of a body; `creating` requires a name and datasources. */
const layerChanges = (store: Store, fields: Fields, creating: boolean): LayerChanges => ({
  ...sharedChanges(store, fields, false),
  ...present({
    name: fields.text("name", { required: creating, blank: false }),
    license: fields.reference("license", store.licenses),
    elevation_field: fields.text("elevation_field"),
    datasources: datasources(fields, creating)
  })
})

/** PUT body of a layer version: new `data` datasources replace the old ones and start an import. */
const editLayer = (
  context: RequestContext,
  layer: LayerRecord,
  version: VersionRecord<LayerContent>,
  body: JsonObject
): void => {
  const fields = new Fields(body)
  const changes = layerChanges(context.store, fields, false)
  fields.done()
  version.content = changedLayer(version.content, changes)
  if (changes.datasources !== undefined) context.store.startImport(layer, version)
}

const layerResource = (collection: Collection): Resource<LayerContent, LayerRecord> => ({
  find: (context, params) => {
    const layer = layerIn(context.store, collection, pathParam(params, "id"))
    if (layer === undefined) throw notFound()
    return layer
  },
  title: (content) => content.name,
  render: (context, layer, version, withVersion) => renderLayer(context.urls, layerView(layer, version), withVersion),
  renderVersion,
  edit: editLayer
})

const resources: Readonly<Record<Collection, Resource<LayerContent, LayerRecord>>> = {
  layers: layerResource("layers"),
  tables: layerResource("tables")
}

/** The versioned resource of a collection, for the shared version endpoints. */
export const resource = (collection: Collection): Resource<LayerContent, LayerRecord> => resources[collection]

/** Picks the version of a layer a list shows, if it has one. */
type VersionChoice = (layer: LayerRecord) => VersionRecord<LayerContent> | undefined

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

/**
 * POST `/{collection}/`: a new layer (a table under `/tables/`) whose only version is a
 * draft importing its datasources; 201 with the version's Location and a version object.
 */
export const create = (collection: Collection) => (context: RequestContext): Reply => {
  const fields = new Fields(jsonBody(context))
  const kinds: ReadonlyArray<LayerKind> = collection === "tables" ? ["table"] : LAYER_KINDS
  const kind = fields.choice("kind", kinds, kinds[0] ?? "vector")
  const changes = layerChanges(context.store, fields, true)
  const checked = fields.checked({ kind })
  const layer = context.store.createLayer(checked.kind, changes, callerOf(context).user)
  const version = latestVersion(layer)
  return created(versionUrl(context.urls, layer, version), renderVersion(context.urls, layer, version))
}

/** POST `/{collection}/{id}/versions/`: a draft copying the newest version (status ok); 201 with its Location. */
export const createDraft = (collection: Collection) => (context: RequestContext, params: PathParams): Reply => {
  const { record, version } = addDraft(context, resource(collection), params, false)
  return created(versionUrl(context.urls, record, version), renderLayer(context.urls, layerView(record, version), true))
}

const ensureDatasources = (version: VersionRecord<LayerContent>): void => {
  if (version.content.data.datasources.length === 0) throw new HttpError(400, "No valid datasources to import")
}

/** The 202 reply of an endpoint that started an import. */
const importing = (context: RequestContext, layer: LayerRecord, version: VersionRecord<LayerContent>): Reply => ({
  status: 202,
  body: renderLayer(context.urls, layerView(layer, version), true)
})

/** POST `/{collection}/{id}/versions/{version}/import/`: imports the version again; 409 once published. */
export const importVersion = (collection: Collection) => (context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource(collection), params, atParam)
  if (version.published_at !== null) throw new HttpError(409, "This version is already published")
  ensureDatasources(version)
  context.store.startImport(record, version)
  return importing(context, record, version)
}

/** POST `/{collection}/{id}/versions/import/` ("start update"): a new draft that imports; 409 with a draft. */
export const startUpdate = (collection: Collection) => (context: RequestContext, params: PathParams): Reply => {
  ensureDatasources(latestVersion(resource(collection).find(context, params)))
  const { record, version } = addDraft(context, resource(collection), params, true)
  return importing(context, record, version)
}
