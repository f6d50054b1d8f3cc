/**
 * Publishing: publish groups that take draft versions of layers, tables and sets live —
 * together or one by one, now or at a set time — and the wait until they are done.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as Publishing from "@koordinates-effect/client/Publishing"
 *
 * declare const draftLayer: Layers.Layer
 * declare const draftTable: Layers.Layer
 *
 * const program = Effect.gen(function*() {
 *   const publish = yield* Publishing.create({ items: [draftLayer, draftTable], publishStrategy: "together" })
 *   return yield* Publishing.waitForPublish(publish.id)
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import { type CallError, ClientValidationError, PublishFailed } from "./Errors.ts"
import { Koordinates } from "./Koordinates.ts"
import { Layer } from "./Layers.ts"
import { Set } from "./Sets.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { Publish, PublishState } from "./internal/publish.ts"
import * as Validate from "./internal/validate.ts"
import * as Versioned from "./internal/versioned.ts"
import * as Wait from "./internal/wait.ts"

export {
  /**
   * A publish: draft versions being published, its strategies and its `state`.
   *
   * @example
   * ```ts
   * const publish = yield* Publishing.get(2054)
   * publish.state // "completed"
   * ```
   * @since 0.1.0
   * @category models
   */
  Publish,
  /**
   * The states of a publish, as a schema: `scheduled`, `waiting-for-items`, `publishing`,
   * `completed`, `cancelled`, `errored`.
   *
   * @example
   * ```ts
   * Schema.is(Publishing.PublishState)("completed") // true
   * ```
   * @since 0.1.0
   * @category models
   */
  PublishState
}

/**
 * Every publish of the site, newest first.
 *
 * @example
 * ```ts
 * const recent = yield* Query.collect(Query.limit(Publishing.list(), 10))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Publishing.list", "/publish/", Publish)

/**
 * A publish by id; `expand` names related objects to embed (`Expand` header).
 *
 * @example
 * ```ts
 * const publish = yield* Publishing.get(2054)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.get("Koordinates.Publishing.get", "/publish/{id}/", Publish)

/**
 * A draft version by ids: `{ layer, version }`, `{ table, version }` or `{ set, version }`.
 *
 * @example
 * ```ts
 * const item: Publishing.VersionIds = { layer: 8888, version: 9999 }
 * ```
 * @since 0.2.0
 * @category inputs
 */
export type VersionIds =
  | { readonly layer: number; readonly version: number }
  | { readonly table: number; readonly version: number }
  | { readonly set: number; readonly version: number }

/**
 * A layer, table or set at a draft version, the URL of such a version, or its ids.
 *
 * @since 0.1.0
 * @category inputs
 */
export type PublishItem = string | Layer | Set | VersionIds

/**
 * What to publish and how: the items (draft versions, their URLs or their ids), `publishStrategy`
 * (`together`, the default, or `individual`), `errorStrategy` (`abort`, the default, or
 * `ignore`) and an optional `publishAt` time.
 *
 * @example
 * ```ts
 * declare const draft: Layers.Layer
 * const request: Publishing.NewPublish = {
 *   items: [draft, { layer: 8888, version: 9999 }, { table: 7777, version: 6666 }],
 *   publishAt: new Date("2030-01-01T00:00:00Z")
 * }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export interface NewPublish {
  readonly items: ReadonlyArray<PublishItem>
  readonly publishStrategy?: "together" | "individual"
  readonly errorStrategy?: "abort" | "ignore"
  readonly publishAt?: Date | string
}

const versionUrl = /^https?:\/\/[^/]+\/.*\/(layers|tables|sets)\/\d+\/versions\/\d+\/$/

const invalid = (field: string, message: string) => Effect.fail(new ClientValidationError({ field, message }))

const collections = [["layer", "layers"], ["table", "tables"], ["set", "sets"]] as const

/** The version URL that ids name, under the API root. */
const idsUrl = (apiRoot: string, item: unknown, field: string): Effect.Effect<string, ClientValidationError> => {
  const ids = (typeof item === "object" && item !== null ? item : {}) as Readonly<Record<string, number>>
  const named = collections.find(([kind]) => kind in ids)
  if (named === undefined || !("version" in ids)) {
    return invalid(field, `Invalid ${field}: expected a draft version, its URL or its ids ({ layer, version }…)`)
  }
  const [kind, collection] = named
  return Effect.map(
    Effect.andThen(Validate.id(`${field}.${kind}`, ids[kind]!), Validate.id(`${field}.version`, ids["version"]!)),
    (version) => `${apiRoot}/${collection}/${ids[kind]}/versions/${version}/`
  )
}

