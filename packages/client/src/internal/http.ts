/**
 * The request layer: the only code in the client that speaks HTTP.
 *
 * API modules describe a request (method, API path, params, headers, body) and the schema
 * of the reply; this module builds the URL under the configured API root, adds the
 * `Authorization: key …`, `Accept` and `User-Agent` headers, refuses to let the token
 * leave the configured origin, follows same-origin redirects itself, turns error statuses
 * into tagged errors, follows `Location` after a POST answered 201/202, and decodes JSON
 * through the endpoint's schema. Whatever it takes from a reply into an error has the
 * request's secrets (the token, a password) masked first; a streamed upload is sent once,
 * whatever the server answers; every body, sent or received, is watched for silence.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpBody from "effect/http/HttpBody"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as UrlParams from "effect/http/UrlParams"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Errors from "../Errors.ts"
import { Koordinates, type KoordinatesService } from "../Koordinates.ts"
import * as Policy from "./policy.ts"
import { issuePath } from "./schema.ts"
import { version } from "./version.ts"

/**
 * HTTP methods the API uses.
 * @since 0.1.0
 */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "OPTIONS"

/**
 * Query parameters in the order they are sent; a repeated name is a repeated parameter.
 * @since 0.1.0
 */
export type Params = ReadonlyArray<readonly [string, string]>

/**
 * One request to the API, as an API module declares it.
 * @since 0.1.0
 */
export interface ApiRequest {
  readonly method: Method
  /** A path under the API root (`/layers/1/`), or an absolute URL taken from a reply. */
  readonly path: string
  readonly params?: Params | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The body, built by the caller (`HttpBody.jsonUnsafe(…)`, `HttpBody.text(…)`) so only writers bundle it. */
  readonly body?: HttpBody.HttpBody | undefined
  /**
   * URLs on other origins: `refuse` (the default) fails with `RedirectError`; `withoutToken`
   * requests them with no `Authorization` header (export downloads from a storage host).
   */
  readonly elsewhere?: "refuse" | "withoutToken" | undefined
  /** Secrets the request carries besides the token (a password), masked in any error made from its reply. */
  readonly secrets?: ReadonlyArray<string> | undefined
  /** For a streamed upload: runs each attempt with the body watched (see `internal/upload.ts`). */
  readonly watched?: Policy.Watcher | undefined
}

/**
 * Every way a request can fail once it is under way.
 * @since 0.1.0
 */
export type RequestError = Errors.RequestError

const maxRedirects = 5
const userAgent = `koordinates-effect/${version}`

/** Secrets shorter than this are not searched for: masking `"t"` would garble every message. */
const shortestSecret = 6

/**
 * `text` with each secret — as it is, JSON-escaped and URL-encoded — replaced by
 * `<redacted>`: for anything taken from a reply into an error.
 * @since 0.2.0
 */
export const mask = (secrets: ReadonlyArray<string>, text: string): string => {
  let masked = text
  for (const form of forms(secrets)) masked = masked.split(form).join("<redacted>")
  return maskUrlKeys(masked)
}

/** Each secret long enough to search for, as it is, JSON-escaped and URL-encoded. */
const forms = (secrets: ReadonlyArray<string>): Array<string> =>
  secrets.flatMap((secret) =>
    secret.length < shortestSecret ? [] : [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]
  )

/** The secrets of a request made through `k`: its token, and those the request names. */
const secretsOf = (k: KoordinatesService, request: ApiRequest): ReadonlyArray<string> =>
  [Redacted.value(k.token), ...(request.secrets ?? [])]

/** A request's path as an absolute URL's text: API paths go under the root, URLs from replies stay as they are. */
const absolute = (k: KoordinatesService, path: string): string => path.startsWith("/") ? k.apiRoot + path : path

/**
 * The absolute URL of a request: API paths go under the root; other origins only when the request allows them.
 * @since 0.1.0
 */
