/**
 * Paging through list replies: reading the pagination headers (`Link` with
 * `rel="page-next"` …, `X-Resource-Range` as `0-100/2843`), reading one page (its items, its
 * total, the request for the next), the rules that keep a server from paging forever, and
 * the stream of pages with the next one fetched ahead while the current one is consumed.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type { Koordinates } from "../Koordinates.ts"
import * as Http from "./http.ts"
import { issuePath } from "./schema.ts"

/**
 * The URL of the `Link` entry whose `rel` includes `rel`, verbatim.
 * @since 0.1.0
 */
export const linkUrl = (header: string | undefined, rel: string): Option.Option<string> => {
  if (header === undefined) return Option.none()
  for (const [, url, params] of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]+)*)/g)) {
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params ?? "")
    const names = (rels?.[1] ?? rels?.[2] ?? "").split(/\s+/)
    if (url !== undefined && names.includes(rel)) return Option.some(url)
  }
  return Option.none()
}

/**
 * The total of an `X-Resource-Range: start-end/total` header, when the header is well formed.
 * @since 0.1.0
 */
export const resourceTotal = (header: string | undefined): Option.Option<number> => {
  const match = header === undefined ? null : /^\s*(\d+)-(\d+)\/(\d+)\s*$/.exec(header)
  if (match === null) return Option.none()
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return start <= end && end <= total && Number.isSafeInteger(total) ? Option.some(total) : Option.none()
}

/** The total a list reply reports in `X-Resource-Range`, if any. */
const replyTotal = (response: HttpClientResponse.HttpClientResponse) => resourceTotal(response.headers["x-resource-range"])

/** The `page-next` link of a list reply, verbatim, if any. */
const nextLink = (response: HttpClientResponse.HttpClientResponse) => linkUrl(response.headers["link"], "page-next")

/**
 * One page of a list: its items and the total the server reported (`Query.Page`).
 * @since 0.2.0
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Total number of items across all pages (`X-Resource-Range`), when the server said. */
  readonly total: Option.Option<number>
  /** URL this page was read from. */
  readonly url: string
}

/** A page as read, its elements still JSON, with the URL of the page after it. */
interface Reply {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly elements: ReadonlyArray<unknown>
  readonly total: Option.Option<number>
  readonly url: string
  readonly next: Option.Option<URL>
}

const elementsOf = /* @__PURE__ */ Schema.Array(Schema.Unknown)

/**
 * A reader of the pages of one list, in order. Each page must follow the rules against the
 * pages before it, or its read fails with `ResponseDecodeError` at `Link`: no link back to a
 * page already read, no empty page that links on, and no more items in all than the first
 * page announced in `X-Resource-Range`. The checks need only the page's headers and its
 * element count, so they are done before the next page is asked for.
 */
const reader = () => {
  const seen = new Set<string>()
  let announced: Option.Option<number> | undefined
  let received = 0
  return (request: Http.ApiRequest): Effect.Effect<Reply, Http.RequestError, Koordinates> =>
    Effect.gen(function*() {
      const { response, elements } = yield* Http.run(request, (response) =>
        Effect.map(Http.decodeJson(response, elementsOf), (elements) => ({ response, elements })))
      const url = Http.requestUrl(response.request)
      const total = replyTotal(response)
      const stop = (message: string) => Http.unexpected(response, "Link", message)
      seen.add(Http.canonicalUrl(new URL(url)))
      announced ??= total
      received += elements.length
      const link = nextLink(response)
      const next = Option.isSome(link) ? Option.some(yield* Http.headerUrl(response, "Link", link.value)) : Option.none()
      if (Option.isSome(next) && seen.has(Http.canonicalUrl(next.value))) {
        return yield* stop(`The page-next link loops back to a page already read (${next.value.href})`)
      }
      if (Option.isSome(next) && elements.length === 0) {
        return yield* stop(`The page is empty yet its page-next link points on (${next.value.href})`)
      }
      if (Option.isSome(announced) && received > announced.value) {
        return yield* stop(
          `The pages hold more items (${received} so far) than the ${announced.value} the first page announced in X-Resource-Range`
        )
      }
      return { response, elements, total, url, next }
    })
}