const itemUrl = (apiRoot: string) => (item: PublishItem, index: number): Effect.Effect<string, ClientValidationError> => {
  const field = `items[${index}]`
  if (typeof item === "string") {
    return versionUrl.test(item) ? Effect.succeed(item) : invalid(field, `Invalid ${field}: "${item}" is not a version URL`)
  }
  if (!(item instanceof Layer || item instanceof Set)) return idsUrl(apiRoot, item, field)
  const url = item.this_version
  return Versioned.isDraftVersion(item) && url != null
    ? Effect.succeed(url)
    : invalid(field, `Invalid ${field}: ${item.url} is not a draft version`)
}

const PublishOptions = /* @__PURE__ */ Schema.Struct({
  publishStrategy: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Literals(["together", "individual"])),
  errorStrategy: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Literals(["abort", "ignore"]))
})

const publishAtIso = (value: Date | string): Effect.Effect<string, ClientValidationError> => {
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : value
  return date instanceof Date && !Number.isNaN(date.getTime())
    ? Effect.succeed(date.toISOString())
    : invalid("publishAt", `Invalid publishAt ${JSON.stringify(value)}: expected a Date or an ISO date-time`)
}

/**
 * Publishes draft versions. Layers, tables and sets given as objects must be draft versions
 * (`ClientValidationError` otherwise, before any request); URLs must be version URLs; ids
 * (`{ layer: 8888, version: 9999 }`) must be positive integers.
 *
 * @example
 * ```ts
 * declare const layerDraft: Layers.Layer
 * declare const setDraft: Sets.Set
 * const publish = yield* Publishing.create({ items: [layerDraft, setDraft], publishStrategy: "individual" })
 * const byIds = yield* Publishing.create({ items: [{ layer: 8888, version: 9999 }, { table: 7777, version: 6666 }] })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Effect.fn("Koordinates.Publishing.create")(
  function*(publish: NewPublish): Effect.fn.Return<Publish, CallError, Koordinates> {
    if (!Array.isArray(publish.items) || publish.items.length === 0) {
      return yield* invalid("items", "Invalid items: give at least one draft version to publish")
    }
    const { apiRoot } = yield* Koordinates
    const items = yield* Effect.forEach(publish.items, itemUrl(apiRoot))
    const options = yield* Validate.input(PublishOptions, {
      publishStrategy: publish.publishStrategy ?? "together",
      errorStrategy: publish.errorStrategy ?? "abort"
    })
    const body = {
      items,
      publish_strategy: options.publishStrategy,
      error_strategy: options.errorStrategy,
      ...(publish.publishAt === undefined ? {} : { publish_at: yield* publishAtIso(publish.publishAt) })
    }
    return yield* Http.json({ method: "POST", path: "/publish/", body: HttpBody.jsonUnsafe(body) }, Publish)
  })

/**
 * Cancels a publish that has not finished.
 *
 * @example
 * ```ts
 * yield* Publishing.cancel(2054)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const cancel = /* @__PURE__ */ Endpoint.remove("Koordinates.Publishing.cancel", "/publish/{id}/")

/**
 * The publish's items, fetched: each version as a `Layer` (layers and tables) or a `Set`.
 *
 * @example
 * ```ts
 * const items = yield* Publishing.getItems(yield* Publishing.get(2054))
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getItems = /* @__PURE__ */ Effect.fn("Koordinates.Publishing.getItems")(
  function*(publish: Publish): Effect.fn.Return<Array<Layer | Set>, CallError, Koordinates> {
    return yield* Effect.forEach(
      publish.items,
      (url): Effect.Effect<Layer | Set, CallError, Koordinates> =>
        Http.json({ method: "GET", path: url }, /\/sets\/\d+\//.test(url) ? Set : Layer),
      { concurrency: 4 }
    )
  })

const publishOutcome = (publish: Publish) => {
  switch (publish.state) {
    case "completed":
      return Option.some(Effect.succeed(publish))
    case "cancelled":
    case "errored":
      return Option.some(Effect.fail(
        new PublishFailed({ publishId: publish.id, state: publish.state, message: `Publish ${publish.id} ${publish.state}` })
      ))
    default:
      return Option.none()
  }
}

/**
 * Waits until a publish is over: the publish once `completed`; `PublishFailed` when it is
 * `cancelled` or `errored`; `TimeoutError` when the wait gives up. Polls on the given
 * schedule (default every 2 seconds); interrupting it stops the polling.
 *
 * @example
 * ```ts
 * declare const publish: Publishing.Publish
 * const done = yield* Publishing.waitForPublish(publish.id, { timeout: "10 minutes" })
 * ```
 * @since 0.1.0
 * @category waits
 */
export const waitForPublish = /* @__PURE__ */ Effect.fn("Koordinates.Publishing.waitForPublish")(function*(
  id: number,
  options?: Wait.WaitOptions
): Effect.fn.Return<Publish, CallError | PublishFailed, Koordinates> {
  return yield* Wait.until(`publish ${id}`, get(id), publishOutcome, options)
})