export const resolveUrl = (
  k: KoordinatesService,
  request: ApiRequest
): Effect.Effect<URL, Errors.RedirectError> => {
  const text = absolute(k, request.path)
  const secrets = secretsOf(k, request)
  const refuse = (location: string, message: string) =>
    Effect.fail(new Errors.RedirectError({
      method: request.method,
      url: k.origin,
      location: mask(secrets, location),
      message: mask(secrets, message)
    }))
  if (!URL.canParse(text)) return refuse(text, `Not a URL: ${excerpt(text)}`)
  const url = new URL(text)
  for (const [name, value] of request.params ?? []) url.searchParams.append(name, value)
  if (forms(secrets).some((form) => url.href.includes(form))) {
    return refuse(url.href, `Refusing a URL that carries the token: ${url.href}`)
  }
  return url.origin === k.origin || request.elsewhere === "withoutToken"
    ? Effect.succeed(url)
    : refuse(url.href, `Refusing to send the token to ${url.origin}: only ${k.origin} is configured`)
}

/**
 * The full URL a request went to, query string included, in a canonical form.
 * @since 0.1.0
 */
export const requestUrl = (request: HttpClientRequest.HttpClientRequest): string => {
  const search = UrlParams.toString(request.urlParams)
  return search === "" ? request.url : `${request.url}?${search}`
}

/**
 * A URL in the form {@link requestUrl} gives, for comparing URLs however they were encoded.
 * @since 0.1.0
 */
export const canonicalUrl = (url: URL): string => {
  const search = new URLSearchParams(url.search).toString()
  return `${url.origin}${url.pathname}${search === "" ? "" : `?${search}`}`
}

/**
 * How a reply is read: the idle timeout for its body, the timeout of its attempt, and the
 * secrets to mask in whatever goes from it into an error. {@link run} records it for each
 * reply as it arrives.
 */
interface Reading {
  readonly idle: number | undefined
  readonly timeout: number | undefined
  readonly secrets: ReadonlyArray<string>
}

const readings = /* @__PURE__ */ new WeakMap<HttpClientResponse.HttpClientResponse, Reading>()

/** The token a request carried in its `Authorization: key …` header, or "". */
const carried = (request: HttpClientRequest.HttpClientRequest): string =>
  (request.headers["authorization"] ?? "").replace(/^key /, "")

const readingOf = (response: HttpClientResponse.HttpClientResponse): Reading =>
  readings.get(response) ?? { idle: undefined, timeout: undefined, secrets: [carried(response.request)] }

/** A transport failure as a `TransportError`; `hint` (a likely cause) follows its message. */
const transportError = (method: string, url: string, hint = "") => (error: HttpClientError.HttpClientError) =>
  new Errors.TransportError({ method, url, message: `${error.message}${hint}`, cause: error })

/** What a reply answers, for messages. */
const answered = (response: HttpClientResponse.HttpClientResponse): Policy.Described => ({
  method: response.request.method,
  url: requestUrl(response.request)
})

/**
 * What a request is, for messages, before it is sent.
 * @since 0.2.0
 */
export const described = (k: KoordinatesService, request: ApiRequest): Policy.Described => ({
  method: request.method,
  url: absolute(k, request.path)
})

/** A response's body as a byte stream, read as it arrives; a broken body is a `TransportError`. */
const rawBody = (response: HttpClientResponse.HttpClientResponse): Stream.Stream<Uint8Array, Errors.TransportError> =>
  Stream.mapError(response.stream, transportError(response.request.method, requestUrl(response.request)))

/**
 * A response's body as a byte stream, read as it arrives, under the idle timeout of the
 * request it answers (`TimeoutError` after that long without a byte); a broken body is a
 * `TransportError`.
 * @since 0.1.0
 */
export const bodyStream = (
  response: HttpClientResponse.HttpClientResponse
): Stream.Stream<Uint8Array, Errors.TransportError | Errors.TimeoutError> =>
  Policy.watchIdle(rawBody(response), readingOf(response).idle, answered(response))

/**
 * A response's body as text, read whole; a broken body is a `TransportError`. It must be
 * complete within the idle timeout of its headers — a check the attempt's own timeout
 * makes already when it is the shorter (by default), so only then is none added.
 * @since 0.2.0
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, Errors.TransportError | Errors.TimeoutError> => {
  const { idle, timeout } = readingOf(response)
  const text = Effect.mapError(response.text, transportError(response.request.method, requestUrl(response.request)))
  if (idle === undefined || (timeout !== undefined && timeout <= idle)) return text
  return Effect.timeoutOrElse(text, {
    duration: idle,
    orElse: () => Effect.fail(Policy.timedOut(answered(response), `The reply's body was not complete within ${idle} ms of its headers`))
  })
}

/**
 * A reply that is not what was asked for, at `path` of it (`""`: the body as a whole; a
 * header's name), with the request's secrets masked in the message.
 * @since 0.2.0
 */
