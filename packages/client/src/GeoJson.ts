/**
 * GeoJSON as typed values and schemas: the geometries (Point, LineString, Polygon, their
 * Multi* forms and GeometryCollection, as one union on `type`) and Features, whose
 * properties are `Record<string, unknown>` or whatever a schema of your own makes of them.
 * The data services reply with these: vector point queries (`VectorQuery`), WFS features
 * and changesets (`Features`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
 * import * as GeoJson from "@koordinates-effect/client/GeoJson"
 *
 * const Parcel = GeoJson.feature(Schema.Struct({ parcel_intent: Schema.String }))
 * const parcel = Schema.decodeUnknownSync(Parcel)({
 *   type: "Feature", id: "layer-50772.1", properties: { parcel_intent: "Road" },
 *   geometry: { type: "Point", coordinates: [174.77, -41.28] }
 * })
 * parcel.properties?.parcel_intent // "Road"
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * A position: longitude (or easting), latitude (or northing), and an optional height.
 *
 * @example
 * ```ts
 * const wellington: GeoJson.Position = [174.7762, -41.2865]
 * ```
 * @since 0.2.0
 * @category models
 */
export type Position = ReadonlyArray<number>

/**
 * A `Point`.
 *
 * @example
 * ```ts
 * const p: GeoJson.Point = { type: "Point", coordinates: [174.77, -41.28] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface Point {
  readonly type: "Point"
  readonly coordinates: Position
}

/**
 * A `MultiPoint`.
 *
 * @example
 * ```ts
 * const m: GeoJson.MultiPoint = { type: "MultiPoint", coordinates: [[174.77, -41.28], [174.78, -41.29]] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface MultiPoint {
  readonly type: "MultiPoint"
  readonly coordinates: ReadonlyArray<Position>
}

/**
 * A `LineString`.
 *
 * @example
 * ```ts
 * const l: GeoJson.LineString = { type: "LineString", coordinates: [[174.77, -41.28], [174.78, -41.29]] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface LineString {
  readonly type: "LineString"
  readonly coordinates: ReadonlyArray<Position>
}

/**
 * A `MultiLineString`.
 *
 * @example
 * ```ts
 * const m: GeoJson.MultiLineString = { type: "MultiLineString", coordinates: [[[0, 0], [1, 1]]] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface MultiLineString {
  readonly type: "MultiLineString"
  readonly coordinates: ReadonlyArray<ReadonlyArray<Position>>
}

/**
 * A `Polygon`: its exterior ring, then any holes.
 *
 * @example
 * ```ts
 * const p: GeoJson.Polygon = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface Polygon {
  readonly type: "Polygon"
  readonly coordinates: ReadonlyArray<ReadonlyArray<Position>>
}

/**
 * A `MultiPolygon`.
 *
 * @example
 * ```ts
 * const m: GeoJson.MultiPolygon = { type: "MultiPolygon", coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface MultiPolygon {
  readonly type: "MultiPolygon"
  readonly coordinates: ReadonlyArray<ReadonlyArray<ReadonlyArray<Position>>>
}

/**
 * A `GeometryCollection`.
 *
 * @example
 * ```ts
 * const g: GeoJson.GeometryCollection = { type: "GeometryCollection", geometries: [{ type: "Point", coordinates: [0, 0] }] }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface GeometryCollection {
  readonly type: "GeometryCollection"
  readonly geometries: ReadonlyArray<Geometry>
}

/**
 * Any GeoJSON geometry; narrow it on `type`.
 *
 * @example
 * ```ts
 * const first = (g: GeoJson.Geometry) => g.type === "GeometryCollection" ? g.geometries[0] : g
 * ```
 * @since 0.2.0
 * @category models
 */
export type Geometry =
  | Point
  | MultiPoint
  | LineString
  | MultiLineString
  | Polygon
  | MultiPolygon
  | GeometryCollection

/**
 * A GeoJSON Feature whose properties are `P`. `geometry` is `null` for a feature without
 * one (a table's row, a deleted feature of a changeset, a point query asked for no
 * geometry); `properties` is `null` when the service sends none.
 *
 * @example
 * ```ts
 * const name = (f: GeoJson.Feature) => String(f.properties?.["name"] ?? "")
 * ```
 * @since 0.2.0
 * @category models
 */
