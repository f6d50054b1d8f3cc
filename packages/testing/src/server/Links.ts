/**
 * Resolving the API URLs clients send back (the items of a set, a publish or an export, the
 * crop feature of an export's extent) to the records they name, and the collection rule
 * every layer lookup shares: `/layers/` serves layers and tables alike, `/tables/` only
 * tables.
 */
import { API_ROOT, type RequestContext } from "./Http.ts"
import { type CropFeatureRecord, findVersion, type LayerRecord, type PublishItem } from "./Model.ts"
import type { Store } from "./Store.ts"

/** The URL collection a layer endpoint lives under. */
export type Collection = "layers" | "tables"

/** True when `collection` serves this layer or table. */
export const inCollection = (collection: Collection, layer: LayerRecord): boolean =>
  collection === "layers" || layer.kind === "table"

/** The layer or table with this id, if `collection` serves it. */
export const layerIn = (store: Store, collection: Collection, id: number): LayerRecord | undefined => {
  const layer = store.getLayer(id)
  return layer !== undefined && inCollection(collection, layer) ? layer : undefined
}

/** The path under the API root (any version) of an absolute URL on this server. */
const apiPath = (context: RequestContext, url: string): string => {
  if (!URL.canParse(url)) return ""
  const parsed = new URL(url)
  return parsed.origin === context.url.origin ? API_ROOT.exec(parsed.pathname)?.[2] ?? "" : ""
}

/** The layer or table an item URL (`…/layers/{id}/`, `…/tables/{id}/`) names. */
export const layerAt = (context: RequestContext, url: string): LayerRecord | undefined => {
  const [, collection, id] = /^\/(layers|tables)\/(\d+)\/$/.exec(apiPath(context, url)) ?? []
  return collection === "layers" || collection === "tables" ? layerIn(context.store, collection, Number(id)) : undefined
}

/** The version of a layer, table or set a version URL (`…/{collection}/{id}/versions/{version}/`) names. */
export const versionAt = (context: RequestContext, url: string): PublishItem | undefined => {
  const [, collection, id, versionId] = /^\/(layers|tables|sets)\/(\d+)\/versions\/(\d+)\/$/.exec(apiPath(context, url))
    ?? []
  const record = collection === "sets"
    ? context.store.getSet(Number(id))
    : collection === "layers" || collection === "tables"
    ? layerIn(context.store, collection, Number(id))
    : undefined
  const version = record === undefined ? undefined : findVersion<unknown>(record, Number(versionId))
  return record === undefined || version === undefined ? undefined : { record, version }
}

/** The crop feature a URL (`…/exports/croplayers/{id}/cropfeatures/{feature}/`) names. */
export const cropFeatureAt = (context: RequestContext, url: string): CropFeatureRecord | undefined => {
  const [, layerId, featureId] = /^\/exports\/croplayers\/(\d+)\/cropfeatures\/(\d+)\/$/.exec(apiPath(context, url)) ?? []
  return context.store.cropLayers.find((layer) => layer.id === Number(layerId))?.features
    .find((feature) => feature.id === Number(featureId))
}
