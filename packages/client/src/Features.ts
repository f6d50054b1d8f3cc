/**
 * Features through the site's WFS (`GET /services/wfs`, WFS 2.0.0 `GetFeature`, GeoJSON
 * output), and changesets of them. A `Features` value describes what to read — a layer or
 * a table, a bounding box, a CQL filter, the properties to keep, the output CRS, the page
 * size, a limit — and, like `Query`, is immutable and requests nothing until an
 * interpreter runs it: {@link stream}, {@link collect}, {@link count}; {@link changes}
 * streams what changed between two instants.
 *
 * Paging: pages of `count` features at `startIndex` 0, `count`, `2 × count`…, until a page
 * comes back short (or empty), the limit is reached, or as many features have arrived as the
 * first page's `numberMatched` announced. While one page is consumed the next is already
 * being fetched, one page ahead at most: memory holds two pages, never the layer, and
 * interrupting the stream aborts the request under way. A service that breaks these rules
 * cannot page forever or silently lose features: more features than `numberMatched`, a
 * `numberReturned` that is not the page's count, or a page that repeats the one before
 * (a service ignoring `startIndex`) end the stream with `ResponseDecodeError` at that member.
 *
 * Replies: GeoJSON (`application/json`, `application/geo+json`, or no type). An OGC
 * exception report is a `ServiceException` (or, with an error status, the status's error
 * with the report's text); an HTML page or other text, or JSON that is not a
 * FeatureCollection of Features, is a `ResponseDecodeError` whose `path` says where
 * (`features[3].geometry.coordinates`). The key goes in the `Authorization: key …` header,
 * never in the URL.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import * as Features from "@koordinates-effect/client/Features"
 *
 * const roads = Features.layer(50772).pipe(
 *   Features.bbox([174.7, -41.35, 174.85, -41.2]),
 *   Features.propertyNames(["name", "lanes"]),
 *   Features.pageSize(500)
 * )
 * const program = Stream.runForEach(Features.stream(roads), (road) => Effect.log(road.properties?.["name"]))
 * ```
 * @module
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import { type CallError, ClientValidationError, NoPrimaryKey, ServiceException } from "./Errors.ts"
import * as GeoJson from "./GeoJson.ts"
import { Koordinates } from "./Koordinates.ts"
import * as FastGeoJson from "./internal/geojson.ts"
import * as Http from "./internal/http.ts"
import { issuePath } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"

/**
 * What reading features can fail with: the calls' errors and an exception report.
 *
 * @example
 * ```ts
 * const retryable = (e: Features.FeaturesError) => e._tag === "ServiceUnavailable"
 * ```
 * @since 0.2.0
 * @category errors
 */
export type FeaturesError = CallError | ServiceException

/**
 * A bounding box: `[minX, minY, maxX, maxY]` in `crs` (default: the layer's own CRS, as the
 * service reads a box without one), sent as WFS `bbox=minX,minY,maxX,maxY[,crs]` in the
 * order given — axis order is the CRS's as the service reads it (GeoServer reads
 * `EPSG:4326` as longitude first, `urn:ogc:def:crs:EPSG::4326` as latitude first).
 *
 * @example
 * ```ts
 * const wellington: Features.BBox = { box: [174.7, -41.35, 174.85, -41.2], crs: "EPSG:4326" }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface BBox {
  readonly box: readonly [minX: number, minY: number, maxX: number, maxY: number]
  readonly crs?: string | undefined
}

interface FeaturesFields<P> {
  /** `layer` or `table`. */
  readonly kind: "layer" | "table"
  readonly id: number
  readonly properties: Schema.Codec<P, unknown>
  readonly bbox: BBox | undefined
  readonly filter: string | undefined
  readonly propertyNames: ReadonlyArray<string> | undefined
  readonly srsName: string | undefined
  readonly pageSize: number
  readonly limit: number | undefined
  readonly prefetch: boolean
}

