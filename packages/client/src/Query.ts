/**
 * Lists as values. A `Query` describes a list endpoint with its filters, sort order,
 * expansion, limit and page size; it is an immutable `Data.Class` (equal queries are
 * `Equal.equals`) and nothing is requested until an interpreter runs it: {@link stream},
 * {@link pages}, {@link collect}, {@link first} or {@link count}. Pages are followed through
 * the `Link: <…>; rel="page-next"` header, verbatim, and a limit stops requesting as soon as
 * enough items have arrived. While one page is consumed the next is already being fetched,
 * one page ahead at most ({@link prefetch} turns this off). A server cannot keep a query paging forever: a link back to a
 * page already read, an empty page that links on, or more items than the first page's
 * `X-Resource-Range` total ends the stream with `ResponseDecodeError` at `Link`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Catalog from "@koordinates-effect/client/Catalog"
 * import * as Query from "@koordinates-effect/client/Query"
 *
 * const ccLayers = Catalog.list().pipe(
 *   Query.filter({ "license.type": "cc", type: "layer" }),
 *   Query.orderBy("-created_at")
 * )
 * const program = Effect.all([Query.collect(Query.limit(ccLayers, 3)), Query.count(ccLayers)])
 * ```
 * @module
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type CallError, ClientValidationError } from "./Errors.ts"
import { Koordinates } from "./Koordinates.ts"
import * as Http from "./internal/http.ts"
import * as Pagination from "./internal/pagination.ts"
import * as Validate from "./internal/validate.ts"

/**
 * A value a filter compares with: a string, a finite number, a boolean or a valid `Date`
 * (sent as an ISO string); give an array of them for a repeated parameter (any of them
 * matches). Any other value (`null`, an object, `NaN`, an invalid `Date`…) is refused with
 * `ClientValidationError` before any request.
 *
 * @example
 * ```ts
 * const since: FilterValue = new Date("2024-01-01")
 * ```
 * @since 0.1.0
 * @category models
 */
export type FilterValue = string | number | boolean | Date

/**
 * Filters for a query whose resource allows the attributes `F`: each key is an attribute or
 * its dotted form (`created_at.gte`, `license.type`).
 *
 * @example
 * ```ts
 * const f: Filters<"created_at" | "tag"> = { "created_at.gte": new Date("2024-01-01"), tag: ["roads", "rail"] }
 * ```
 * @since 0.1.0
 * @category models
 */
export type Filters<F extends string> = {
  readonly [K in F | `${F}.${string}`]?: FilterValue | ReadonlyArray<FilterValue>
}

/** Resolves to `unknown` when every key of `T` is allowed by `F`; otherwise to a type naming the bad keys. */
type OnlyKeys<T, F extends string> = [Exclude<keyof T, F | `${F}.${string}`>] extends [never] ? unknown
  : { readonly "invalid filter attribute": Exclude<keyof T, F | `${F}.${string}`> }

/** Resolves to `unknown` when `K` is a sort key of `S` (or `undefined`); otherwise names the bad key. */
type SortAllowed<K, S extends string> = [K] extends [SortKey<S> | undefined] ? unknown
  : { readonly "invalid ordering attribute": K }

/**
 * A sort key: an ordering attribute, or `-` and the attribute for descending order.
 *
 * @example
 * ```ts
 * const newestFirst: SortKey<"created_at"> = "-created_at"
 * ```
 * @since 0.1.0
 * @category models
 */
export type SortKey<S extends string> = S | `-${S}`


interface QueryFields<A, X> {
  /** Span name of the endpoint, e.g. `Koordinates.Layers.list`. */
  readonly name: string
  /** List endpoint path under the API root. */
  readonly path: string
  /** Schema of one list element. */
  readonly schema: Schema.Decoder<A>
  /** Schema of one list element when the list is expanded. */
  readonly expandedSchema: Schema.Decoder<X>
  /** Attributes that may be filtered on (first segment of a dotted key). */
  readonly filterKeys: ReadonlyArray<string>
  /** Attributes that may be sorted on. */
  readonly sortKeys: ReadonlyArray<string>
  /** Ids in the path, checked before any request. */
  readonly ids: Readonly<Record<string, number>>
  readonly filters: ReadonlyArray<Param>
  readonly sort: string | undefined
  readonly expanded: boolean
  readonly limit: number | undefined
  readonly pageSize: number | undefined
  readonly extra: ReadonlyArray<Param>
  /** Whether the next page is fetched while the current one is consumed. */
  readonly prefetch: boolean
}