export const unexpected = (
  response: HttpClientResponse.HttpClientResponse,
  path: string,
  message: string
): Errors.ResponseDecodeError => {
  const { secrets } = readingOf(response)
  return new Errors.ResponseDecodeError({
    status: response.status,
    method: response.request.method,
    url: mask(secrets, requestUrl(response.request)),
    path,
    message: mask(secrets, message)
  })
}

/**
 * A URL a reply's header gives (`Location`, a `Link`), resolved against the request's URL;
 * one that does not parse is a `ResponseDecodeError` at that header.
 * @since 0.1.0
 */
export const headerUrl = (
  response: HttpClientResponse.HttpClientResponse,
  header: string,
  value: string
): Effect.Effect<URL, Errors.ResponseDecodeError> => {
  const base = response.request.url
  return URL.canParse(value, base)
    ? Effect.succeed(new URL(value, base))
    : Effect.fail(unexpected(response, header, `The ${header} header is not a URL: ${excerpt(value)}`))
}

/** One request on its way: where it goes now, how, and how many redirects brought it there. */
interface Hop {
  readonly url: URL
  readonly method: Method
  readonly body: HttpBody.HttpBody | undefined
  /** Whether it carries the token: only while it stays on the configured origin. */
  readonly withToken: boolean
  readonly redirects: number
  /** Set when the runtime follows the redirects itself (see {@link followedByBrowser}). */
  readonly redirect?: "follow"
}

/** Step 1 of an attempt: sends one hop as is — redirects are the next step's. */
const sendHop = (k: KoordinatesService, request: ApiRequest, hop: Hop, reading: Reading) => {
  const outgoing = HttpClientRequest.make(hop.method)(hop.url, {
    ...(hop.body === undefined ? {} : { body: hop.body }),
    headers: {
      accept: "application/json",
      "user-agent": userAgent,
      ...request.headers,
      ...(hop.withToken ? { authorization: `key ${Redacted.value(k.token)}` } : {})
    }
  })
  return Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    k.httpClient.execute(outgoing).pipe(
      Effect.provideService(FetchHttpClient.RequestInit, { ...Option.getOrUndefined(init), redirect: hop.redirect ?? "manual" }),
      Effect.provideService(HttpClient.TracerPropagationEnabled, false),
      Effect.mapError(unanswered(hop.method, hop.url)),
      Effect.map((response) => {
        readings.set(response, reading)
        return response
      })
    ))
}

/**
 * The `TransportError` of a request that got no reply. A browser fails a fetch to another
 * origin with the same bare error whether the network is down or CORS kept the reply from
 * the page — there the likelier cause — so in a page or worker (a runtime with a
 * `location`), for another origin, the message says so.
 */
const unanswered = (method: string, url: URL) => (error: HttpClientError.HttpClientError) => {
  const page = (globalThis as { readonly location?: { readonly origin?: unknown } }).location?.origin
  const cors = typeof page === "string" && page !== url.origin && error.reason._tag === "TransportError"
    ? `; likely blocked by CORS: ${url.origin} must allow requests from ${page} (Access-Control-Allow-Origin, and a preflight allowing the Authorization header)`
    : ""
  return transportError(method, url.href, cors)(error)
}

/**
 * The hop sent again for the runtime to follow, when it hid a redirect (status 0: a
 * browser's opaque answer to `redirect: "manual"`) of a request allowed elsewhere without
 * the token (an export download, redirected to storage); undefined for any other reply or
 * request (a hidden redirect of those is a `RedirectError`). Only a browser's fetch hides
 * redirects, and a browser following one drops `Authorization` as it leaves the origin (the
 * Fetch standard), so the token stays on the configured origin.
 */
