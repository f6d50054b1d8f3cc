/**
 * Endpoint builders: an API module declares a plain endpoint — its span name, its path
 * template, the schema of its input and of its reply — in one line, and gets a traced
 * function. The ids are the template's `{placeholders}`, in order: each is checked
 * (a positive integer) before any request, and a bad one is reported under its
 * placeholder's name. Every builder is its own export, so a bundle carries only the
 * builders its functions use.
 *
 * @example
 * ```ts
 * export const getScan = Endpoint.read("Koordinates.Sources.getScan", "/sources/{sourceId}/scans/{scanId}/", Sources.Scan)
 * ```
 * @since 0.2.0
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import type { CallError, ClientValidationError } from "../Errors.ts"
import type { Koordinates } from "../Koordinates.ts"
import * as Query from "../Query.ts"
import * as Http from "./http.ts"
import * as Validate from "./validate.ts"

/**
 * Options of the single-object getters.
 *
 * @example
 * ```ts
 * Layers.get(1474, { expand: ["data"] })
 * ```
 * @since 0.1.0
 */
export interface GetOptions {
  /** Names of related objects the server should embed (sent as `Expand: a,b`). */
  readonly expand?: ReadonlyArray<string>
}

/**
 * A function of an API module: its arguments and what it returns; it fails with `CallError`.
 *
 * @since 0.2.0
 */
export type Endpoint<Args extends ReadonlyArray<unknown>, A> = (...args: Args) => Effect.Effect<A, CallError, Koordinates>

/** The placeholders of the API's paths, as named arguments (another name makes an unnamed `number`). */
interface Named {
  readonly id: [id: number]
  readonly layerId: [layerId: number]
  readonly versionId: [versionId: number]
  readonly setId: [setId: number]
  readonly sourceId: [sourceId: number]
  readonly scanId: [scanId: number]
  readonly datasourceId: [datasourceId: number]
  readonly cropLayerId: [cropLayerId: number]
  readonly featureId: [featureId: number]
}

/**
 * One `number` argument per `{placeholder}` of a path template, named after it, followed by `Tail`.
 *
 * @since 0.2.0
 */
export type Ids<Path extends string, Tail extends ReadonlyArray<unknown> = []> = Path extends
  `${string}{${infer Name}}${infer Rest}` ? [...(Name extends keyof Named ? Named[Name] : [number]), ...Ids<Rest, Tail>]
  : Tail

/**
 * GET of the object at `path`, decoded with `schema`; a bad expand name fails before the request.
 *
 * @since 0.2.0
 */
export const object = <A>(path: string, schema: Schema.Decoder<A>, options: GetOptions | undefined) =>
  Effect.flatMap(
    Validate.expandHeader(options?.expand),
    (headers) => Http.json({ method: "GET", path, headers }, schema)
  )

/**
 * The path a template names with `ids` put in, each checked first (the error names its
 * placeholder). For use in a generator: `yield* Endpoint.path(…)`.
 *
 * @example
 * ```ts
 * const path = yield* Endpoint.path("/sources/{sourceId}/scans/{scanId}/log/", [44, 41]) // "/sources/44/scans/41/log/"
 * ```
 * @since 0.2.0
 */
export const path = function*(template: string, ids: ReadonlyArray<number>): Effect.fn.Return<string, ClientValidationError> {
  // literal text at even indices, placeholder names at odd ones
  const parts = template.split(/[{}]/)
  let path = parts[0]!
  for (let index = 1; index < parts.length; index += 2) {
    path += (yield* Validate.id(parts[index]!, ids[index >> 1]!)) + parts[index + 1]!
  }
  return path
}

/**
 * An endpoint of any shape: a traced function whose first arguments are the template's
 * ids — checked, then put in the path — and whose other arguments go to `send` with the
 * path; their names and types are `send`'s own.
 *
 * @example
 * ```ts
 * declare const send: (path: string, changes: { readonly name: string }) => Effect.Effect<string, Errors.CallError, Koordinates.Koordinates>
 * export const rename = Endpoint.make("Koordinates.Tokens.rename", "/tokens/{id}/", send)
 * rename(12, { name: "CI" }) // Effect<string, CallError, Koordinates>
 * ```
 * @since 0.2.0
 */
export const make = <const P extends string, Rest extends Array<any>, A>(
  name: string,
  template: P,
  send: (path: string, ...rest: Rest) => Effect.Effect<A, CallError, Koordinates>
): Endpoint<Ids<P, Rest>, A> => {
  const count = template.split("{").length - 1
  return Effect.fn(name)(function*(...args: Array<any>) {
    return yield* send(yield* path(template, args), ...args.slice(count) as Rest)
  })
}