export interface Feature<P = Readonly<Record<string, unknown>>> {
  readonly type: "Feature"
  readonly id?: string | number
  readonly geometry: Geometry | null
  readonly properties: P | null
}

const position = /* @__PURE__ */ Schema.Array(Schema.Finite).check(/* @__PURE__ */ Schema.isMinLength(2))
const positions = /* @__PURE__ */ Schema.Array(position)
const rings = /* @__PURE__ */ Schema.Array(positions)

const shape = <T extends string, C extends Schema.Top>(type: T, coordinates: C) =>
  /* @__PURE__ */ Schema.Struct({ type: /* @__PURE__ */ Schema.Literal(type), coordinates })

/**
 * The schema of a GeoJSON geometry (any of the seven types); coordinates must be finite
 * numbers, at least two to a position.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(GeoJson.Geometry)({ type: "Point", coordinates: [174.77, -41.28] })
 * ```
 * @since 0.2.0
 * @category schemas
 */
export const Geometry: Schema.Codec<Geometry> = /* @__PURE__ */ Schema.Union([
  /* @__PURE__ */ shape("Point", position),
  /* @__PURE__ */ shape("MultiPoint", positions),
  /* @__PURE__ */ shape("LineString", positions),
  /* @__PURE__ */ shape("MultiLineString", rings),
  /* @__PURE__ */ shape("Polygon", rings),
  /* @__PURE__ */ shape("MultiPolygon", /* @__PURE__ */ Schema.Array(rings)),
  /* @__PURE__ */ Schema.Struct({
    type: /* @__PURE__ */ Schema.Literal("GeometryCollection"),
    geometries: /* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.suspend((): Schema.Codec<Geometry> => Geometry))
  })
])

/**
 * Properties as they come: a JSON object of anything.
 *
 * @example
 * ```ts
 * const Plain = GeoJson.feature(GeoJson.AnyProperties)
 * ```
 * @since 0.2.0
 * @category schemas
 */
export const AnyProperties: Schema.Codec<Readonly<Record<string, unknown>>> = /* @__PURE__ */ Schema.Record(
  Schema.String,
  Schema.Unknown
)

/**
 * The fields of a Feature, for schemas that add their own (a point query's `distance`).
 *
 * @since 0.2.0
 * @category schemas
 * @example
 * ```ts
 * const WithDistance = Schema.Struct({ ...GeoJson.featureFields(GeoJson.AnyProperties), distance: Schema.Number })
 * ```
 */
export const featureFields = <P>(properties: Schema.Codec<P, unknown>) => ({
  type: /* @__PURE__ */ Schema.Literal("Feature"),
  id: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Schema.String, Schema.Number])),
  geometry: Schema.NullOr(Geometry).pipe(Schema.withDecodingDefaultKey(Effect.succeed(null))),
  properties: Schema.NullOr(properties).pipe(Schema.withDecodingDefaultKey(Effect.succeed(null)))
})

/**
 * The schema of a Feature whose properties decode with `properties` (a missing `geometry`
 * or `properties` reads as `null`, as some services leave them out).
 *
 * @example
 * ```ts
 * const Road = GeoJson.feature(Schema.Struct({ name: Schema.String, lanes: Schema.Number }))
 * ```
 * @since 0.2.0
 * @category schemas
 */
export const feature = <P>(properties: Schema.Codec<P, unknown>): Schema.Codec<Feature<P>, unknown> =>
  Schema.Struct(featureFields(properties)) as unknown as Schema.Codec<Feature<P>, unknown>

/**
 * The schema of a Feature with any properties.
 *
 * @example
 * ```ts
 * Schema.decodeUnknownSync(GeoJson.Feature)({ type: "Feature", geometry: null, properties: { a: 1 } })
 * ```
 * @since 0.2.0
 * @category schemas
 */
export const Feature: Schema.Codec<Feature, unknown> = /* @__PURE__ */ feature(AnyProperties)
