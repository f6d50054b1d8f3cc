/**
 * The request layer: the only code in the client that speaks HTTP.
 *
 * API modules describe a request (method, API path, params, headers, body) and the schema
 * of the reply; this module builds the URL under the configured API root, adds the
 * `Authorization: key …`, `Accept` and `User-Agent` headers, refuses to let the token
 * leave the configured origin, follows same-origin redirects itself, turns error statuses
 * into tagged errors, follows `Location` after a POST answered 201/202, and decodes JSON
 * through the endpoint's schema.
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

/** HTTP methods the API uses. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "OPTIONS"

/** Query parameters in the order they are sent; a repeated name is a repeated parameter. */
export type Params = ReadonlyArray<readonly [string, string]>

/** One request to the API, as an API module declares it. */
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
}

/** Every way a request can fail once it is under way. */
export type RequestError = Errors.RequestError

const maxRedirects = 5
const userAgent = `koordinates-effect/${version}`

/** The absolute URL of a request: API paths go under the root; other origins only when the request allows them. */
export const resolveUrl = (
  k: KoordinatesService,
  request: ApiRequest
): Effect.Effect<URL, Errors.RedirectError> => {
  const text = request.path.startsWith("/") ? k.apiRoot + request.path : request.path
  if (!URL.canParse(text)) {
    return Effect.fail(new Errors.RedirectError({ method: request.method, url: k.origin, location: text, message: `Not a URL: ${excerpt(text)}` }))
  }
  const url = new URL(text)
  for (const [name, value] of request.params ?? []) url.searchParams.append(name, value)
  return url.origin === k.origin || request.elsewhere === "withoutToken"
    ? Effect.succeed(url)
    : Effect.fail(new Errors.RedirectError({
      method: request.method,
      url: k.origin,
      location: url.href,
      message: `Refusing to send the token to ${url.origin}: only ${k.origin} is configured`
    }))
}

/** The full URL a request went to, query string included, in a canonical form. */
export const requestUrl = (request: HttpClientRequest.HttpClientRequest): string => {
  const search = UrlParams.toString(request.urlParams)
  return search === "" ? request.url : `${request.url}?${search}`
}

/** A URL in the form {@link requestUrl} gives, for comparing URLs however they were encoded. */
export const canonicalUrl = (url: URL): string => {
  const search = new URLSearchParams(url.search).toString()
  return `${url.origin}${url.pathname}${search === "" ? "" : `?${search}`}`
}

const transportError = (method: string, url: string) => (error: HttpClientError.HttpClientError) =>
  new Errors.TransportError({ method, url, message: error.message, cause: error })

/** A response's body as text; a broken body is a `TransportError`. */
const readText = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.mapError(response.text, transportError(response.request.method, requestUrl(response.request)))

/** A reply that is not what was asked for, at `path` of it (`""`: the body as a whole; a header's name). */
const unexpected = (response: HttpClientResponse.HttpClientResponse, path: string, message: string) =>
  new Errors.ResponseDecodeError({
    status: response.status,
    method: response.request.method,
    url: requestUrl(response.request),
    path,
    message
  })

/**
 * A URL a reply's header gives (`Location`, a `Link`), resolved against the request's URL;
 * one that does not parse is a `ResponseDecodeError` at that header.
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

/** Sends one request as is (no redirect following), with redirects left to the caller. */
const execute = (
  k: KoordinatesService,
  method: Method,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: HttpBody.HttpBody | undefined,
  withToken: boolean
) => {
  const request = HttpClientRequest.make(method)(url, {
    ...(body === undefined ? {} : { body }),
    headers: {
      accept: "application/json",
      "user-agent": userAgent,
      ...headers,
      ...(withToken ? { authorization: `key ${Redacted.value(k.token)}` } : {})
    }
  })
  return Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    k.httpClient.execute(request).pipe(
      Effect.provideService(FetchHttpClient.RequestInit, { ...Option.getOrUndefined(init), redirect: "manual" }),
      Effect.provideService(HttpClient.TracerPropagationEnabled, false),
      Effect.mapError(transportError(method, url.href))
    ))
}

