/**
 * A fast reading of GeoJSON Features with any properties: the same checks and the same
 * result as decoding with `GeoJson.Feature`, in a plain loop. Pages of WFS features go
 * through it; whatever it refuses is decoded with the schema, which says where it is wrong.
 *
 * @since 0.2.0
 * @internal
 */
import type * as GeoJson from "../GeoJson.ts"

const isPosition = (value: unknown): boolean => {
  if (!Array.isArray(value) || value.length < 2) return false
  for (const n of value) if (typeof n !== "number" || !Number.isFinite(n)) return false
  return true
}

/** Whether `value` is an array of what `each` accepts. */
const every = (value: unknown, each: (item: unknown) => boolean): boolean => {
  if (!Array.isArray(value)) return false
  for (const item of value) if (!each(item)) return false
  return true
}

const isPositions = (value: unknown) => every(value, isPosition)
const isRings = (value: unknown) => every(value, isPositions)
const isPolygons = (value: unknown) => every(value, isRings)

const coordinateChecks: Readonly<Record<string, (value: unknown) => boolean>> = {
  Point: isPosition,
  MultiPoint: isPositions,
  LineString: isPositions,
  MultiLineString: isRings,
  Polygon: isRings,
  MultiPolygon: isPolygons
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The geometry as the schema decodes it (its `type` and `coordinates`/`geometries` only), or `undefined` if it is none. */
const geometry = (value: unknown): GeoJson.Geometry | undefined => {
  if (!isRecord(value)) return undefined
  const type = value["type"]
  if (type === "GeometryCollection") {
    const members = value["geometries"]
    if (!Array.isArray(members)) return undefined
    const geometries: Array<GeoJson.Geometry> = []
    for (const member of members) {
      const read = geometry(member)
      if (read === undefined) return undefined
      geometries.push(read)
    }
    return { type, geometries }
  }
  const check = typeof type === "string" ? coordinateChecks[type] : undefined
  const coordinates = value["coordinates"]
  return check !== undefined && check(coordinates) ? { type, coordinates } as GeoJson.Geometry : undefined
}

/**
 * The features as `GeoJson.Feature` decodes them, or `undefined` when any is not one (then
 * decode with the schema, for the error).
 *
 * @since 0.2.0
 */
export const features = (values: ReadonlyArray<unknown>): Array<GeoJson.Feature> | undefined => {
  const out: Array<GeoJson.Feature> = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (!isRecord(value) || value["type"] !== "Feature") return undefined
    const id = value["id"]
    if ("id" in value && typeof id !== "string" && typeof id !== "number") return undefined
    const rawGeometry = value["geometry"]
    const read = rawGeometry === undefined || rawGeometry === null ? null : geometry(rawGeometry)
    if (read === undefined) return undefined
    const properties = value["properties"]
    if (properties !== undefined && properties !== null && !isRecord(properties)) return undefined
    out[i] = "id" in value
      ? { type: "Feature", id: id as string | number, geometry: read, properties: (properties ?? null) as GeoJson.Feature["properties"] }
      : { type: "Feature", geometry: read, properties: (properties ?? null) as GeoJson.Feature["properties"] }
  }
  return out
}