/** A query parameter as given: its name and text, or, for a value that cannot be sent, no text and why. */
type Param = readonly [name: string, text: string] | readonly [name: string, text: undefined, problem: string]

/**
 * A list request, as data. `A` is the item type, `F` the filterable attributes, `S` the
 * sortable ones, `X` the item type once expanded.
 *
 * @example
 * ```ts
 * const q: Query.Query<Layers.LayerSummary, Layers.LayerFilter, Layers.LayerSort, Layers.Layer> = Layers.list()
 * ```
 * @since 0.1.0
 * @category models
 */
export class Query<A, F extends string = never, S extends string = never, X = A>
  extends Data.Class<QueryFields<A, X>>
{
  declare readonly filterType: (_: F) => F
  declare readonly sortType: (_: S) => S
}

/**
 * Creates a query over a list endpoint. API modules use it; users get queries from them.
 *
 * @example
 * ```ts
 * const versions = Query.make({ name: "Koordinates.Layers.listVersions", path: "/layers/1/versions/",
 *   schema: Layers.LayerVersion, filterKeys: ["data"] })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = <A, F extends string = never, S extends string = never, X = A>(options: {
  readonly name: string
  readonly path: string
  readonly schema: Schema.Decoder<A>
  readonly expandedSchema?: Schema.Decoder<X>
  readonly filterKeys?: ReadonlyArray<F>
  readonly sortKeys?: ReadonlyArray<S>
  readonly ids?: Readonly<Record<string, number>>
}): Query<A, F, S, X> =>
  new Query<A, F, S, X>({
    name: options.name,
    path: options.path,
    schema: options.schema,
    expandedSchema: options.expandedSchema ?? (options.schema as unknown as Schema.Decoder<X>),
    filterKeys: options.filterKeys ?? [],
    sortKeys: options.sortKeys ?? [],
    ids: options.ids ?? {},
    filters: [],
    sort: undefined,
    expanded: false,
    limit: undefined,
    pageSize: undefined,
    extra: [],
    prefetch: true
  })

const update = <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, changes: Partial<QueryFields<A, X>>) =>
  new Query<A, F, S, X>({ ...self, ...changes })

/** The parameter a filter value is sent as; a value that is not a {@link FilterValue} is kept as its problem. */
const toParam = (name: string, value: unknown): Param => {
  if (typeof value === "string") return [name, value]
  if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return [name, String(value)]
  if (value instanceof Date && !Number.isNaN(value.getTime())) return [name, value.toISOString()]
  const got = value instanceof Date ? "an invalid Date"
    : Array.isArray(value) ? "an array inside an array"
    : typeof value === "number" || value === null || value === undefined ? String(value)
    : `a value of type ${typeof value}`
  return [name, undefined, got]
}

const toParams = (entries: Readonly<Record<string, unknown>>): Array<Param> =>
  Object.entries(entries).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v: unknown) => toParam(name, v))
  )

/** The parameters that can be sent, in order. */
const sendable = (params: ReadonlyArray<Param>): Http.Params =>
  params.flatMap(([name, text]) => text === undefined ? [] : [[name, text] as const])

/**
 * Adds filters. Each call appends; a key given again (or an array value) becomes a repeated
 * parameter, which the API reads as "any of". Keys and values are checked at compile time
 * and again when the query is run, before any request (`ClientValidationError`, field
 * `filter`); building the query never throws.
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.filter({ kind: "vector" }), Query.filter({ tag: ["roads", "rail"] }))
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const filter: {
  <const T extends Filters<string>>(
    filters: T
  ): <A, F extends string, S extends string, X>(self: Query<A, F, S, X> & OnlyKeys<T, F>) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, filters: Filters<F>): Query<A, F, S, X>
} = /* @__PURE__ */ dual(2, <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, filters: Filters<F>) =>
  update(self, { filters: [...self.filters, ...toParams(filters)] }))