/** Reads a body whose content is optional (error replies) or unwanted (redirects); never fails. */
const readBody = (response: HttpClientResponse.HttpClientResponse) => Effect.orElseSucceed(response.text, () => "")

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 ||
  status === 308

/**
 * One attempt at a request: redirects are followed (at most 5) while they stay on the
 * configured origin — elsewhere only when the request allows it, and then without the
 * token — and error statuses become tagged errors. A POST answered 201/202 with a
 * `Location` gives that location, to be read with a GET.
 */
const exchange = (
  k: KoordinatesService,
  request: ApiRequest,
  start: URL
): Effect.Effect<HttpClientResponse.HttpClientResponse | URL, RequestError> =>
  Effect.gen(function*() {
    let url = start
    let method = request.method
    let body = request.body
    let withToken = url.origin === k.origin
    for (let hops = 0;; hops++) {
      const response = yield* execute(k, method, url, request.headers ?? {}, body, withToken)
      const location = response.headers["location"]
      if (response.status === 0 || (isRedirect(response.status) && location !== undefined)) {
        const target = location === undefined ? undefined : yield* headerUrl(response, "Location", location)
        const allowed = target !== undefined && (target.origin === k.origin || request.elsewhere === "withoutToken")
        if (!allowed || hops >= maxRedirects) {
          return yield* new Errors.RedirectError({
            method,
            url: url.href,
            location: target?.href ?? "",
            message: allowed
              ? `More than ${maxRedirects} redirects`
              : `Redirect to another origin not followed: ${url.href} -> ${target?.href ?? "(hidden by the runtime)"}`
          })
        }
        yield* readBody(response)
        if (response.status === 303 || (method === "POST" && response.status !== 307 && response.status !== 308)) {
          method = "GET"
          body = undefined
        }
        withToken = withToken && target.origin === k.origin
        url = target
        continue
      }
      if (response.status >= 400) return yield* statusError(response, method, url.href)
      if (method === "POST" && (response.status === 201 || response.status === 202) && location !== undefined) {
        yield* readBody(response)
        return yield* headerUrl(response, "Location", location)
      }
      return response
    }
  })

/**
 * Sends a request and reads its reply with `read`, under the service's request policy
 * (retries, shared back-off, concurrency limit, timeout, budget — see `Koordinates`):
 * a failed attempt is made again as a whole, reading included. A POST answered 201/202
 * with a `Location` is followed by a GET of that location, a request of its own.
 */
export const run = <A, R>(
  request: ApiRequest,
  read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, RequestError, R>
): Effect.Effect<A, RequestError, Koordinates | R> =>
  Effect.gen(function*() {
    const k = yield* Koordinates
    const url = yield* resolveUrl(k, request)
    const outcome: URL | { readonly value: A } = yield* Policy.run(
      k,
      { method: request.method, url: url.href },
      request.body?._tag !== "Stream",
      Effect.flatMap(exchange(k, request, url), (reply): Effect.Effect<URL | { readonly value: A }, RequestError, R> =>
        reply instanceof URL ? Effect.succeed(reply) : Effect.map(read(reply), (value) => ({ value })))
    )
    if (outcome instanceof URL) return yield* run({ method: "GET", path: outcome.href }, read)
    return outcome.value
  })

/** Sends a request and returns the final successful response, its body unread (streamed replies). */
export const send = (request: ApiRequest): Effect.Effect<HttpClientResponse.HttpClientResponse, RequestError, Koordinates> =>
  run(request, Effect.succeed)

/** A response's body as a byte stream, read as it arrives; a broken body is a `TransportError`. */
export const bodyStream = (response: HttpClientResponse.HttpClientResponse): Stream.Stream<Uint8Array, Errors.TransportError> =>
  Stream.mapError(response.stream, transportError(response.request.method, requestUrl(response.request)))

