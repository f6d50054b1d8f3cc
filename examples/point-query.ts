/**
 * Point queries: what vector layers hold near a point (nearest first, with distances), and
 * what raster layers hold at it.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as RasterQuery from "@koordinates-effect/client/RasterQuery"
import * as VectorQuery from "@koordinates-effect/client/VectorQuery"

/** The nearest features of `layers` within `radius` metres of a point, per layer. */
export const nearby = (layers: ReadonlyArray<number>, x: number, y: number, radius = 1000) =>
  Effect.gen(function*() {
    const results = yield* VectorQuery.near({ layers, x, y }, { radius, maxResults: 3, withFieldNames: true, geometry: true })
    for (const { layerId, features } of results) {
      yield* Console.log(`Layer ${layerId}: ${features.length} feature(s) within ${radius} m of ${x}, ${y}`)
      for (const feature of features) {
        const name = feature.properties?.["name"] ?? feature.id ?? "(unnamed)"
        yield* Console.log(`  ${String(name)}: ${feature.distance === null ? "?" : feature.distance.toFixed(1)} m, ${feature.geometry?.type ?? "no geometry"}`)
      }
    }
    return results
  })

/** The band values of raster `layers` at a point. */
export const valuesAt = (layers: ReadonlyArray<number>, x: number, y: number) =>
  Effect.gen(function*() {
    const results = yield* RasterQuery.at({ layers, x, y })
    for (const { layerId, status, bands } of results) {
      yield* Console.log(`Raster ${layerId} at ${x}, ${y}: ${status}${bands.length === 0 ? "" : `, ${bands.map((b) => b.value).join(", ")}`}`)
    }
    return results
  })