const followedByBrowser = (
  request: ApiRequest,
  response: HttpClientResponse.HttpClientResponse,
  hop: Hop
): Hop | undefined =>
  response.status === 0 && request.elsewhere === "withoutToken" && hop.redirect === undefined
    ? { ...hop, redirect: "follow" }
    : undefined

/** Reads a body whose content is optional (error replies) or unwanted (redirects); never fails. */
const readBody = (response: HttpClientResponse.HttpClientResponse) => Effect.orElseSucceed(readText(response), () => "")

const redirectStatuses = /* @__PURE__ */ new Set([301, 302, 303, 307, 308])

/**
 * Step 2: the hop a redirect leads to — on the configured origin, elsewhere only when the
 * request allows it (and then without the token), at most 5 of them, and never for a body
 * that cannot be sent twice when the redirect would send it again (307/308).
 */
const nextHop = (
  k: KoordinatesService,
  request: ApiRequest,
  reading: Reading,
  response: HttpClientResponse.HttpClientResponse,
  hop: Hop,
  location: string | undefined
): Effect.Effect<Hop, RequestError> =>
  Effect.flatMap(
    location === undefined ? Effect.succeed(undefined) : headerUrl(response, "Location", location),
    (target) => {
      const allowed = target !== undefined && (target.origin === k.origin || request.elsewhere === "withoutToken")
      const keepsBody = response.status === 307 || response.status === 308
      const problem = !allowed
        ? `Redirect to another origin not followed: ${hop.url.href} -> ${target?.href ?? "(hidden by the runtime)"}`
        : hop.redirects >= maxRedirects
        ? `More than ${maxRedirects} redirects`
        : keepsBody && (hop.body?._tag === "Stream" || request.watched !== undefined)
        ? `${response.status} redirect to ${target.href} not followed: the body was streamed and is never sent twice`
        : undefined
      if (problem !== undefined) {
        const masked = (text: string) => mask(reading.secrets, text)
        return Effect.fail(
          new Errors.RedirectError({
            method: hop.method,
            url: masked(hop.url.href),
            location: masked(target?.href ?? ""),
            message: masked(problem)
          })
        )
      }
      const asGet = response.status === 303 || (hop.method === "POST" && !keepsBody)
      return Effect.as(readBody(response), {
        url: target!,
        method: asGet ? "GET" : hop.method,
        body: asGet ? undefined : hop.body,
        withToken: hop.withToken && target!.origin === k.origin,
        redirects: hop.redirects + 1
      })
    }
  )

/**
 * Steps 1 and 2 until a reply is not a redirect: that reply, and the hop it answers.
 * (Status 0 is a browser's opaque answer to `redirect: "manual"`: a redirect whose target
 * it hides.)
 */
const follow = (
  k: KoordinatesService,
  request: ApiRequest,
  reading: Reading,
  hop: Hop
): Effect.Effect<readonly [HttpClientResponse.HttpClientResponse, Hop], RequestError> =>
  Effect.flatMap(sendHop(k, request, hop, reading), (response) => {
    const location = response.headers["location"]
    const again = followedByBrowser(request, response, hop)
    if (again !== undefined) return follow(k, request, reading, again)
    return response.status === 0 || (redirectStatuses.has(response.status) && location !== undefined)
      ? Effect.flatMap(nextHop(k, request, reading, response, hop, location), (next) => follow(k, request, reading, next))
      : Effect.succeed([response, hop] as const)
  })

/**
 * One attempt at a request: the redirects followed, then step 3, an error status as its
 * tagged error; and step 4, a POST answered 201/202 with a `Location` gives that location,
 * to be read with a GET.
 */
const exchange = (
  k: KoordinatesService,
  request: ApiRequest,
  start: URL,
  reading: Reading
): Effect.Effect<HttpClientResponse.HttpClientResponse | URL, RequestError> =>
  Effect.flatMap(
    follow(k, request, reading, {
      url: start,
      method: request.method,
      body: request.body,
      withToken: start.origin === k.origin,
      redirects: 0
    }),
    ([response, hop]): Effect.Effect<HttpClientResponse.HttpClientResponse | URL, RequestError> => {
      if (response.status >= 400) return statusError(response, hop.method, hop.url.href)
      const location = response.headers["location"]
      return hop.method === "POST" && (response.status === 201 || response.status === 202) && location !== undefined
        ? Effect.andThen(readBody(response), headerUrl(response, "Location", location))
        : Effect.succeed(response)
    }
  )