/**
 * Sends a request and reads its reply body as text; `problem`, when given, says what is
 * wrong with a body that is not what was asked for (a `ResponseDecodeError`, retried like
 * a garbled body).
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
 * A download's body as a byte stream that, when it breaks off and retries are on, goes on
 * from where it stopped: the request is sent again (under the policy) with
 * `Range: bytes=N-`; a 206 from byte N continues the stream, a 200 (the server ignored the
 * range) is read from its start with the first N bytes dropped. Each resumption counts as
 * a retry of the request and waits as one.
 */
export const resumingBody = (
  request: ApiRequest,
  response: HttpClientResponse.HttpClientResponse
): Stream.Stream<Uint8Array, RequestError, Koordinates> =>
  Stream.unwrap(Effect.gen(function*() {
    const k = yield* Koordinates
    const again = yield* Policy.retries(k, { method: request.method, url: requestUrl(response.request) })
    let received = 0
    const resume = (error: RequestError): Stream.Stream<Uint8Array, RequestError, Koordinates> =>
      Stream.unwrap(Effect.gen(function*() {
        yield* again(error)
        const next = yield* send({ ...request, headers: { ...request.headers, range: `bytes=${received}-` } })
        const range = /^bytes (\d+)-/.exec(next.headers["content-range"] ?? "")
        if (next.status === 206 && Number(range?.[1]) !== received) {
          const got = next.headers["content-range"] ?? "no Content-Range"
          return yield* unexpected(next, "Content-Range", `Asked for the bytes from ${received}, got ${got}`)
        }
        return read(next, next.status === 206 ? 0 : received)
      }))
    const read = (current: HttpClientResponse.HttpClientResponse, skip: number): Stream.Stream<Uint8Array, RequestError, Koordinates> => {
      let left = skip
      return bodyStream(current).pipe(
        Stream.map((chunk) => {
          const kept = left === 0 ? chunk : chunk.subarray(Math.min(left, chunk.length))
          left -= chunk.length - kept.length
          received += kept.length
          return kept
        }),
        Stream.filter((chunk) => chunk.length > 0),
        Stream.catch(resume)
      )
    }
    return read(response, 0)
  }))

/** Sends a request whose reply body does not matter (DELETE, metadata upload…). */
export const discard = (request: ApiRequest): Effect.Effect<void, RequestError, Koordinates> =>
  run(request, (response) => Effect.asVoid(readBody(response)))

/** Sends a request and decodes its JSON reply with `schema`. */
export const json = <S extends Schema.Decoder<unknown>>(
  request: ApiRequest,
  schema: S
): Effect.Effect<S["Type"], RequestError, Koordinates | S["DecodingServices"]> =>
  run(request, (response) => decodeJson(response, schema))

/** Decodes a response's body as JSON through `schema` (whatever its Content-Type says). */
export const decodeJson = <S extends Schema.Decoder<unknown>>(
  response: HttpClientResponse.HttpClientResponse,
  schema: S
): Effect.Effect<S["Type"], Errors.TransportError | Errors.ResponseDecodeError, S["DecodingServices"]> => {
  return Effect.flatMap(readText(response), (text) => {
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
  })
}

/** A body or value shortened for a message. */
export const excerpt = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed
}

/** Turns the body of an error reply into one readable message and, for field errors, a map. */
export const describeBody = (
  text: string
): { readonly message: string | undefined; readonly fields: Record<string, Array<string>> | undefined } => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    const plain = excerpt(text)
    return { message: plain === "" || plain.startsWith("<") ? undefined : plain, fields: undefined }
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

/** Seconds to wait from a `Retry-After` value (delay-seconds or an HTTP date). */
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
    const { message = `HTTP ${status} from ${method} ${url}`, fields } = describeBody(text)
    const common = { status, method, url, message }
    const required = scopes(headers["accepted-oauth-scopes"])
    const granted = scopes(headers["oauth-scopes"])
    if (status === 403 && required.length > 0 && !required.some((s) => granted.includes(s))) {
      return Effect.fail(new Errors.InvalidTokenScope({
        ...common,
        message: `${message} (needs scope ${required.join(" or ")}; the token has ${granted.join(", ") || "none"})`,
        requiredScopes: required,
        tokenScopes: granted
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
