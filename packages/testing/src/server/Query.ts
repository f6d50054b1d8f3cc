/**
 * The Query API: what lies at a point. `vector` finds the features of vector layers within
 * `radius` metres of `x` (longitude), `y` (latitude), nearest first, at most `max_results`
 * per layer, each with its haversine `distance` in metres (0 inside a polygon); `raster`
 * reads the band values of raster and grid layers there; `set` does either for each layer
 * of a set, in the set's order. JSON by the `.json` suffix or, on the suffix-less path, by
 * an `Accept` of the vendor type; `callback` wraps the reply as JSONP, errors included (as
 * 200 replies carrying the message string). With `Accept-Encoding: gzip` the JSON is gzipped.
 */
import { gzipSync } from "node:zlib"
import type { ErrorForm, ServiceContext } from "./DataServices.ts"
import { ServiceError } from "./DataServices.ts"
import {
  aliveAt,
  anchorOf,
  type FakeFeature,
  type FeatureLayer,
  featureOf,
  hasData,
  variantAt
} from "./Features.ts"
import { distanceTo, haversine, inPolygon, type Position } from "./Geometry.ts"
import type { QueryPairs, Reply } from "./Http.ts"
import { type LayerRecord, publishedVersion } from "./Model.ts"
import { makeRng } from "./Random.ts"

type Kind = "vector" | "raster" | "set"

const CONTENT_TYPES: Readonly<Record<Kind, string>> = {
  vector: "application/vnd.koordinates.vectorQuery+json",
  raster: "application/vnd.koordinates.rasterQuery+json",
  set: "application/vnd.koordinates.setQuery+json"
}

const callbackName = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/

/** The last value of a parameter. */
const param = (query: QueryPairs, name: string): string | undefined =>
  query.filter(([key]) => key === name).at(-1)?.[1]

const bad = (message: string, locator?: string) => new ServiceError(400, message, "InvalidParameterValue", locator)

/** A required number parameter within [min, max]. */
const coordinate = (query: QueryPairs, name: string, min: number, max: number): number => {
  const text = param(query, name)
  if (text === undefined || text.trim() === "") throw bad(`Parameter "${name}" is required.`, name)
  const value = Number(text)
  if (!Number.isFinite(value)) throw bad(`Parameter "${name}" must be a number, got "${text}".`, name)
  if (value < min || value > max) throw bad(`Parameter "${name}" must be between ${min} and ${max}, got ${text}.`, name)
  return value
}

/** An optional `true`/`false` parameter. */
const flag = (query: QueryPairs, name: string, fallback: boolean): boolean => {
  const text = param(query, name)
  if (text === undefined) return fallback
  if (/^(true|1)$/i.test(text)) return true
  if (/^(false|0)$/i.test(text)) return false
  throw bad(`Parameter "${name}" must be true or false, got "${text}".`, name)
}

/** The repeated `layer` ids, in order, without repeats. */
const layerIds = (query: QueryPairs): Array<number> => {
  const values = query.filter(([key]) => key === "layer").map(([, value]) => value)
  if (values.length === 0) throw bad("Parameter \"layer\" is required (repeat it for several layers).", "layer")
  const ids: Array<number> = []
  for (const value of values) {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw bad(`Parameter "layer" must be a layer id (repeat the parameter for several layers), got "${value}".`, "layer")
    }
    if (!ids.includes(Number(value))) ids.push(Number(value))
  }
  return ids
}

/** What a point query asks. */
interface PointQuery {
  readonly point: Position
  readonly radius: number
  readonly maxResults: number
  readonly geometry: boolean
  readonly fieldNames: boolean
}

const pointQuery = (context: ServiceContext): PointQuery => {
  const { query, limits } = context
  const x = coordinate(query, "x", -180, 180)
  const y = coordinate(query, "y", -90, 90)
  const radiusText = param(query, "radius")
  const radius = radiusText === undefined ? limits.defaultRadius : Number(radiusText)
  if (!Number.isFinite(radius) || radius < 0 || radius > limits.maxRadius) {
    throw bad(`Parameter "radius" must be a distance in metres from 0 to ${limits.maxRadius}, got "${radiusText}".`, "radius")
  }
  const maxText = param(query, "max_results")
  const maxResults = maxText === undefined ? limits.defaultMaxResults : Number(maxText)
  if (!/^\d+$/.test(maxText ?? "1") || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw bad(`Parameter "max_results" must be an integer from 1 to 100, got "${maxText}".`, "max_results")
  }
  return {
    point: [x, y],
    radius,
    maxResults,
    geometry: flag(query, "geometry", false),
    fieldNames: flag(query, "with_field_names", false)
  }
}