/**
 * Sends a request and reads its reply with `read`, under the service's request policy
 * (retries, shared back-off, concurrency limit, timeouts, budget — see `Koordinates`):
 * a failed attempt is made again as a whole, reading included. A POST answered 201/202
 * with a `Location` is followed by a GET of that location, a request of its own. A
 * streamed upload is sent once, watched while it goes out and bounded by `timeout` after.
 * @since 0.1.0
 */
export const run = <A, R>(
  request: ApiRequest,
  read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, RequestError, R>
): Effect.Effect<A, RequestError, Koordinates | R> =>
  Effect.gen(function*() {
    const k = yield* Koordinates
    const url = yield* resolveUrl(k, request)
    const what = { method: request.method, url: url.href }
    const secrets = secretsOf(k, request)
    const attempt = (sent: ApiRequest, settings: Policy.Settings) =>
      Effect.flatMap(
        exchange(k, sent, url, { idle: settings.idle, timeout: settings.timeout, secrets }),
        (reply): Effect.Effect<URL | { readonly value: A }, RequestError, R> =>
          reply instanceof URL ? Effect.succeed(reply) : Effect.map(read(reply), (value) => ({ value }))
      )
    const replayable = request.body?._tag !== "Stream" && request.watched === undefined
    const outcome = yield* Policy.run(k, what, replayable, (settings) =>
      request.watched === undefined
        ? attempt(request, settings)
        : request.watched((body) => attempt({ ...request, body }, settings), settings, what))
    if (outcome instanceof URL) return yield* run({ method: "GET", path: outcome.href, secrets: request.secrets }, read)
    return outcome.value
  })

/**
 * Sends a request and returns the final successful response, its body unread (streamed replies).
 * @since 0.1.0
 */
export const send = (request: ApiRequest): Effect.Effect<HttpClientResponse.HttpClientResponse, RequestError, Koordinates> =>
  run(request, Effect.succeed)

/**
 * Sends a request and streams its reply body as it arrives: every gap between bytes
 * bounded by the idle timeout, the whole — headers and body — by the budget.
 * @since 0.2.0
 */
export const stream = (request: ApiRequest): Stream.Stream<Uint8Array, RequestError, Koordinates> =>
  Stream.unwrap(Effect.map(Koordinates, (k) => {
    const body = Stream.unwrap(Effect.map(send(request), bodyStream))
    return Policy.withinBudget(k, described(k, request), body)
  }))

/**
 * Sends a request and reads its reply body as text; `problem`, when given, says what is
 * wrong with a body that is not what was asked for (a `ResponseDecodeError`, retried like
 * a garbled body).
 * @since 0.1.0
 */
export const text = (
  request: ApiRequest,
  problem: (body: string) => string | undefined = () => undefined
): Effect.Effect<string, RequestError, Koordinates> =>
  run(request, (response) =>
    Effect.flatMap(readText(response), (body) => {
      const message = problem(body)
      return message === undefined ? Effect.succeed(body) : Effect.fail(unexpected(response, "", message))
    }))

/**
 * Sends a request whose reply body does not matter (DELETE, metadata upload…).
 * @since 0.1.0
 */
export const discard = (request: ApiRequest): Effect.Effect<void, RequestError, Koordinates> =>
  run(request, (response) => Effect.asVoid(readBody(response)))

/**
 * Sends a request and decodes its JSON reply with `schema`.
 * @since 0.1.0
 */
export const json = <S extends Schema.Decoder<unknown>>(
  request: ApiRequest,
  schema: S
): Effect.Effect<S["Type"], RequestError, Koordinates | S["DecodingServices"]> =>
  run(request, (response) => decodeJson(response, schema))

/**
 * Decodes a response's body as JSON through `schema` (whatever its Content-Type says).
 * @since 0.1.0
 */
export const decodeJson = <S extends Schema.Decoder<unknown>>(
  response: HttpClientResponse.HttpClientResponse,
  schema: S
): Effect.Effect<
  S["Type"],
  Errors.TransportError | Errors.TimeoutError | Errors.ResponseDecodeError,
  S["DecodingServices"]
