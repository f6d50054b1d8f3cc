/**
 * Reading one object: the GET every single-object getter makes, with the `Expand` header
 * its options ask for.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as Http from "./http.ts"
import * as Validate from "./validate.ts"

/**
 * Options of the single-object getters.
 *
 * @example
 * ```ts
 * Layers.get(1474, { expand: ["data"] })
 * ```
 */
export interface GetOptions {
  /** Names of related objects the server should embed (sent as `Expand: a,b`). */
  readonly expand?: ReadonlyArray<string>
}

/** GET of the object at `path`, decoded with `schema`; a bad expand name fails before the request. */
export const object = <S extends Schema.Decoder<unknown>>(path: string, schema: S, options: GetOptions | undefined) =>
  Effect.flatMap(
    Validate.expandHeader(options?.expand),
    (headers) => Http.json({ method: "GET", path, headers }, schema)
  )