/**
 * A WFS feature request, as data: equal values are `Equal.equals`; every combinator returns
 * a new one. `P` is the type of each feature's properties.
 *
 * @example
 * ```ts
 * const parcels: Features.Features = Features.layer(50772)
 * ```
 * @since 0.2.0
 * @category models
 */
export class Features<P = Readonly<Record<string, unknown>>> extends Data.Class<FeaturesFields<P>> {}

/**
 * The page size used unless {@link pageSize} sets one.
 *
 * @example
 * ```ts
 * Features.layer(1).pageSize === Features.defaultPageSize // 1000
 * ```
 * @since 0.2.0
 * @category constants
 */
export const defaultPageSize = 1000

const make = (kind: "layer" | "table", id: number): Features =>
  new Features({
    kind,
    id,
    properties: GeoJson.AnyProperties,
    bbox: undefined,
    filter: undefined,
    propertyNames: undefined,
    srsName: undefined,
    pageSize: defaultPageSize,
    limit: undefined,
    prefetch: true
  })

/**
 * The features of a vector layer (WFS type `layer-{id}`).
 *
 * @example
 * ```ts
 * const parcels = Features.layer(50772)
 * ```
 * @since 0.2.0
 * @category constructors
 */
export const layer = (id: number): Features => make("layer", id)

/**
 * The rows of a table (WFS type `table-{id}`), as Features without geometry.
 *
 * @example
 * ```ts
 * const owners = Features.table(51564)
 * ```
 * @since 0.2.0
 * @category constructors
 */
export const table = (id: number): Features => make("table", id)

const update = <P>(self: Features<P>, changes: Partial<FeaturesFields<P>>): Features<P> =>
  new Features<P>({ ...self, ...changes })

/**
 * Only features within a box: `[minX, minY, maxX, maxY]`, with its CRS (see {@link BBox}).
 * WFS takes a box or a filter, not both: give both and the run fails with
 * `ClientValidationError` before any request (put the box in the CQL filter instead:
 * `BBOX(geometry, …) AND …`).
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.bbox([174.7, -41.35, 174.85, -41.2], "EPSG:4326"))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const bbox: {
  (box: BBox["box"], crs?: string): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, box: BBox["box"], crs?: string): Features<P>
} = /* @__PURE__ */ dual(
  (args) => args[0] instanceof Features,
  <P>(self: Features<P>, box: BBox["box"], crs?: string) => update(self, { bbox: { box, crs } })
)

/**
 * Only features matching a CQL filter (GeoServer ECQL, sent as `cql_filter`):
 * `parcel_intent='Road'`, `INTERSECTS(shape, POINT(…))`. Attribute names are
 * case-sensitive. A second call replaces the first.
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.filter("parcel_intent='Road' AND area > 1000"))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const filter: {
  (cql: string): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, cql: string): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, cql: string) => update(self, { filter: cql }))

/**
 * Only these properties in each feature (`propertyName`); the geometry comes as well when
 * its column is named or the service adds it.
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.propertyNames(["id", "parcel_intent"]))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const propertyNames: {
  (names: ReadonlyArray<string>): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, names: ReadonlyArray<string>): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, names: ReadonlyArray<string>) => update(self, { propertyNames: names }))

/**
 * The CRS the geometries come in (`srsName`), e.g. `EPSG:4326` or `EPSG:2193`; by default
 * the layer's own.
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.srsName("EPSG:4326"))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const srsName: {
  (crs: string): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, crs: string): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, crs: string) => update(self, { srsName: crs }))

/**
 * How many features each request asks for (`count`); default {@link defaultPageSize}.
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.pageSize(200))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const pageSize: {
  (n: number): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, n: number): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, n: number) => update(self, { pageSize: n }))

/**
 * Stops after `n` features; no page past them is requested, and the last page asks only for
 * what is still wanted.
 *
 * @example
 * ```ts
 * Features.collect(Features.layer(50772).pipe(Features.limit(10)))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const limit: {
  (n: number): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, n: number): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, n: number) => update(self, { limit: n }))

/**
 * Turns fetching the next page while the current one is consumed on (the default) or off
 * (strictly one request at a time).
 *
 * @example
 * ```ts
 * Features.layer(50772).pipe(Features.prefetch(false))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const prefetch: {
  (enabled: boolean): <P>(self: Features<P>) => Features<P>
  <P>(self: Features<P>, enabled: boolean): Features<P>
} = /* @__PURE__ */ dual(2, <P>(self: Features<P>, enabled: boolean) => update(self, { prefetch: enabled }))