/**
 * Sets the sort order (replacing any earlier one); `-` before the attribute sorts
 * descending. `undefined` clears it.
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.orderBy("-created_at"))
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const orderBy: {
  <const K extends string | undefined>(
    key: K
  ): <A, F extends string, S extends string, X>(self: Query<A, F, S, X> & SortAllowed<K, S>) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, key: SortKey<S> | undefined): Query<A, F, S, X>
} = /* @__PURE__ */ dual(
  2,
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, key: SortKey<S> | undefined) =>
    update(self, { sort: key })
)

/**
 * Asks for full objects instead of the abbreviated list elements (`Expand: list`); the
 * item type becomes the expanded one.
 *
 * @example
 * ```ts
 * const full = Query.expand(Layers.list()) // Query<Layer, …>
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const expand = <A, F extends string, S extends string, X>(self: Query<A, F, S, X>): Query<X, F, S, X> =>
  new Query<X, F, S, X>({ ...self, schema: self.expandedSchema, expanded: true })

/**
 * Stops after `n` items; only as many pages as needed are requested. Without an explicit
 * page size, a limit of 100 or less is also sent as the page size.
 *
 * @example
 * ```ts
 * Query.collect(Query.limit(Catalog.list(), 3))
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const limit: {
  (n: number): <A, F extends string, S extends string, X>(self: Query<A, F, S, X>) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, n: number): Query<A, F, S, X>
} = /* @__PURE__ */ dual(2, <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, n: number) => update(self, { limit: n }))

/**
 * Sets how many items each page request asks for (`page_size`).
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.pageSize(500))
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const pageSize: {
  (n: number): <A, F extends string, S extends string, X>(self: Query<A, F, S, X>) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, n: number): Query<A, F, S, X>
} = /* @__PURE__ */ dual(
  2,
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, n: number) => update(self, { pageSize: n })
)

/**
 * Adds raw query parameters after the filters and sort. Their names are not checked; their
 * values must be filter values (field `extra` otherwise).
 *
 * @example
 * ```ts
 * Catalog.list().pipe(Query.extra({ bbox: "174.7,-41.3,174.8,-41.2" }))
 * ```
 * @since 0.1.0
 * @category combinators
 */
export const extra: {
  (params: Record<string, FilterValue | ReadonlyArray<FilterValue>>): <A, F extends string, S extends string, X>(
    self: Query<A, F, S, X>
  ) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(
    self: Query<A, F, S, X>,
    params: Record<string, FilterValue | ReadonlyArray<FilterValue>>
  ): Query<A, F, S, X>
} = /* @__PURE__ */ dual(
  2,
  <A, F extends string, S extends string, X>(
    self: Query<A, F, S, X>,
    params: Record<string, FilterValue | ReadonlyArray<FilterValue>>
  ) => update(self, { extra: [...self.extra, ...toParams(params)] })
)

/**
 * Turns fetching ahead on (the default) or off. With it on, the interpreters request the
 * next page as soon as the current one has arrived, while its items are decoded and
 * consumed, so the wait for a page overlaps the work on the one before. At most one page is
 * ahead (memory stays bounded by two pages), a limit is never fetched past, and a stream that
 * ends early or is interrupted cancels the page ahead. Off, each page is requested only once
 * the consumer has taken every item of the one before: strictly one request at a time.
 *
 * @example
 * ```ts
 * // one request at a time, e.g. for a server that must not see two at once
 * const oneByOne = Layers.list().pipe(Query.prefetch(false))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const prefetch: {
  (enabled: boolean): <A, F extends string, S extends string, X>(self: Query<A, F, S, X>) => Query<A, F, S, X>
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, enabled: boolean): Query<A, F, S, X>
} = /* @__PURE__ */ dual(
  2,
  <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, enabled: boolean) => update(self, { prefetch: enabled })
)

const maxAutoPageSize = 100

const effectivePageSize = <A, X>(self: QueryFields<A, X>) =>
  self.pageSize ?? (self.limit !== undefined && self.limit <= maxAutoPageSize ? self.limit : undefined)

