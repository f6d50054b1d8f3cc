/**
 * Replies as the server sent them, beside their models. A model keeps only the fields it
 * names; when a reply carries more (a field the site added, one this client does not model
 * yet), ask for the JSON too: {@link withJson} turns any query into one whose items are
 * `{ value, json }`, {@link get} reads one object that way, and {@link unknownKeys} picks
 * out what the model left behind. Plain queries and getters are untouched by it: they decode
 * as fast as ever and keep no JSON.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as Query from "@koordinates-effect/client/Query"
 * import * as Raw from "@koordinates-effect/client/Raw"
 *
 * const program = Effect.gen(function*() {
 *   const items = yield* Query.collect(Raw.withJson(Layers.list()))
 *   items[0]?.value.name // the model
 *   return Raw.unknownKeys(items[0]!) // e.g. { "thumbnail_url": "https://…" }
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import type { CallError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Query from "./Query.ts"
import * as Endpoint from "./internal/endpoint.ts"

/**
 * A decoded model and the JSON it was decoded from.
 *
 * @example
 * ```ts
 * const described = (item: Raw.WithJson<Layers.Layer>) => `${item.value.name}: ${Object.keys(item.json).length} keys`
 * ```
 * @since 0.2.0
 * @category models
 */
export interface WithJson<A> {
  readonly value: A
  readonly json: Readonly<Record<string, unknown>>
}

/**
 * A schema that decodes a JSON object with `model` and keeps the object beside the result.
 *
 * @example
 * ```ts
 * declare const json: unknown
 * const decoded = Schema.decodeUnknownSync(Raw.schema(Layers.Layer))(json) // { value: Layer, json }
 * ```
 * @since 0.2.0
 * @category constructors
 */
export const schema = <A>(model: Schema.Decoder<A>): Schema.Decoder<WithJson<A>> =>
  Schema.Unknown.pipe(
    Schema.decodeTo(Schema.Struct({ value: model, json: Schema.Unknown }), {
      decode: SchemaGetter.transform((json: unknown) => ({ value: json, json })),
      encode: SchemaGetter.transform(({ json }: { readonly json: unknown }) => json)
    })
  ) as Schema.Decoder<WithJson<A>>

/**
 * The same query, its items (expanded or not) given with their JSON. Filters, sort, limit
 * and the interpreters work as on the query itself.
 *
 * @example
 * ```ts
 * const first = yield* Query.first(Raw.withJson(Catalog.list()))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const withJson = <A, F extends string, S extends string, X>(
  self: Query.Query<A, F, S, X>
): Query.Query<WithJson<A>, F, S, WithJson<X>> =>
  new Query.Query<WithJson<A>, F, S, WithJson<X>>({
    ...self,
    schema: schema(self.schema),
    expandedSchema: schema(self.expandedSchema)
  })

/**
 * Reads one object (an API path such as `/layers/1474/`, or a URL from a reply) with its
 * JSON; `expand` as for the getters.
 *
 * @example
 * ```ts
 * const { value, json } = yield* Raw.get("/layers/1474/", Layers.Layer)
 * ```
 * @since 0.2.0
 * @category getters
 */
export const get = <A>(
  path: string,
  model: Schema.Decoder<A>,
  options?: Endpoint.GetOptions
): Effect.Effect<WithJson<A>, CallError, Koordinates> => Endpoint.object(path, schema(model), options)

/**
 * The fields of the JSON that the model does not name, with their values.
 *
 * @example
 * ```ts
 * declare const layer: Layers.Layer
 * declare const json: Record<string, unknown>
 * Raw.unknownKeys({ value: layer, json }) // { "thumbnail_url": "https://…" }
 * ```
 * @since 0.2.0
 * @category utils
 */
export const unknownKeys = <A>(item: WithJson<A>): Record<string, unknown> => {
  const known = new globalThis.Set(Object.keys(item.value as object))
  return Object.fromEntries(Object.entries(item.json).filter(([key]) => !known.has(key)))
}