/**
 * Decodes each feature's properties with `schema` (a feature whose properties do not fit is
 * a `ResponseDecodeError` at `features[i].properties…`).
 *
 * @example
 * ```ts
 * const roads = Features.layer(50772).pipe(Features.withProperties(Schema.Struct({ name: Schema.String })))
 * ```
 * @since 0.2.0
 * @category combinators
 */
export const withProperties: {
  <Q>(schema: Schema.Codec<Q, unknown>): <P>(self: Features<P>) => Features<Q>
  <P, Q>(self: Features<P>, schema: Schema.Codec<Q, unknown>): Features<Q>
} = /* @__PURE__ */ dual(
  2,
  <P, Q>(self: Features<P>, schema: Schema.Codec<Q, unknown>): Features<Q> =>
    new Features<Q>({ ...self, properties: schema })
)

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

const invalid = (field: string, message: string) => new ClientValidationError({ field, message })

const crsPattern = /^(?:EPSG:\d+|urn:ogc:def:crs:EPSG::\d+|http:\/\/www\.opengis\.net\/(?:def\/crs\/EPSG\/0\/|gml\/srs\/epsg\.xml#)\d+)$/

/** What is wrong with a request, before any is made. */
const problem = <P>(self: FeaturesFields<P>): ClientValidationError | undefined => {
  if (!Validate.isId(self.id)) return invalid("id", `Invalid ${self.kind} id ${String(self.id)}: expected a positive integer`)
  if (!Validate.isId(self.pageSize)) return invalid("pageSize", `Invalid page size ${String(self.pageSize)}: expected a positive integer`)
  if (self.limit !== undefined && !Validate.isId(self.limit)) {
    return invalid("limit", `Invalid limit ${String(self.limit)}: expected a positive integer`)
  }
  if (self.bbox !== undefined) {
    const { box, crs } = self.bbox
    if (!Array.isArray(box) || box.length !== 4 || !box.every(Number.isFinite) || box[0] > box[2] || box[1] > box[3]) {
      return invalid("bbox", `Invalid bbox ${JSON.stringify(box)}: expected [minX, minY, maxX, maxY], finite, min ≤ max`)
    }
    if (crs !== undefined && !crsPattern.test(crs)) return invalid("bbox.crs", `Invalid bbox CRS "${crs}": expected e.g. EPSG:4326`)
    if (self.filter !== undefined) {
      return invalid("bbox", "Invalid request: WFS takes bbox or a CQL filter, not both; put the box in the filter (BBOX(geometry, …))")
    }
  }
  if (self.filter !== undefined && (typeof self.filter !== "string" || self.filter.trim() === "")) {
    return invalid("filter", "Invalid filter: expected a CQL expression")
  }
  if (self.srsName !== undefined && !crsPattern.test(self.srsName)) {
    return invalid("srsName", `Invalid srsName "${String(self.srsName)}": expected e.g. EPSG:4326`)
  }
  const bad = self.propertyNames?.find((name) => typeof name !== "string" || !/^[^,\s]+$/.test(name))
  if (self.propertyNames !== undefined && (self.propertyNames.length === 0 || bad !== undefined)) {
    return invalid("propertyNames", `Invalid property name ${JSON.stringify(bad ?? "")}: expected at least one name, no commas or spaces`)
  }
  return undefined
}

/** The request parameters of a GetFeature, paging aside. */
const baseParams = <P>(self: FeaturesFields<P>, typeName: string, extra: Http.Params): Http.Params => [
  ["service", "WFS"],
  ["version", "2.0.0"],
  ["request", "GetFeature"],
  ["typeNames", typeName],
  ["outputFormat", "application/json"],
  ...(self.srsName === undefined ? [] : [["srsName", self.srsName] as const]),
  ...(self.propertyNames === undefined ? [] : [["propertyName", self.propertyNames.join(",")] as const]),
  ...(self.bbox === undefined ? [] : [["bbox", [...self.bbox.box, ...(self.bbox.crs === undefined ? [] : [self.bbox.crs])].join(",")] as const]),
  ...(self.filter === undefined ? [] : [["cql_filter", self.filter] as const]),
  ...extra
]

const typeNameOf = <P>(self: FeaturesFields<P>) => `${self.kind}-${self.id}`

/**
 * The URL of the first page's request (path and query, on the site's origin), for logs and
 * tests. Pure; it carries no key.
 *
 * @example
 * ```ts
 * Features.toUrl(Features.layer(50772).pipe(Features.pageSize(100)))
 * // "/services/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=layer-50772&outputFormat=application%2Fjson&count=100&startIndex=0"
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const toUrl = <P>(self: Features<P>): string =>
  `/services/wfs?${new URLSearchParams(baseParams(self, typeNameOf(self), [
    ["count", String(Math.min(self.pageSize, self.limit ?? Infinity))],
    ["startIndex", "0"]
  ]) as Array<[string, string]>).toString()}`

/** Content types a GeoJSON page may carry. */
const jsonType = /^application\/(?:json|geo\+json|vnd\.geo\+json)\s*(?:;|$)/i

const Page = /* @__PURE__ */ Schema.Struct({
  type: /* @__PURE__ */ Schema.Literal("FeatureCollection"),
  features: /* @__PURE__ */ Schema.Array(Schema.Unknown),
  numberMatched: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Schema.Number, Schema.String])),
  numberReturned: /* @__PURE__ */ Schema.optionalKey(Schema.Number),
  totalFeatures: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Schema.Number, Schema.String]))
})