/** Query parameters of the first page, in the order they are sent. */
const firstPageParams = <A, X>(self: QueryFields<A, X>): Http.Params => {
  const size = effectivePageSize(self)
  return [
    ...sendable(self.filters),
    ...(self.sort === undefined ? [] : [["sort", self.sort] as const]),
    ...sendable(self.extra),
    ...(size === undefined ? [] : [["page_size", String(size)] as const])
  ]
}

/** The error for a parameter whose value cannot be sent, if any. */
const badValue = (field: string, params: ReadonlyArray<Param>): ClientValidationError | undefined => {
  const bad = params.find((param) => param[1] === undefined)
  return bad === undefined ? undefined : new ClientValidationError({
    field,
    message: `Invalid ${field} value for "${bad[0]}": ${bad[2]}; expected a string, a finite number, a boolean, ` +
      `a valid Date, or an array of these`
  })
}

/** Checks ids, keys, values, limit and page size; fails before any request. */
const validate = <A, X>(self: QueryFields<A, X>): Effect.Effect<void, ClientValidationError> => {
  const fail = (field: string, message: string) => Effect.fail(new ClientValidationError({ field, message }))
  for (const [field, value] of Object.entries(self.ids)) {
    if (!Validate.isId(value)) return Validate.id(field, value)
  }
  for (const [key] of self.filters) {
    const attribute = key.split(".")[0] ?? ""
    if (!self.filterKeys.includes(attribute)) {
      return fail(
        "filter",
        `Invalid filter attribute "${key}" for ${self.name}: allowed are ${self.filterKeys.join(", ") || "none"}`
      )
    }
  }
  const value = badValue("filter", self.filters) ?? badValue("extra", self.extra)
  if (value !== undefined) return Effect.fail(value)
  if (self.sort !== undefined && !self.sortKeys.includes(self.sort.replace(/^-/, ""))) {
    return fail(
      "orderBy",
      `Invalid ordering attribute "${self.sort}" for ${self.name}: allowed are ${self.sortKeys.join(", ") || "none"}`
    )
  }
  if (self.limit !== undefined && !Validate.isId(self.limit)) {
    return fail("limit", `Invalid limit ${self.limit}: expected a positive integer`)
  }
  if (self.pageSize !== undefined && !Validate.isId(self.pageSize)) {
    return fail("pageSize", `Invalid page size ${self.pageSize}: expected a positive integer`)
  }
  return Effect.void
}

/**
 * The first page's path and query string under the API root. Pure; for logs and tests. It
 * never throws: a value that is not a filter value, which the interpreters refuse before any
 * request, is left out.
 *
 * @example
 * ```ts
 * Query.toUrl(Layers.list().pipe(Query.filter({ kind: "vector" }), Query.orderBy("name")))
 * // "/layers/?kind=vector&sort=name"
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const toUrl = <A, F extends string, S extends string, X>(self: Query<A, F, S, X>): string => {
  const search = new URLSearchParams(firstPageParams(self) as Array<[string, string]>).toString()
  return search === "" ? self.path : `${self.path}?${search}`
}

/**
 * One page of a list: its items and the total the server reported.
 *
 * @example
 * ```ts
 * Stream.runForEach(Query.pages(Layers.list()), (p) => Effect.log(`${p.items.length} of ${p.total}`))
 * ```
 * @since 0.1.0
 * @category models
 */
export interface Page<A> extends Pagination.Page<A> {}

/** How an interpreter pages through the query. */
const paging = <A, X>(self: QueryFields<A, X>): Pagination.Paging<A> => {
  const headers = self.expanded ? { expand: "list" } : undefined
  const first: Http.ApiRequest = { method: "GET", path: self.path, params: firstPageParams(self), headers }
  return { first, schema: self.schema, headers, limit: self.limit, prefetch: self.prefetch }
}

/** Runs a query's pages through `emit`, after checking the query, in the query's span. */
const paged = <A, X, B>(self: QueryFields<A, X>, emit: (page: Page<A>) => ReadonlyArray<B>) =>
  Stream.unwrap(Effect.as(validate(self), Pagination.pages(paging(self), emit))).pipe(Stream.withSpan(self.name))