/** Decodes a page's elements (counted from 0 in error paths, as in the reply). */
const decodeItems = <A>(
  schema: Schema.Decoder<ReadonlyArray<A>>,
  reply: Reply,
  elements: ReadonlyArray<unknown>
): Effect.Effect<ReadonlyArray<A>, Http.RequestError> =>
  Effect.mapError(
    Schema.decodeUnknownEffect(schema)(elements, { reportInput: true }),
    (error) => Http.unexpected(reply.response, issuePath(error.issue), Http.excerpt(error.message))
  )

/**
 * How a list is paged through.
 * @since 0.2.0
 */
export interface Paging<A> {
  /** The request for the first page. */
  readonly first: Http.ApiRequest
  /** Schema of one list element. */
  readonly schema: Schema.Decoder<A>
  /** Headers every page request carries (`Expand`). */
  readonly headers: Readonly<Record<string, string>> | undefined
  /** Stop after this many items: no page past them is requested. */
  readonly limit: number | undefined
  /** Request the next page while the current one is decoded and consumed. */
  readonly prefetch: boolean
}

/** The state between two pages: the next page (being fetched, or to fetch) and how many items went out. */
interface Step {
  readonly pending: Effect.Effect<Reply, Http.RequestError, Koordinates>
  readonly delivered: number
}

/**
 * The pages of a list as a stream of what `emit` makes of each (the page itself, or its
 * items), the first requested when the stream is pulled. With `prefetch`, the next page is
 * requested as soon as the current one has been read and checked, before its items are
 * decoded and consumed: at most one page is ever ahead, and it is cancelled (its connection
 * closed) when the stream ends early or is interrupted. Its failure, like any page's, comes
 * after every item before it. Without, each page is requested when the one before it has
 * been consumed.
 * @since 0.2.0
 */
export const pages = <A, B>(
  paging: Paging<A>,
  emit: (page: Page<A>) => ReadonlyArray<B>
): Stream.Stream<B, Http.RequestError, Koordinates> =>
  Stream.unwrap(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const read = reader()
    const items = Schema.Array(paging.schema)
    const request = (url: URL): Http.ApiRequest => ({ method: "GET", path: url.href, headers: paging.headers })
    // Ahead: started at once, then a yield to the event loop so the request is on its way
    // before this page's items are decoded.
    const follow = (next: Http.ApiRequest) =>
      paging.prefetch
        ? Effect.forkIn(read(next), scope, { startImmediately: true }).pipe(Effect.map(Fiber.join), Effect.tap(Effect.yieldNow))
        : Effect.succeed(read(next))
    return Stream.paginate<Step, B, Http.RequestError, Koordinates>(
      { pending: read(paging.first), delivered: 0 },
      ({ delivered, pending }) =>
        Effect.gen(function*() {
          const reply = yield* pending
          const { limit } = paging
          const elements = limit === undefined ? reply.elements : reply.elements.slice(0, limit - delivered)
          const done = limit !== undefined && delivered + elements.length >= limit
          const next = done || Option.isNone(reply.next)
            ? Option.none<Step>()
            : Option.some({ pending: yield* follow(request(reply.next.value)), delivered: delivered + elements.length })
          const page: Page<A> = { items: yield* decodeItems(items, reply, elements), total: reply.total, url: reply.url }
          return [emit(page), next] as const
        })
    )
  }))

/**
 * How many items a list holds: one HEAD request reading `X-Resource-Range`; when the server
 * gives no count that way, the first page, read instead: its total, or, if it is the only
 * page, its element count. Fails with `ResponseDecodeError` when no count can be had.
 * @since 0.2.0
 */
export const count = (request: Http.ApiRequest): Effect.Effect<number, Http.RequestError, Koordinates> =>
  Effect.gen(function*() {
    const head = yield* Http.send({ ...request, method: "HEAD" }).pipe(
      Effect.map(replyTotal),
      Effect.catchTag("NotAllowed", () => Effect.succeed(Option.none<number>()))
    )
    if (Option.isSome(head)) return head.value
    const { response, total, elements } = yield* Http.run({ ...request, method: "GET" }, (response) => {
      const total = replyTotal(response)
      const elements: Effect.Effect<ReadonlyArray<unknown>, Http.RequestError> = Option.isSome(total)
        ? Effect.succeed([])
        : Http.decodeJson(response, elementsOf)
      return Effect.map(elements, (elements) => ({ response, total, elements }))
    })
    if (Option.isSome(total)) return total.value
    if (Option.isNone(nextLink(response))) return elements.length
    return yield* Http.unexpected(response, "X-Resource-Range", "The server reports no item count and the list has more than one page")
  })