/** One page as read: its features still JSON, and what it says of the total. */
interface Reply {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly features: ReadonlyArray<unknown>
  readonly matched: number | undefined
  readonly returned: number | undefined
}

const total = (value: number | string | undefined): number | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined

/**
 * Reads one GeoJSON page: an exception report is a `ServiceException`, anything but a
 * FeatureCollection a `ResponseDecodeError` saying where.
 */
const readPage = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<Reply | ServiceException, Http.RequestError> =>
  Effect.flatMap(Http.readText(response), (text): Effect.Effect<Reply | ServiceException, Http.RequestError> => {
    const report = Http.exceptionReport(text)
    if (report !== undefined) return Effect.succeed(Http.serviceException(response, report))
    const type = response.headers["content-type"]
    if (/^\s*</.test(text) || (type !== undefined && !jsonType.test(type))) {
      const what = /^\s*<(?:!doctype\s+html|html)\b/i.test(text) ? "an HTML page" : `${type ?? "text"}`
      return Effect.fail(Http.unexpected(response, "", `The reply is ${what}, not GeoJSON: ${Http.excerpt(text) || "(empty body)"}`))
    }
    return Effect.map(Http.parseJson(response, text, Page), (page) => ({
      response,
      features: page.features,
      matched: total(page.numberMatched) ?? total(page.totalFeatures),
      returned: page.numberReturned
    }))
  })

/**
 * Sends a GetFeature and reads its page; an exception report (a complete answer, not retried)
 * is the request's `ServiceException`.
 */
const fetchPage = (request: Http.ApiRequest): Effect.Effect<Reply, FeaturesError, Koordinates> =>
  Effect.flatMap(Http.run(request, readPage), (page) => page instanceof ServiceException ? Effect.fail(page) : Effect.succeed(page))