/**
 * `get(…ids, options)`: the object at `template`, with the `Expand` its options ask for.
 *
 * @example
 * ```ts
 * export const get = Endpoint.get("Koordinates.Licenses.get", "/licenses/{id}/", Licenses.License)
 * ```
 * @since 0.2.0
 */
export const get = <const P extends string, A>(
  name: string,
  template: P,
  schema: Schema.Decoder<A>
): Endpoint<Ids<P, [options?: GetOptions]>, A> =>
  make(name, template, (path, options?: GetOptions) => object(path, schema, options))

/**
 * `read(…ids)`: a GET decoded with `schema`, for objects the API embeds nothing in.
 *
 * @example
 * ```ts
 * export const me = Endpoint.read("Koordinates.Users.me", "/users/me/", Users.User)
 * ```
 * @since 0.2.0
 */
export const read = <const P extends string, A>(name: string, template: P, schema: Schema.Decoder<A>): Endpoint<Ids<P>, A> =>
  make(name, template, (path) => Http.json({ method: "GET", path }, schema))

/**
 * `action(…ids)`: a POST with an empty JSON object (start an import, a scan, a draft…),
 * its reply decoded with `schema`.
 *
 * @example
 * ```ts
 * export const startScan = Endpoint.action("Koordinates.Sources.startScan", "/sources/{sourceId}/scans/", Sources.Scan)
 * ```
 * @since 0.2.0
 */
export const action = <const P extends string, A>(
  name: string,
  template: P,
  schema: Schema.Decoder<A>
): Endpoint<Ids<P>, A> =>
  make(name, template, (path) => Http.json({ method: "POST", path, body: HttpBody.jsonUnsafe({}) }, schema))

/** A builder of endpoints that send their last argument as the JSON body, checked against its schema first. */
const withInput = (method: "POST" | "PUT") =>
<const P extends string, I, A>(
  name: string,
  template: P,
  input: Schema.Decoder<I>,
  schema: Schema.Decoder<A>
): Endpoint<Ids<P, [input: I]>, A> =>
  make(name, template, (path, value: I) =>
    Effect.flatMap(
      Validate.input(input, value),
      (checked) => Http.json({ method, path, body: HttpBody.jsonUnsafe(checked) }, schema)
    ))

/**
 * `create(…ids, input)`: a POST of the input, checked against its schema (field names as
 * the input's paths) before any request.
 *
 * @example
 * ```ts
 * export const create = Endpoint.create("Koordinates.Sets.create", "/sets/", Sets.NewSet, Sets.Set)
 * ```
 * @since 0.2.0
 */
export const create = /* @__PURE__ */ withInput("POST")

/**
 * `update(…ids, changes)`: a PUT of the changes, checked against their schema before any request.
 *
 * @example
 * ```ts
 * export const update = Endpoint.update("Koordinates.Sources.update", "/sources/{id}/", Sources.SourceChanges, Sources.Source)
 * ```
 * @since 0.2.0
 */
export const update = /* @__PURE__ */ withInput("PUT")

/**
 * `remove(…ids)`: a DELETE whose reply does not matter (deleting, cancelling).
 *
 * @example
 * ```ts
 * export const cancel = Endpoint.remove("Koordinates.Publishing.cancel", "/publish/{id}/")
 * ```
 * @since 0.2.0
 */
export const remove = <const P extends string>(name: string, template: P): Endpoint<Ids<P>, void> =>
  make(name, template, (path) => Http.discard({ method: "DELETE", path }))

/**
 * `list(…ids)`: the query over the list at `template`, its ids checked when it runs.
 *
 * @example
 * ```ts
 * export const list = Endpoint.list("Koordinates.Users.list", "/users/", Users.User, { filterKeys: ["q"] })
 * ```
 * @since 0.2.0
 */
export const list = <
  const P extends string,
  A,
  X = A,
  const F extends string = never,
  const S extends string = never
>(
  name: string,
  template: P,
  schema: Schema.Decoder<A>,
  options: {
    readonly expandedSchema?: Schema.Decoder<X>
    readonly filterKeys?: ReadonlyArray<F>
    readonly sortKeys?: ReadonlyArray<S>
  } = {}
): (...ids: Ids<P>) => Query.Query<A, F, S, X> => {
  const parts = template.split(/[{}]/)
  return (...ids) =>
    Query.make<A, F, S, X>({
      ...options,
      name,
      path: parts.map((part, index) => index % 2 === 0 ? part : String(ids[index >> 1])).join(""),
      schema,
      ids: Object.fromEntries(parts.flatMap((part, index) => index % 2 === 0 ? [] : [[part, ids[index >> 1]!]]))
    })
}
