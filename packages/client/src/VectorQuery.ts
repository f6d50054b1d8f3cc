/**
 * Vector point queries (`GET /services/query/v1/vector.json`): the features of one or more
 * vector layers at or near a WGS84 point, per layer, nearest first, each a GeoJSON Feature
 * with its `distance` from the point in metres.
 *
 * Inputs are checked before any request (`ClientValidationError`): `x` a longitude from
 * -180 to 180 and `y` a latitude from -90 to 90, at least one layer and every id a positive
 * integer, `radius` 0 or more metres, `maxResults` from 1 to 100. The key goes in the
 * `Authorization: key …` header, never in the URL.
 *
 * The reply is read as JSON when its Content-Type is `application/json`,
 * `application/vnd.koordinates.vectorQuery+json` or `application/vnd.koordinates.setQuery+json`
 * (the type the service's own documentation names for vector results), versioned
 * (`….1+json`) or not; any other type (an HTML page) is a `ResponseDecodeError` at
 * `Content-Type`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as VectorQuery from "@koordinates-effect/client/VectorQuery"
 *
 * const program = Effect.gen(function*() {
 *   const [schools] = yield* VectorQuery.near({ layers: [743], x: 174.7762, y: -41.2865 }, { radius: 1000, maxResults: 5 })
 *   for (const school of schools!.features) console.log(school.properties?.["name"], school.distance)
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { CallError } from "./Errors.ts"
import * as GeoJson from "./GeoJson.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as PointQuery from "./internal/pointquery.ts"

/**
 * Where to query: the layers, and the point (`x` longitude, `y` latitude, WGS84).
 *
 * @example
 * ```ts
 * const at: VectorQuery.VectorPoint = { layers: [743, 1153], x: 174.7762, y: -41.2865 }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface VectorPoint extends PointQuery.Point {
  readonly layers: ReadonlyArray<number>
}

/**
 * How to search: `radius` (metres), `maxResults` (1–100, per the service's limits),
 * `geometry` (whether features carry their geometry), `withFieldNames` (properties keyed by
 * field name); left out, the service's own defaults apply. `properties` decodes each
 * feature's properties with a schema of your own.
 *
 * @example
 * ```ts
 * const options: VectorQuery.NearOptions = { radius: 500, maxResults: 10, geometry: false }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface NearOptions<P = Readonly<Record<string, unknown>>> extends PointQuery.NearOptions {
  readonly properties?: Schema.Codec<P, unknown> | undefined
}

/**
 * A feature of a vector query: a GeoJSON Feature and its distance from the point, in
 * metres (`null` when the service gives none).
 *
 * @example
 * ```ts
 * const within100m = (f: VectorQuery.VectorFeature) => (f.distance ?? Infinity) <= 100
 * ```
 * @since 0.2.0
 * @category models
 */
export interface VectorFeature<P = Readonly<Record<string, unknown>>> extends GeoJson.Feature<P> {
  readonly distance: number | null
}

/**
 * The features one layer gave, nearest first (an empty list when the layer has none there).
 *
 * @example
 * ```ts
 * const counts = (results: ReadonlyArray<VectorQuery.LayerFeatures>) => results.map((r) => [r.layerId, r.features.length])
 * ```
 * @since 0.2.0
 * @category models
 */
export interface LayerFeatures<P = Readonly<Record<string, unknown>>> {
  readonly layerId: number
  readonly features: ReadonlyArray<VectorFeature<P>>
}

/**
 * The schema of a vector query's feature.
 *
 * @example
 * ```ts
 * declare const json: unknown
 * Schema.decodeUnknownSync(VectorQuery.vectorFeature(GeoJson.AnyProperties))(json)
 * ```
 * @since 0.2.0
 * @category schemas
 */
export const vectorFeature = <P>(properties: Schema.Codec<P, unknown>): Schema.Codec<VectorFeature<P>, unknown> =>
  Schema.Struct({
    ...GeoJson.featureFields(properties),
    distance: Schema.NullOr(Schema.Finite).pipe(Schema.withDecodingDefaultKey(Effect.succeed(null)))
  }) as unknown as Schema.Codec<VectorFeature<P>, unknown>

const reply = <P>(properties: Schema.Codec<P, unknown>) =>
  Schema.Struct({
    vectorQuery: Schema.Struct({
      layers: Schema.Record(Schema.String, Schema.Struct({ features: Schema.Array(vectorFeature(properties)) }))
    })
  })

/**
 * The features of each layer at or near the point, in the order the layers were given,
 * each layer's nearest first. One request, with `layer` repeated per id.
 *
 * @example
 * ```ts
 * const [zones] = yield* VectorQuery.near({ layers: [743], x: 174.7762, y: -41.2865 }, { radius: 0 })
 * zones!.features[0]?.properties
 * ```
 * @since 0.2.0
 * @category queries
 */
export const near: <P = Readonly<Record<string, unknown>>>(
  at: VectorPoint,
  options?: NearOptions<P>
) => Effect.Effect<ReadonlyArray<LayerFeatures<P>>, CallError, Koordinates> = /* @__PURE__ */ Effect.fn(
  "Koordinates.VectorQuery.near"
)(function*<P>(at: VectorPoint, options?: NearOptions<P>) {
  const layers = yield* PointQuery.layers(at?.layers)
  const point = yield* PointQuery.point(at)
  const search = yield* PointQuery.near(options)
  const properties = (options?.properties ?? GeoJson.AnyProperties) as Schema.Codec<P, unknown>
  const decoded = yield* PointQuery.get("vector", [...layers, ...point, ...search], reply(properties))
  return at.layers.map((layerId): LayerFeatures<P> => ({
    layerId,
    features: PointQuery.nearestFirst(decoded.vectorQuery.layers[String(layerId)]?.features ?? [])
  }))
})