/** How the features of one request are paged through. */
interface Paging<A> {
  readonly name: string
  readonly typeName: string
  /** The request for a page of `count` at `startIndex`. */
  readonly request: (startIndex: number, count: number) => Http.ApiRequest
  readonly decode: (reply: Reply, features: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<A>, FeaturesError>
  readonly pageSize: number
  readonly limit: number | undefined
  readonly prefetch: boolean
}

/** A page's identity, to tell a service that ignores `startIndex`: its first and last feature ids. */
const identity = (features: ReadonlyArray<unknown>): string | undefined => {
  const id = (feature: unknown) => (feature as { readonly id?: unknown } | null)?.id
  const [first, last] = [id(features[0]), id(features[features.length - 1])]
  return first === undefined || first === null ? undefined : JSON.stringify([first, last])
}

interface Step {
  readonly pending: Effect.Effect<Reply, FeaturesError, Koordinates>
  readonly startIndex: number
  readonly asked: number
  readonly delivered: number
  readonly matched: number | undefined
  readonly previous: string | undefined
}

/**
 * The pages of a request as a stream of their decoded features, the next page fetched
 * while the current one is decoded and consumed (one ahead at most, cancelled — its
 * connection closed — when the stream ends early or is interrupted).
 */
const paged = <A>(paging: Paging<A>): Stream.Stream<A, FeaturesError, Koordinates> =>
  Stream.unwrap(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const read = (startIndex: number, count: number) => fetchPage(paging.request(startIndex, count))
    const ask = (delivered: number) => Math.min(paging.pageSize, (paging.limit ?? Infinity) - delivered)
    // Ahead: started at once in a scope of its own, closed (and so dropped from the
    // stream's scope, reply and all) once joined: a long stream holds no finished pages.
    const ahead = (pending: Effect.Effect<Reply, FeaturesError, Koordinates>) =>
      paging.prefetch
        ? Effect.gen(function*() {
          const own = yield* Scope.fork(scope)
          const fiber = yield* Effect.forkIn(pending, own, { startImmediately: true })
          yield* Effect.yieldNow
          return Effect.ensuring(Fiber.join(fiber), Scope.close(own, Exit.void))
        })
        : Effect.succeed(pending)
    const first = ask(0)
    return Stream.paginate<Step, A, FeaturesError, Koordinates>(
      { pending: read(0, first), startIndex: 0, asked: first, delivered: 0, matched: undefined, previous: undefined },
      (step) =>
        Effect.gen(function*() {
          const reply = yield* step.pending
          const stop = (member: string, message: string) => Http.unexpected(reply.response, member, message)
          const count = reply.features.length
          const matched = step.matched ?? reply.matched
          if (reply.returned !== undefined && reply.returned !== count) {
            return yield* stop("numberReturned", `The page says numberReturned ${reply.returned} but holds ${count} features`)
          }
          if (count > step.asked) {
            return yield* stop("features", `The page holds ${count} features, more than the ${step.asked} asked for`)
          }
          const delivered = step.delivered + count
          if (matched !== undefined && delivered > matched) {
            return yield* stop(
              "numberMatched",
              `The pages hold more features (${delivered} so far) than the ${matched} the first page announced in numberMatched`
            )
          }
          const id = identity(reply.features)
          if (count > 0 && id !== undefined && id === step.previous) {
            return yield* stop("startIndex", `The page at startIndex ${step.startIndex} repeats the one before: the service ignores startIndex`)
          }
          const done = count < step.asked || (paging.limit !== undefined && delivered >= paging.limit) ||
            (matched !== undefined && delivered >= matched)
          const startIndex = step.startIndex + count
          const asked = ask(delivered)
          const next = done ? Option.none<Step>() : Option.some<Step>({
            pending: yield* ahead(read(startIndex, asked)),
            startIndex,
            asked,
            delivered,
            matched,
            previous: id
          })
          return [yield* paging.decode(reply, reply.features), next] as const
        })
    )
  })).pipe(Stream.withSpan(paging.name, { attributes: { "koordinates.wfs.typeName": paging.typeName } }))