> =>
  Effect.flatMap(readText(response), (text) => parseJson(response, text, schema))

/**
 * Decodes `text`, a response's body already read, as JSON through `schema`: text that is
 * not JSON, or JSON the schema refuses, is a `ResponseDecodeError` saying where.
 * @since 0.2.0
 */
export const parseJson = <S extends Schema.Decoder<unknown>>(
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  schema: S
): Effect.Effect<S["Type"], Errors.ResponseDecodeError, S["DecodingServices"]> => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return Effect.fail(unexpected(response, "", `The reply is not JSON: ${excerpt(text) || "(empty body)"}`))
  }
  return Effect.mapError(
    Schema.decodeUnknownEffect(schema)(body, { reportInput: true }),
    (error) => unexpected(response, issuePath(error.issue), excerpt(error.message))
  )
}

/**
 * A body or value shortened for a message.
 * @since 0.1.0
 */
export const excerpt = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed
}

/**
 * Turns the body of an error reply into one readable message and, for field errors, a map.
 * @since 0.1.0
 */
export const describeBody = (
  text: string
): { readonly message: string | undefined; readonly fields: Record<string, Array<string>> | undefined } => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    const plain = excerpt(text)
    return { message: plain === "" ? undefined : plain.startsWith("<") ? exceptionMessage(text) : plain, fields: undefined }
  }
  if (typeof body === "string") return { message: body, fields: undefined }
  if (Array.isArray(body)) return { message: body.map(String).join("; "), fields: undefined }
  if (typeof body !== "object" || body === null) return { message: undefined, fields: undefined }
  const record = body as Record<string, unknown>
  for (const key of ["error", "detail"]) {
    if (typeof record[key] === "string" && Object.keys(record).length === 1) {
      return { message: record[key], fields: undefined }
    }
  }
  const errors = record["errors"]
  if (errors !== undefined && Object.keys(record).length === 1) {
    return typeof errors === "object" && errors !== null && !Array.isArray(errors)
      ? describeBody(JSON.stringify(errors))
      : { message: [errors].flat().map(String).join("; "), fields: undefined }
  }
  const fields: Record<string, Array<string>> = {}
  for (const key of Object.keys(record).sort()) {
    const value = record[key]
    fields[key] = Array.isArray(value)
      ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
      : [typeof value === "string" ? value : JSON.stringify(value)]
  }
  const message = Object.entries(fields).map(([key, values]) => `${key}: ${values.join("; ")}`).join("\n")
  return { message: message === "" ? undefined : message, fields }
}

const scopes = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter((s) => s !== "")

/**
 * Seconds to wait from a `Retry-After` value (delay-seconds or an HTTP date). Parsed here:
 * `effect/http/Headers` has a parser, but it brings Effect's date-time code (≈ 4.7 KB
 * minified) into every bundle.
 * @since 0.1.0
 */
export const retryAfterSeconds = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

/** Error class by status; any other 4xx/5xx is a `ServerError`. */
const errorByStatus: Record<
  number,
  new(fields: { status: number; message: string; method: string; url: string }) => Errors.ApiError
> = {
  400: Errors.BadRequest,
  401: Errors.AuthenticationError,
  403: Errors.Forbidden,
  404: Errors.NotFound,
  405: Errors.NotAllowed,
  409: Errors.Conflict,
  410: Errors.Gone,
  422: Errors.BadRequest,
  429: Errors.RateLimitExceeded,
  500: Errors.InternalServerError,
  502: Errors.ServiceUnavailable,
  503: Errors.ServiceUnavailable,
  504: Errors.ServiceUnavailable
}