/** A published layer of the store, else 404. */
const publishedLayer = (context: ServiceContext, id: number): LayerRecord => {
  const layer = context.store.getLayer(id)
  if (layer === undefined || !hasData(layer)) throw new ServiceError(404, `Layer ${id} does not exist.`, "InvalidParameterValue", "layer")
  return layer
}

/** How far a feature reaches from its anchor, at most (metres): the margin of the first sieve. */
const REACH = 3_000

/** A feature found, with its distance. */
interface Hit {
  readonly feature: FakeFeature
  readonly distance: number
}

/**
 * The features of `layer` within the radius of the point, nearest first (then by key), at most `maxResults`.
 *
 * @since 0.2.0
 */
export const nearest = (context: ServiceContext, record: LayerRecord, query: PointQuery): Array<Hit> => {
  const layer = context.features.layer(record) as FeatureLayer
  const state = context.features.current(record)
  const hits: Array<Hit> = []
  const [w, s, e, n] = layer.bounds
  const [x, y] = query.point
  // the whole layer is too far away
  const nearX = Math.min(e, Math.max(w, x))
  const nearY = Math.min(n, Math.max(s, y))
  if (haversine(query.point, [nearX, nearY]) > query.radius + REACH) return hits
  for (let key = 1; key <= state.maxKey; key++) {
    if (!aliveAt(state, key)) continue
    // first sieve: where the feature sits, before generating it whole
    if (haversine(query.point, anchorOf(layer, key)) > query.radius + REACH) continue
    const feature = featureOf(layer, key, variantAt(state, key))
    if (feature.geometry === null) continue
    const distance = distanceTo(query.point, feature.geometry)
    if (distance <= query.radius) hits.push({ feature, distance })
  }
  hits.sort((a, b) => a.distance - b.distance || a.feature.key - b.feature.key)
  return hits.slice(0, query.maxResults)
}

/** A feature as the vector query writes it. */
const renderHit = (layer: FeatureLayer, hit: Hit, query: PointQuery) => {
  const properties: Record<string, unknown> = {}
  layer.attributes.forEach((field, index) => {
    properties[query.fieldNames ? field.name : String(index)] = hit.feature.properties[field.name] ?? null
  })
  return {
    type: "Feature",
    id: hit.feature.key,
    geometry: query.geometry ? hit.feature.geometry : null,
    properties,
    distance: Math.round(hit.distance * 1000) / 1000
  }
}

/** A vector layer's result. */
const vectorResult = (context: ServiceContext, record: LayerRecord, query: PointQuery) => {
  const layer = context.features.layer(record) as FeatureLayer
  const features = nearest(context, record, query).map((hit) => renderHit(layer, hit, query))
  return query.fieldNames ? { features } : { features, fields: layer.attributes.map((field) => field.name) }
}

/**
 * The band values of a raster or grid layer at a point: one band for a grid, three (RGB) for a raster.
 *
 * @since 0.2.0
 */
export const bandValues = (record: LayerRecord, [x, y]: Position): Array<number> => {
  if (record.kind === "grid") {
    const value = 100 + 900 * (Math.sin(x * 3) + Math.cos(y * 2) + 2) / 4
    return [Math.round(value * 100) / 100]
  }
  const rng = makeRng((Math.round(x * 10_000) * 73_856_093) ^ (Math.round(y * 10_000) * 19_349_663) ^ record.id)
  return [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]
}

/** A raster or grid layer's result: `ok` with band values inside its extent, `no-data` outside. */
const rasterResult = (record: LayerRecord, point: Position) => {
  const inside = record.extent === null || inPolygon(point, record.extent.coordinates)
  return inside
    ? { status: "ok", bands: bandValues(record, point).map((value) => ({ value })) }
    : { status: "no-data", bands: [] }
}