/** Decodes a page's features with `schema`, errors at `features[i]…`. */
const decodeWith = <A>(schema: Schema.Codec<A, unknown>) => {
  const many = Schema.Array(schema)
  return (reply: Reply, features: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<A>, Http.RequestError> =>
    Effect.mapError(
      Schema.decodeUnknownEffect(many)(features, { reportInput: true }),
      (error) => Http.unexpected(reply.response, `features${issuePath(error.issue).replace(/^(?=[^[])/, ".")}`, Http.excerpt(error.message))
    )
}

/**
 * Decodes a page's features with their properties' schema: with any properties, through
 * the fast reading (the schema only for a page it refuses, to say where it is wrong).
 */
const featuresDecoder = <P>(properties: Schema.Codec<P, unknown>) => {
  const slow = decodeWith(GeoJson.feature(properties))
  if (properties !== (GeoJson.AnyProperties as unknown)) return slow
  return (reply: Reply, features: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<GeoJson.Feature<P>>, Http.RequestError> => {
    const read = FastGeoJson.features(features)
    return read === undefined ? slow(reply, features) : Effect.succeed(read as unknown as ReadonlyArray<GeoJson.Feature<P>>)
  }
}

const getFeature = (origin: string, params: Http.Params): Http.ApiRequest => ({
  method: "GET",
  path: `${origin}/services/wfs`,
  params,
  headers: { accept: "application/json" }
})

const checked = <A, P>(self: FeaturesFields<P>, body: (origin: string) => Stream.Stream<A, FeaturesError, Koordinates>) =>
  Stream.unwrap(Effect.gen(function*() {
    const bad = problem(self)
    if (bad !== undefined) return yield* bad
    const k = yield* Koordinates
    return body(k.origin)
  }))

/**
 * The features, as a `Stream`, page by page (see the module's notes on paging).
 *
 * @example
 * ```ts
 * const names = Features.stream(Features.layer(50772).pipe(Features.limit(100))).pipe(
 *   Stream.map((f) => f.properties?.["name"])
 * )
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const stream = <P>(self: Features<P>): Stream.Stream<GeoJson.Feature<P>, FeaturesError, Koordinates> =>
  checked(self, (origin) =>
    paged({
      name: "Koordinates.Features.stream",
      typeName: typeNameOf(self),
      request: (startIndex, count) =>
        getFeature(origin, baseParams(self, typeNameOf(self), [["count", String(count)], ["startIndex", String(startIndex)]])),
      decode: featuresDecoder(self.properties),
      pageSize: self.pageSize,
      limit: self.limit,
      prefetch: self.prefetch
    }))

/**
 * Every feature (up to the limit), in one array — for small selections; {@link stream}
 * for the rest.
 *
 * @example
 * ```ts
 * const ten = yield* Features.collect(Features.layer(50772).pipe(Features.limit(10)))
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const collect = <P>(self: Features<P>): Effect.Effect<Array<GeoJson.Feature<P>>, FeaturesError, Koordinates> =>
  Stream.runCollect(stream(self))

/**
 * How many features match (at most the limit): one request for a single feature, read for
 * its `numberMatched` (or GeoServer's `totalFeatures`). When the service gives neither, a
 * reply with no feature counts 0 and any other is a `ResponseDecodeError` at `numberMatched`.
 *
 * @example
 * ```ts
 * const roads = yield* Features.count(Features.layer(50772).pipe(Features.filter("parcel_intent='Road'")))
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const count = <P>(self: Features<P>): Effect.Effect<number, FeaturesError, Koordinates> =>
  Effect.gen(function*() {
    const bad = problem(self)
    if (bad !== undefined) return yield* bad
    const k = yield* Koordinates
    const reply = yield* fetchPage(getFeature(k.origin, baseParams(self, typeNameOf(self), [["count", "1"], ["startIndex", "0"]])))
    if (reply.matched !== undefined) return Math.min(reply.matched, self.limit ?? Infinity)
    if (reply.features.length === 0) return 0
    return yield* Http.unexpected(reply.response, "numberMatched", "The service reports no numberMatched for the request")
  }).pipe(Effect.withSpan("Koordinates.Features.count"))

// ---------------------------------------------------------------------------------------
// Changesets
// ---------------------------------------------------------------------------------------

/**
 * An instant: a `Date`, or an ISO 8601 text as the service reads it — a date
 * (`2018-09-01`, midnight), a date-time with up to 6 fractional digits and an optional zone
 * (`2018-09-01T07:35:20.049485Z`; none means UTC).
 *
 * @example
 * ```ts
 * const since: Features.Instant = "2018-09-01T07:35:20.049485Z"
 * ```
 * @since 0.2.0
 * @category models
 */
export type Instant = Date | string

/**
 * The revisions a changeset covers: those published after `from` (exclusive) up to and
 * including `to`.
 *
 * @example
 * ```ts
 * const week: Features.ChangeRange = { from: "2018-08-25T07:33:06.274671Z", to: new Date("2018-09-01T07:35:20Z") }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface ChangeRange {
  readonly from: Instant
  readonly to: Instant
}

/**
 * One change: what happened to a feature between the two instants (inserts and updates
 * collapsed by the service, one change per feature) and the feature — its final values,
 * or for a `DELETE` its last ones (geometry often `null`); `__change__` is taken out of its
 * properties, and an id the service gives as `layer-N-changeset.K` is given as `layer-N.K`,
 * the id {@link stream} gives the same feature.
 *
 * @example
 * ```ts
 * const upsert = (c: Features.Change) => c.change !== "DELETE"
 * ```
 * @since 0.2.0
 * @category models
 */
export interface Change<P = Readonly<Record<string, unknown>>> {
  readonly change: "INSERT" | "UPDATE" | "DELETE"
  readonly feature: GeoJson.Feature<P>
}

const instantPattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** An instant as the service's text and as milliseconds (for ordering), or what is wrong with it. */
const instant = (field: string, value: Instant): Effect.Effect<readonly [string, number], ClientValidationError> => {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? Effect.fail(invalid(field, `Invalid ${field}: an invalid Date`))
      : Effect.succeed([value.toISOString(), value.getTime()])
  }
  if (typeof value === "string" && instantPattern.test(value)) {
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes("T") ? value : `${value}Z`
    const time = Date.parse(value.includes("T") ? zoned.replace(/(\.\d{3})\d+/, "$1") : `${value}T00:00:00Z`)
    if (!Number.isNaN(time)) return Effect.succeed([value, time])
  }
  return Effect.fail(invalid(field, `Invalid ${field} ${JSON.stringify(value)}: expected a Date or an ISO 8601 date or date-time`))
}

const ChangeProperties = /* @__PURE__ */ Schema.Struct({
  __change__: /* @__PURE__ */ Schema.Literals(["INSERT", "UPDATE", "DELETE"])
})

const changeDecoder = <P>(properties: Schema.Codec<P, unknown>, typeName: string) => {
  const prefix = `${typeName}.`
  const base = `${typeName.slice(0, -"-changeset".length)}.`
  const feature = GeoJson.feature(properties)
  const marked = featuresDecoder(GeoJson.AnyProperties)
  const change = Schema.decodeUnknownEffect(ChangeProperties)
  const decode = properties === (GeoJson.AnyProperties as unknown)
    ? (value: GeoJson.Feature) => Effect.succeed(value as unknown as GeoJson.Feature<P>)
    : Schema.decodeUnknownEffect(feature)
  return (reply: Reply, features: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<Change<P>>, FeaturesError> =>
    Effect.flatMap(marked(reply, features), (plain) =>
      Effect.forEach(plain, (item, index) => {
        const at = (path: string) => `features[${index}].properties${path === "" ? "" : `.${path}`}`
        const { __change__: _, ...rest } = item.properties ?? {}
        return Effect.flatMap(
          Effect.mapError(change(item.properties ?? {}), (error) =>
            Http.unexpected(reply.response, at(issuePath(error.issue)), `Not a change row: ${Http.excerpt(error.message)}`)),
          ({ __change__ }) =>
            Effect.mapBoth(decode({
              ...item,
              ...(typeof item.id === "string" && item.id.startsWith(prefix) ? { id: base + item.id.slice(prefix.length) } : {}),
              properties: rest
            }), {
              onFailure: (error) => Http.unexpected(reply.response, `features[${index}]${issuePath(error.issue).replace(/^(?=[^[])/, ".")}`, Http.excerpt(error.message)),
              onSuccess: (decoded): Change<P> => ({ change: __change__, feature: decoded })
            })
        )
      }))
}

/** Whether an error reply says the type has no primary key (the service's words for it). */
const noKey = (message: string) => /primary key/i.test(message)

/**
 * What changed in a layer or table between two instants (WFS type `layer-{id}-changeset`
 * or `table-{id}-changeset`, `viewparams=from:…;to:…`): revisions published after `from`
 * (exclusive) up to `to` (inclusive), one {@link Change} per feature, paged as
 * {@link stream} pages. Give a layer id, or a `Features` value for a table or for its
 * filter, box, properties, CRS, page size and schema. A `Date` is sent as UTC ISO text; a
 * text instant as it is. A bad instant, or `from` after `to`, is a `ClientValidationError`
 * before any request; a layer without a primary key (which has no changesets) fails with
 * `NoPrimaryKey` — recognised by a 4xx refusal whose text names the primary key, as the
 * form of that refusal is not documented.
 *
 * @example
 * ```ts
 * const changes = Features.changes(50804, { from: "2018-08-25T07:33:06.274671Z", to: "2018-09-01T07:35:20.049485Z" })
 * yield* Stream.runForEach(changes, ({ change, feature }) => Effect.log(change, feature.id))
 * ```
 * @since 0.2.0
 * @category interpreters
 */
export const changes = <P = Readonly<Record<string, unknown>>>(
  target: number | Features<P>,
  range: ChangeRange
): Stream.Stream<Change<P>, FeaturesError | NoPrimaryKey, Koordinates> => {
  const self = (typeof target === "number" ? layer(target) : target) as Features<P>
  const typeName = `${typeNameOf(self)}-changeset`
  return checked(self, (origin) =>
    Stream.unwrap(Effect.gen(function*() {
      const [from, fromTime] = yield* instant("from", range?.from)
      const [to, toTime] = yield* instant("to", range?.to)
      if (fromTime > toTime) return yield* invalid("from", `Invalid range: from (${from}) is after to (${to})`)
      const viewparams = ["viewparams", `from:${from};to:${to}`] as const
      return paged({
        name: "Koordinates.Features.changes",
        typeName,
        request: (startIndex, count) =>
          getFeature(origin, baseParams(self, typeName, [viewparams, ["count", String(count)], ["startIndex", String(startIndex)]])),
        decode: changeDecoder(self.properties, typeName),
        pageSize: self.pageSize,
        limit: self.limit,
        prefetch: self.prefetch
      })
    }))).pipe(
      Stream.catchIf(
        (error): error is Extract<FeaturesError, { readonly status: number }> =>
          "status" in error && error.status < 500 && error._tag !== "ResponseDecodeError" && noKey(error.message),
        (error) =>
          Stream.fail(new NoPrimaryKey({ status: error.status, method: error.method, url: error.url, message: error.message, typeName }))
      )
    )
}