const statusError = (response: HttpClientResponse.HttpClientResponse, method: string, url: string) =>
  Effect.flatMap(readBody(response), (text): Effect.Effect<never, Errors.ApiError> => {
    const { status, headers } = response
    const masked = (value: string) => mask(readingOf(response).secrets, value)
    const described = describeBody(text)
    const message = masked(described.message ?? `HTTP ${status} from ${method} ${url}`)
    const fields = described.fields === undefined ? undefined : Object.fromEntries(
      Object.entries(described.fields).map(([key, values]) => [masked(key), values.map(masked)])
    )
    const common = { status, method, url: masked(url), message }
    const required = scopes(headers["accepted-oauth-scopes"])
    const granted = scopes(headers["oauth-scopes"])
    if (status === 403 && required.length > 0 && !required.some((s) => granted.includes(s))) {
      const [requiredScopes, tokenScopes] = [required.map(masked), granted.map(masked)]
      return Effect.fail(new Errors.InvalidTokenScope({
        ...common,
        message: `${message} (needs scope ${requiredScopes.join(" or ")}; the token has ${tokenScopes.join(", ") || "none"})`,
        requiredScopes,
        tokenScopes
      }))
    }
    const retryAfter = retryAfterSeconds(headers["retry-after"])
    const ErrorClass = errorByStatus[status] ?? Errors.ServerError
    return Effect.fail(new ErrorClass({
      ...common,
      ...(status === 429 && retryAfter !== undefined ? { retryAfter } : {}),
      ...(ErrorClass === Errors.BadRequest && fields !== undefined ? { fields } : {})
    }))
  })

// ---------------------------------------------------------------------------------------
// Data services: keys in URLs, OGC exception reports, replies read outside this module
// ---------------------------------------------------------------------------------------

/**
 * `text` with every key a data-service URL can carry masked, whatever its value: the query
 * parameter (`?key=…`, `&key=…`) and the path matrix parameter (`/services;key=…/`), as
 * they are or URL-encoded (`%3Bkey%3D…`). {@link mask} applies it to all it masks.
 * @since 0.2.0
 */
export const maskUrlKeys = (text: string): string =>
  text.includes("key") || text.includes("KEY")
    ? text
      .replace(/([?&;]key=)(?!<redacted>)[^&;/#\s"'<>]+/gi, "$1<redacted>")
      .replace(/((?:%3B|%26|%3F)key%3D)(?!<redacted>)(?:(?!%26|%3B|%2F)[^&;/#\s"'<>])+/gi, "$1<redacted>")
    : text

/**
 * An OGC exception report (`<ows:ExceptionReport>`, `<ServiceExceptionReport>`) read from a
 * reply's text: its first exception's code, locator and text; `undefined` for any other text.
 * @since 0.2.0
 */
export const exceptionReport = (
  text: string
): { readonly code: string; readonly locator: string | undefined; readonly message: string } | undefined => {
  if (!/<(?:\w+:)?(?:ExceptionReport|ServiceExceptionReport)\b/.test(text)) return undefined
  const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(text)?.[1]
  const body = /<(?:\w+:)?(?:ExceptionText|ServiceException)\b[^>]*>([\s\S]*?)<\/(?:\w+:)?(?:ExceptionText|ServiceException)>/
    .exec(text)?.[1]
  const message = (body ?? "").replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&").trim()
  const code = attribute("exceptionCode") ?? attribute("code") ?? "Exception"
  return { code, locator: attribute("locator"), message: excerpt(message) || code }
}

/**
 * The text of an error reply that is an OGC exception report (its first `ExceptionText` or
 * `ServiceException`, as sent); `undefined` for other markup (an HTML page). Kept small: it
 * is in every bundle, and {@link exceptionReport} is only where features are read.
 */
const exceptionMessage = (text: string): string | undefined => {
  const found = /<(?:\w+:)?(?:ExceptionText|ServiceException)\b[^>]*>([^<]+)/.exec(text)
  return found === null ? undefined : excerpt(found[1]!)
}

/**
 * The `ServiceException` of a reply that is an OGC exception report (see
 * {@link exceptionReport}), with the request's secrets (and any URL key) masked in all it
 * takes from the reply, as {@link unexpected} masks a bad reply's.
 * @since 0.2.0
 */
export const serviceException = (
  response: HttpClientResponse.HttpClientResponse,
  report: NonNullable<ReturnType<typeof exceptionReport>>
): Errors.ServiceException => {
  const masked = (text: string) => mask(readingOf(response).secrets, text)
  return new Errors.ServiceException({
    status: response.status,
    method: response.request.method,
    url: masked(requestUrl(response.request)),
    code: masked(report.code),
    ...(report.locator === undefined ? {} : { locator: masked(report.locator) }),
    message: masked(report.message)
  })
}