const vectorQuery = (context: ServiceContext) => {
  const ids = layerIds(context.query)
  const query = pointQuery(context)
  const layers: Record<string, unknown> = {}
  for (const id of ids) {
    const record = publishedLayer(context, id)
    if (record.kind !== "vector") throw bad(`Layer ${id} is not a vector layer (it is a ${record.kind}).`, "layer")
    layers[String(id)] = vectorResult(context, record, query)
  }
  return { vectorQuery: { layers } }
}

const rasterQuery = (context: ServiceContext) => {
  const ids = layerIds(context.query)
  const x = coordinate(context.query, "x", -180, 180)
  const y = coordinate(context.query, "y", -90, 90)
  const layers: Record<string, unknown> = {}
  for (const id of ids) {
    const record = publishedLayer(context, id)
    if (record.kind !== "raster" && record.kind !== "grid") {
      throw bad(`Layer ${id} is not a raster or grid layer (it is a ${record.kind}).`, "layer")
    }
    layers[String(id)] = rasterResult(record, [x, y])
  }
  return { rasterQuery: { layers } }
}

const setQuery = (context: ServiceContext) => {
  const text = param(context.query, "set")
  if (text === undefined) throw bad("Parameter \"set\" is required.", "set")
  if (!/^\d+$/.test(text)) throw bad(`Parameter "set" must be a set id, got "${text}".`, "set")
  const set = context.store.getSet(Number(text))
  if (set === undefined || publishedVersion(set) === undefined) {
    throw new ServiceError(404, `Set ${text} does not exist.`, "InvalidParameterValue", "set")
  }
  const query = pointQuery(context)
  const items = publishedVersion(set)?.content.items ?? []
  const layers = items
    .filter((record) => record.kind !== "table" && hasData(record) && context.store.getLayer(record.id) === record)
    .map((record) => ({
      id: record.id,
      title: record.name,
      type: record.kind,
      ...(record.kind === "vector" ? vectorResult(context, record, query) : rasterResult(record, query.point))
    }))
  return { setQuery: { layers } }
}

/**
 * Answers a point query of this kind; `suffix` is the URL's (`.json`, `.xml`) if any.
 *
 * @since 0.2.0
 */
export const handle = (context: ServiceContext, kind: Kind, suffix: string | undefined): Reply => {
  const accept = context.headers["accept"] ?? ""
  const wantsXml = suffix === ".xml" || (suffix === undefined && /xml/i.test(accept) && !/json|\*\/\*/i.test(accept))
  if (wantsXml) throw new ServiceError(406, "Only JSON is served here: use the .json suffix or Accept: application/json.")
  const body = kind === "vector" ? vectorQuery(context) : kind === "raster" ? rasterQuery(context) : setQuery(context)
  const callback = param(context.query, "callback")
  if (callback !== undefined) {
    if (!callbackName.test(callback)) throw bad(`Parameter "callback" must be a JavaScript name, got "${callback}".`, "callback")
    return jsonpReply(callback, JSON.stringify(body))
  }
  const text = JSON.stringify(body)
  if (!/\bgzip\b/i.test(context.headers["accept-encoding"] ?? "")) {
    return { status: 200, headers: { "Content-Type": CONTENT_TYPES[kind] }, body: text }
  }
  return {
    status: 200,
    headers: { "Content-Type": CONTENT_TYPES[kind], "Content-Encoding": "gzip", Vary: "Accept-Encoding" },
    body: new Uint8Array(gzipSync(text))
  }
}

const jsonpReply = (callback: string, payload: string): Reply => ({
  status: 200,
  headers: { "Content-Type": "text/javascript; charset=utf-8" },
  body: `${callback}(${payload});`
})

/**
 * An error reply of a Query API request made with a valid `callback`: 200, the message as
 * a JSON string passed to the callback. Other replies are returned as they are.
 *
 * @since 0.2.0
 */
export const jsonp = (query: QueryPairs, form: ErrorForm, reply: Reply, error: ServiceError): Reply => {
  const callback = param(query, "callback")
  if (form !== "json" || callback === undefined || !callbackName.test(callback)) return reply
  return jsonpReply(callback, JSON.stringify(error.message))
}
