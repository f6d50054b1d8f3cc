/**
 * Set point queries (`GET /services/query/v1/set.json`): what the layers of one set — a
 * publisher's collection of vector and raster layers — hold at or near a WGS84 point, in the
 * set's own layer order, each with its id and title: the features of a vector layer
 * (nearest first, with their `distance`), the band values of a raster one.
 *
 * Inputs are checked before any request (`ClientValidationError`): the set id a positive
 * integer, `x` a longitude from -180 to 180 and `y` a latitude from -90 to 90, `radius` 0
 * or more metres, `maxResults` from 1 to 100. The set goes in the `set` parameter (the
 * service's documentation does not name it; `setParameter` changes it). The key goes in the
 * `Authorization: key …` header, never in the URL. The reply is read as JSON when its
 * Content-Type is `application/json` or `application/vnd.koordinates.setQuery+json`
 * (versioned or not); any other type is a `ResponseDecodeError` at `Content-Type`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as SetQuery from "@koordinates-effect/client/SetQuery"
 *
 * const program = Effect.gen(function*() {
 *   const layers = yield* SetQuery.near({ set: 4292, x: 174.7762, y: -41.2865 }, { radius: 100 })
 *   for (const layer of layers) console.log(layer.title, layer.features.length, layer.bands.map((b) => b.value))
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type CallError, ClientValidationError } from "./Errors.ts"
import * as GeoJson from "./GeoJson.ts"
import type { Koordinates } from "./Koordinates.ts"
import { Band } from "./RasterQuery.ts"
import { vectorFeature, type VectorFeature } from "./VectorQuery.ts"
import * as PointQuery from "./internal/pointquery.ts"
import * as Validate from "./internal/validate.ts"

/**
 * Where to query: the set, and the point (`x` longitude, `y` latitude, WGS84).
 *
 * @example
 * ```ts
 * const at: SetQuery.SetPoint = { set: 4292, x: 174.7762, y: -41.2865 }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface SetPoint extends PointQuery.Point {
  readonly set: number
}

/**
 * How to search (as for `VectorQuery.near`), and the name of the parameter the set id goes
 * in (default `set`).
 *
 * @example
 * ```ts
 * const options: SetQuery.NearOptions = { radius: 250, maxResults: 3 }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface NearOptions extends PointQuery.NearOptions {
  readonly setParameter?: string | undefined
}

/**
 * One layer of the set at the point: its id, title and kind (`vector`, `raster`, … as the
 * service says, when it does), its features (vector layers; nearest first) and its band
 * values (raster layers); the other list is empty.
 *
 * @example
 * ```ts
 * const describe = (l: SetQuery.SetLayer) => `${l.title}: ${l.features.length || l.bands.length}`
 * ```
 * @since 0.2.0
 * @category models
 */
export interface SetLayer {
  readonly id: number
  readonly title: string
  readonly type: string | undefined
  readonly status: string | undefined
  readonly features: ReadonlyArray<VectorFeature>
  readonly bands: ReadonlyArray<Band>
}

const Reply = /* @__PURE__ */ Schema.Struct({
  setQuery: /* @__PURE__ */ Schema.Struct({
    layers: /* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.Struct({
      id: Schema.Number,
      title: Schema.String,
      type: /* @__PURE__ */ Schema.optionalKey(Schema.String),
      status: /* @__PURE__ */ Schema.optionalKey(Schema.String),
      features: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(/* @__PURE__ */ vectorFeature(GeoJson.AnyProperties))),
      bands: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Band))
    }))
  })
})

/**
 * The set's layers at or near the point, in the set's order. One request.
 *
 * @example
 * ```ts
 * const layers = yield* SetQuery.near({ set: 4292, x: 174.7762, y: -41.2865 }, { maxResults: 1 })
 * ```
 * @since 0.2.0
 * @category queries
 */
export const near: (at: SetPoint, options?: NearOptions) => Effect.Effect<ReadonlyArray<SetLayer>, CallError, Koordinates> =
  /* @__PURE__ */ Effect.fn("Koordinates.SetQuery.near")(function*(at: SetPoint, options?: NearOptions) {
    const set = yield* Validate.id("set", at?.set)
    const name = options?.setParameter ?? "set"
    if (typeof name !== "string" || !/^\w+$/.test(name)) {
      return yield* new ClientValidationError({ field: "setParameter", message: `Invalid setParameter ${JSON.stringify(name)}` })
    }
    const point = yield* PointQuery.point(at)
    const search = yield* PointQuery.near(options)
    const decoded = yield* PointQuery.get("set", [[name, String(set)], ...point, ...search], Reply)
    return decoded.setQuery.layers.map((layer): SetLayer => ({
      id: layer.id,
      title: layer.title,
      type: layer.type,
      status: layer.status,
      features: PointQuery.nearestFirst(layer.features ?? []),
      bands: layer.bands ?? []
    }))
  })
