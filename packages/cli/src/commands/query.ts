/**
 * `koordinates query vector|raster`: what is at or near a point (longitude/latitude, WGS84)
 * in some layers — the nearest features of vector layers with their distances, or the
 * values of raster bands.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as RasterQuery from "@koordinates-effect/client/RasterQuery"
import * as VectorQuery from "@koordinates-effect/client/VectorQuery"
import { format } from "../connection.ts"
import { type Column, jsonExcerpt, printList } from "../output.ts"
import * as Resource from "../resource.ts"

const point = {
  layer: Flag.Int("layer").pipe(Flag.withMetavar("id"), Flag.withDescription("A layer to query (repeat it for several)"), Flag.atLeast(1)),
  x: Flag.Finite("x").pipe(Flag.withMetavar("longitude"), Flag.withDescription("Longitude, WGS84 degrees")),
  y: Flag.Finite("y").pipe(Flag.withMetavar("latitude"), Flag.withDescription("Latitude, WGS84 degrees"))
}

/** One feature a vector query found, with the layer it is from. */
interface Found {
  readonly layerId: number
  readonly feature: VectorQuery.VectorFeature
}

const foundColumns: ReadonlyArray<Column<Found>> = [
  ["LAYER", (f) => f.layerId],
  ["ID", (f) => f.feature.id],
  ["DISTANCE (m)", (f) => f.feature.distance],
  ["PROPERTIES", (f) => jsonExcerpt(f.feature.properties)]
]

const vector = Command.make(
  "vector",
  {
    ...point,
    radius: Flag.Finite("radius").pipe(Flag.withMetavar("metres"), Flag.withDescription("Search this far around the point"), Flag.optional),
    maxResults: Flag.Int("max-results").pipe(Flag.withMetavar("n"), Flag.withDescription("At most this many features per layer (1–100)"), Flag.optional),
    geometry: Flag.Boolean("geometry").pipe(Flag.withDescription("Include each feature's geometry"), Flag.withDefault(false))
  },
  Effect.fn(function*({ layer, x, y, radius, maxResults, geometry }) {
    const results = yield* VectorQuery.near(
      { layers: layer, x, y },
      { radius: Option.getOrUndefined(radius), maxResults: Option.getOrUndefined(maxResults), geometry, withFieldNames: true }
    )
    const found = results.flatMap(({ layerId, features }) => features.map((feature): Found => ({ layerId, feature })))
    yield* printList(Stream.fromIterable(found), foundColumns, yield* format)
  })
).pipe(
  Command.withDescription("The features of vector layers at or near a point, nearest first"),
  Command.withExamples([
    { command: "koordinates query vector --layer 743 --x 174.7762 --y -41.2865", description: "Which zone is this point in" },
    { command: "koordinates query vector --layer 1153 --x 174.7762 --y -41.2865 --radius 500 --max-results 5 --json" }
  ])
)

/** One band's value, with the layer it is from. */
interface Value {
  readonly layerId: number
  readonly status: string
  readonly band: number
  readonly value: number | null
}

const valueColumns: ReadonlyArray<Column<Value>> = [
  ["LAYER", (v) => v.layerId],
  ["STATUS", (v) => v.status],
  ["BAND", (v) => v.band],
  ["VALUE", (v) => v.value]
]

const raster = Command.make(
  "raster",
  point,
  Effect.fn(function*({ layer, x, y }) {
    const results = yield* RasterQuery.at({ layers: layer, x, y })
    const values = results.flatMap(({ layerId, status, bands }) =>
      bands.length === 0
        ? [{ layerId, status, band: 0, value: null }]
        : bands.map((band, index): Value => ({ layerId, status, band: index + 1, value: band.value }))
    )
    yield* printList(Stream.fromIterable(values), valueColumns, yield* format)
  })
).pipe(
  Command.withDescription("The values of raster or grid layers' bands at a point"),
  Command.withExamples([{ command: "koordinates query raster --layer 1165 --x 174.7762 --y -41.2865" }])
)

/**
 * `koordinates query …`
 *
 * @since 0.2.0
 */
export const command = Resource.group("query", {
  description: "Point queries: what is at or near a point",
  examples: [{ command: "koordinates query vector --layer 743 --x 174.7762 --y -41.2865" }]
}, [vector, raster])
