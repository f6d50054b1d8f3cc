/**
 * What the point queries (vector, raster, set) share: their inputs checked before any
 * request, their URL on the site's origin, and their reply read under the content types
 * the service is documented (and misdocumented) to send.
 *
 * @since 0.2.0
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import { ClientValidationError } from "../Errors.ts"
import { Koordinates } from "../Koordinates.ts"
import * as Http from "./http.ts"
import * as Validate from "./validate.ts"

/**
 * A point in WGS84 (EPSG:4326): `x` is the longitude, `y` the latitude, in decimal degrees.
 *
 * @since 0.2.0
 */
export interface Point {
  readonly x: number
  readonly y: number
}

const invalid = (field: string, message: string) => Effect.fail(new ClientValidationError({ field, message }))

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value)

/**
 * `x` and `y` as query parameters, each within its WGS84 range.
 *
 * @since 0.2.0
 */
export const point = (input: Point): Effect.Effect<Http.Params, ClientValidationError> => {
  const { x, y } = input ?? ({} as Point)
  if (!finite(x) || x < -180 || x > 180) return invalid("x", `Invalid x ${String(x)}: expected a longitude from -180 to 180`)
  if (!finite(y) || y < -90 || y > 90) return invalid("y", `Invalid y ${String(y)}: expected a latitude from -90 to 90`)
  return Effect.succeed([["x", String(x)], ["y", String(y)]])
}

/**
 * One `layer` parameter per id, in order: at least one id, each a positive integer.
 *
 * @since 0.2.0
 */
export const layers = (ids: ReadonlyArray<number>): Effect.Effect<Http.Params, ClientValidationError> => {
  if (!Array.isArray(ids) || ids.length === 0) return invalid("layers", "Invalid layers: expected at least one layer id")
  const bad = ids.findIndex((id) => !Validate.isId(id))
  return bad === -1
    ? Effect.succeed(ids.map((id) => ["layer", String(id)] as const))
    : invalid(`layers[${bad}]`, `Invalid layers[${bad}] ${String(ids[bad])}: expected a positive integer`)
}

/**
 * Options of the queries that search around the point (vector and set).
 *
 * @since 0.2.0
 */
export interface NearOptions {
  /** Search this far around the point, in metres (0 or more). */
  readonly radius?: number | undefined
  /** At most this many results (1–100), nearest first. */
  readonly maxResults?: number | undefined
  /** Whether each feature carries its geometry. */
  readonly geometry?: boolean | undefined
  /** Whether properties are keyed by field name. */
  readonly withFieldNames?: boolean | undefined
}

/**
 * The search options as parameters (`radius`, `max_results`, `geometry`, `with_field_names`),
 * only those given, each checked.
 *
 * @since 0.2.0
 */
export const near = (options: NearOptions | undefined): Effect.Effect<Http.Params, ClientValidationError> => {
  const { radius, maxResults, geometry, withFieldNames } = options ?? {}
  const params: Array<readonly [string, string]> = []
  if (radius !== undefined) {
    if (!finite(radius) || radius < 0) return invalid("radius", `Invalid radius ${String(radius)}: expected metres, 0 or more`)
    params.push(["radius", String(radius)])
  }
  if (maxResults !== undefined) {
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return invalid("maxResults", `Invalid maxResults ${String(maxResults)}: expected an integer from 1 to 100`)
    }
    params.push(["max_results", String(maxResults)])
  }
  for (const [field, name, value] of [["geometry", "geometry", geometry], ["withFieldNames", "with_field_names", withFieldNames]] as const) {
    if (value === undefined) continue
    if (typeof value !== "boolean") return invalid(field, `Invalid ${field} ${String(value)}: expected true or false`)
    params.push([name, String(value)])
  }
  return Effect.succeed(params)
}

/** Content types a point query's JSON reply may carry (§9 #1: the docs name the wrong vendor type). */
const jsonType = /^application\/(?:json|vnd\.koordinates\.(?:vector|raster|set)Query(?:\.\d+)?\+json)\s*(?:;|$)/i

/**
 * Sends a point query (`GET {origin}/services/query/v1/{service}.json`) and decodes its
 * reply with `schema`. A reply whose Content-Type is not JSON (one of `application/json`,
 * `application/vnd.koordinates.vectorQuery+json`, `…setQuery+json`, `…rasterQuery+json`,
 * versioned or not; a reply without one is read as JSON) is a `ResponseDecodeError` at
 * `Content-Type`.
 *
 * @since 0.2.0
 */
export const get = <S extends Schema.Decoder<unknown>>(
  service: "vector" | "raster" | "set",
  params: Http.Params,
  schema: S
): Effect.Effect<S["Type"], Http.RequestError, Koordinates | S["DecodingServices"]> =>
  Effect.flatMap(Koordinates, (k) =>
    Http.run(
      { method: "GET", path: `${k.origin}/services/query/v1/${service}.json`, params },
      (response) => {
        const type = response.headers["content-type"]
        return type === undefined || jsonType.test(type)
          ? Http.decodeJson(response, schema)
          : Effect.fail(Http.unexpected(response, "Content-Type", `The reply is not JSON but ${Http.excerpt(type)}`))
      }
    ))

/**
 * Features nearest first (`sort` is stable: features at one distance keep the service's
 * order; those without a distance go last).
 * @since 0.2.0
 */
export const nearestFirst = <F extends { readonly distance: number | null }>(features: ReadonlyArray<F>): Array<F> =>
  [...features].sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity))