/**
 * The pages of a query, as a `Stream`. Each page's `Link: <…>; rel="page-next"` is followed
 * until there is none (or the limit is reached); the next page is fetched while the current
 * one is consumed (see {@link prefetch}). The stream fails with `ResponseDecodeError` at
 * `Link`, before the page's items, when a page links back to one already read, when a page
 * is empty yet links on, or when the items received exceed the total the first page
 * announced in `X-Resource-Range` (so once that total has arrived, at most one more page is
 * read, and it must be empty and the last).
 *
 * @example
 * ```ts
 * const totals = Query.pages(Catalog.list()).pipe(Stream.map((page) => page.total))
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const pages = <A, F extends string, S extends string, X>(
  self: Query<A, F, S, X>
): Stream.Stream<Page<A>, CallError, Koordinates> => paged(self, (page) => [page])

/**
 * The items of a query, as a `Stream`: the first page is requested when the stream is
 * pulled, the next one while the current one is consumed (see {@link prefetch}).
 *
 * @example
 * ```ts
 * Query.stream(Layers.list()).pipe(Stream.runForEach((layer) => Effect.log(layer.name)))
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const stream = <A, F extends string, S extends string, X>(
  self: Query<A, F, S, X>
): Stream.Stream<A, CallError, Koordinates> => paged(self, (page) => page.items)

/**
 * Every item of a query (up to its limit), in one array.
 *
 * @example
 * ```ts
 * const drafts = yield* Query.collect(Layers.listDrafts())
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const collect = <A, F extends string, S extends string, X>(
  self: Query<A, F, S, X>
): Effect.Effect<Array<A>, CallError, Koordinates> => Stream.runCollect(stream(self))

/**
 * The first item of a query, if any; requests a single one-item page.
 *
 * @example
 * ```ts
 * const newest = yield* Query.first(Layers.list().pipe(Query.orderBy("-created_at")))
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const first = <A, F extends string, S extends string, X>(
  self: Query<A, F, S, X>
): Effect.Effect<Option.Option<A>, CallError, Koordinates> =>
  validate(self).pipe(
    Effect.andThen(collect(limit(self, 1))),
    Effect.map((items) => Option.fromUndefinedOr(items[0]))
  )

/**
 * How many items the query matches (at most its limit). Asks with one HEAD request and
 * reads `X-Resource-Range`; when the server gives no count that way, reads the first page
 * instead and, if it is the only page, counts its items. Fails with `ResponseDecodeError`
 * when no count can be had.
 *
 * @example
 * ```ts
 * const total = yield* Query.count(Catalog.list().pipe(Query.filter({ type: "layer" })))
 * ```
 * @since 0.1.0
 * @category interpreters
 */
export const count = <A, F extends string, S extends string, X>(
  self: Query<A, F, S, X>
): Effect.Effect<number, CallError, Koordinates> =>
  validate(self).pipe(
    Effect.andThen(Pagination.count({ method: "HEAD", path: self.path, params: firstPageParams(self) })),
    Effect.map((n) => self.limit === undefined ? n : Math.min(n, self.limit)),
    Effect.withSpan(`${self.name}.count`)
  )

/**
 * The item at `index` (counting from 0) of a query, if it has one: only the pages up to
 * it are requested (with no page size set, an index below 100 takes one request of
 * `index + 1` items). A negative or fractional index is a `ClientValidationError`.
 *
 * @example
 * ```ts
 * const third = yield* Query.nth(Layers.list().pipe(Query.orderBy("name")), 2) // Option<LayerSummary>
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const nth: {
  (index: number): <A, F extends string, S extends string, X>(
    self: Query<A, F, S, X>
  ) => Effect.Effect<Option.Option<A>, CallError, Koordinates>
  <A, F extends string, S extends string, X>(
    self: Query<A, F, S, X>,
    index: number
  ): Effect.Effect<Option.Option<A>, CallError, Koordinates>
} = /* @__PURE__ */ dual(2, <A, F extends string, S extends string, X>(self: Query<A, F, S, X>, index: number) =>
  Validate.isId(index + 1)
    ? Effect.map(
      collect(limit(self, Math.min(index + 1, self.limit ?? index + 1))),
      (items) => Option.fromUndefinedOr(items[index])
    )
    : Effect.fail(new ClientValidationError({ field: "index", message: `Invalid index ${index}: expected an integer of 0 or more` })))
