/**
 * Raster point queries (`GET /services/query/v1/raster.json`): the values of one or more
 * raster or grid layers at a WGS84 point, per layer and band.
 *
 * Inputs are checked before any request (`ClientValidationError`): `x` a longitude from
 * -180 to 180 and `y` a latitude from -90 to 90, at least one layer and every id a positive
 * integer. The key goes in the `Authorization: key …` header, never in the URL. The reply is
 * read as JSON when its Content-Type is `application/json` or
 * `application/vnd.koordinates.rasterQuery+json` (versioned or not); any other type is a
 * `ResponseDecodeError` at `Content-Type`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as RasterQuery from "@koordinates-effect/client/RasterQuery"
 *
 * const program = Effect.gen(function*() {
 *   const [elevation] = yield* RasterQuery.at({ layers: [51768], x: 174.7762, y: -41.2865 })
 *   if (elevation!.status === "ok") console.log(elevation!.bands[0]?.value)
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { CallError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as PointQuery from "./internal/pointquery.ts"

/**
 * Where to query: the layers, and the point (`x` longitude, `y` latitude, WGS84).
 *
 * @example
 * ```ts
 * const at: RasterQuery.RasterPoint = { layers: [51768], x: 174.7762, y: -41.2865 }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface RasterPoint extends PointQuery.Point {
  readonly layers: ReadonlyArray<number>
}

/**
 * One band's value at the point (`null` where the raster has no data).
 *
 * @example
 * ```ts
 * const metres = (band: RasterQuery.Band) => band.value ?? Number.NaN
 * ```
 * @since 0.2.0
 * @category models
 */
export class Band extends /* @__PURE__ */ Schema.Class<Band>("@koordinates-effect/client/RasterBand")({
  value: /* @__PURE__ */ Schema.NullOr(Schema.Number)
}) {}

/**
 * What one layer gave: its `status` (`ok` when it has values there; the service's word
 * otherwise, e.g. outside the raster's extent) and its bands' values, in band order.
 *
 * @example
 * ```ts
 * const values = (r: RasterQuery.LayerValues) => r.status === "ok" ? r.bands.map((b) => b.value) : []
 * ```
 * @since 0.2.0
 * @category models
 */
export interface LayerValues {
  readonly layerId: number
  readonly status: string
  readonly bands: ReadonlyArray<Band>
}

const Reply = /* @__PURE__ */ Schema.Struct({
  rasterQuery: /* @__PURE__ */ Schema.Struct({
    layers: /* @__PURE__ */ Schema.Record(
      Schema.String,
      /* @__PURE__ */ Schema.Struct({
        status: Schema.String,
        bands: /* @__PURE__ */ Schema.Array(Band).pipe(/* @__PURE__ */ Schema.withDecodingDefaultKey(/* @__PURE__ */ Effect.succeed([])))
      })
    )
  })
})

/**
 * The values of each layer at the point, in the order the layers were given. One request,
 * with `layer` repeated per id. A layer the reply leaves out has status `missing` and no
 * bands.
 *
 * @example
 * ```ts
 * const [landcover] = yield* RasterQuery.at({ layers: [1132], x: 172.6, y: -43.5 })
 * ```
 * @since 0.2.0
 * @category queries
 */
export const at: (point: RasterPoint) => Effect.Effect<ReadonlyArray<LayerValues>, CallError, Koordinates> =
  /* @__PURE__ */ Effect.fn("Koordinates.RasterQuery.at")(function*(point: RasterPoint) {
    const layers = yield* PointQuery.layers(point?.layers)
    const xy = yield* PointQuery.point(point)
    const decoded = yield* PointQuery.get("raster", [...layers, ...xy], Reply)
    return point.layers.map((layerId): LayerValues => {
      const found = decoded.rasterQuery.layers[String(layerId)]
      return { layerId, status: found?.status ?? "missing", bands: found?.bands ?? [] }
    })
  })
