/**
 * The `Koordinates` service: which site to talk to, with which token, through which
 * `HttpClient`. Every API function requires it; provide it once with {@link layer} or
 * {@link layerConfig}.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import * as Koordinates from "@koordinates-effect/client/Koordinates"
 * import * as Layers from "@koordinates-effect/client/Layers"
 *
 * const KoordinatesLive = Koordinates.layer({ host: "labs.koordinates.com", token: "…" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * Effect.runPromise(Layers.get(1474).pipe(Effect.provide(KoordinatesLive)))
 * ```
 * @module
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Semaphore from "effect/Semaphore"
import * as HttpClient from "effect/http/HttpClient"
import { ClientValidationError } from "./Errors.ts"
import * as Policy from "./internal/policy.ts"

/**
 * How failed requests are retried (on by default): 429 for any method, honouring
 * `Retry-After`; 502/503/504, transport failures, timed-out attempts and garbled bodies for
 * idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) only — never a POST whose outcome is
 * unknown, nor a streamed upload. Defaults: 3 retries, waits from 200 ms doubling with
 * jitter, no wait longer than 60 s (a longer `Retry-After` is cut to it).
 *
 * @example
 * ```ts
 * const retry: Koordinates.RetryOptions = { times: 5, base: "500 millis", maxDelay: "30 seconds" }
 * // or any Schedule, fed the failure each time:
 * const custom: Koordinates.RetryOptions = { schedule: Schedule.spaced("1 second").pipe(Schedule.upTo({ times: 10 })) }
 * ```
 */
export interface RetryOptions {
  /** Retries at most this many times; default 3. Ignored when `schedule` is given. */
  readonly times?: number | undefined
  /** Wait before the first retry, doubled (with jitter) for each next one; default 200 ms. Ignored with `schedule`. */
  readonly base?: Duration.Input | undefined
  /** Longest wait before a retry, and the cap on a server's `Retry-After`; default 60 s. */
  readonly maxDelay?: Duration.Input | undefined
  /**
   * A `Schedule` deciding whether and when to retry, fed each retryable failure (replaces
   * `times` and `base`); a `Retry-After` still lengthens its waits, up to `maxDelay`.
   */
  readonly schedule?: Schedule.Schedule<unknown, RetryableError> | undefined
}

/**
 * A failure a retry may mend, as a retry `Schedule` receives it.
 *
 * @example
 * ```ts
 * const describe = (e: Koordinates.RetryableError) => `${e._tag}: ${e.message}`
 * ```
 */
export type RetryableError = Policy.RetryableError

/**
 * Retries, timeouts and budgets, for a whole `Koordinates` ({@link layer}) or one call
 * ({@link withRequestOptions}).
 *
 * @example
 * ```ts
 * const options: Koordinates.RequestOptions = { retry: { times: 5 }, timeout: "10 seconds", budget: "2 minutes" }
 * ```
 */
export interface RequestOptions {
  /** How to retry (see {@link RetryOptions}); on by default, `false` turns it off. */
  readonly retry?: RetryOptions | false | undefined
  /**
   * Longest wait for one attempt's complete reply (for streamed replies: its headers; for
   * streamed uploads: from the last byte sent); on expiry the attempt fails with
   * `TimeoutError` (retried for idempotent methods). Default 30 s; `false` for none.
   */
  readonly timeout?: Duration.Input | false | undefined
  /**
   * Longest silence while a body is on its way — a download, a scan log, a metadata stream,
   * any reply's body, or an upload being sent: no bytes for that long fails the attempt with
   * `TimeoutError`, retried (a download resumed) like a cut. Default 60 s; `false` for none.
   */
  readonly idleTimeout?: Duration.Input | false | undefined
  /**
   * Longest time for a request as a whole — retries, waits, and a streamed body (download,
   * scan log, upload) to its last byte included (`TimeoutError`); default none.
   */
  readonly budget?: Duration.Input | false | undefined
}

/**
 * What {@link layer} and {@link layerConfig} accept.
 *
 * @example
 * ```ts
 * const options: KoordinatesOptions = { host: "labs.koordinates.com", apiVersion: "v1.x" }
 * ```
 */
export interface KoordinatesOptions extends RequestOptions {
  /**
   * The site's host name, e.g. `labs.koordinates.com` (a port may follow: `host:8443`). Its
   * `https://` URL is accepted too, and so is a loopback `http://127.0.0.1:PORT` (a local fake).
   */
  readonly host?: string | undefined
  /** API token (an empty string counts as none); `layerConfig` falls back to `KOORDINATES_TOKEN`. */
  readonly token?: string | Redacted.Redacted<string> | undefined
  /** API version segment of the URLs; default `v1.x`. */
  readonly apiVersion?: string | undefined
  /**
   * Full origin to use instead of `https://{host}`: any `https://` origin, or a loopback
   * `http://127.0.0.1:PORT` / `http://localhost:PORT` (tests, FakeKoordinates).
   */
  readonly origin?: string | undefined
  /** At most this many requests in flight at once through this service; default no limit. */
  readonly maxConcurrent?: number | undefined
}

/**
 * The resolved configuration the request layer reads.
 *
 * @example
 * ```ts
 * Koordinates.use((k) => Effect.log(k.apiRoot)) // https://labs.koordinates.com/services/api/v1.x
 * ```
 */
export interface KoordinatesService {
  /** Host (and port, if any) the token may be sent to. */
  readonly host: string
  /** Scheme + host, e.g. `https://labs.koordinates.com`. */
  readonly origin: string
  /** API version segment, e.g. `v1.x`. */
  readonly apiVersion: string
  /** `{origin}/services/api/{apiVersion}`: every API path is appended to it. */
  readonly apiRoot: string
  /** The API token. */
  readonly token: Redacted.Redacted<string>
  /** The HTTP client requests go through. */
  readonly httpClient: HttpClient.HttpClient
  /** Retries, timeouts and budget of every request (per-call overrides aside). */
  readonly settings: Policy.Settings
  /** The back-off gate shared by every request of this service: a 429 holds them all. */
  readonly gate: Policy.Gate
  /** Permits for requests in flight, when `maxConcurrent` is set. */
  readonly permits: Semaphore.Semaphore | undefined
}

/**
 * The service key.
 *
 * @example
 * ```ts
 * const root = Effect.map(Koordinates, (k) => k.apiRoot)
 * ```
 */
export class Koordinates extends Context.Service<Koordinates, KoordinatesService>()(
  "@koordinates-effect/client/Koordinates"
) {}

/**
 * The API version used when none is given.
 *
 * @example
 * ```ts
 * Koordinates.layer({ host: "labs.koordinates.com", token, apiVersion: Koordinates.defaultApiVersion })
 * ```
 */
export const defaultApiVersion = "v1.x"

const invalid = (field: string, message: string) => new ClientValidationError({ field, message })

const loopbackHosts = ["127.0.0.1", "localhost", "[::1]"]

/**
 * The origin requests go to. `origin` may be any https origin or a loopback http one;
 * `host` is a domain name with an optional port, or its https URL pasted in.
 */
const parseOrigin = (options: KoordinatesOptions): Effect.Effect<URL, ClientValidationError> => {
  const field = options.origin === undefined ? "host" : "origin"
  const input = (options.origin ?? options.host ?? "").trim()
  const text = field === "origin" || input.includes("://") ? input : `https://${input}`
  const url = URL.canParse(text) ? new URL(text) : undefined
  const valid = url !== undefined && url.username === "" && url.search === "" && url.hash === "" &&
    (/^[a-z0-9.-]+$/.test(url.hostname) || url.hostname === "[::1]") &&
    (url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.includes(url.hostname))) &&
    (field === "origin" ? url.pathname === "/" : /^\/(?:services\/api\/?[^/]*\/?)?$/.test(url.pathname))
  return valid ? Effect.succeed(url) : Effect.fail(invalid(
    field,
    input === ""
      ? "No host given: set host (e.g. labs.koordinates.com) or KOORDINATES_HOST"
      : field === "origin"
      ? `Invalid origin "${input}": expected https://host[:port], or http://127.0.0.1:PORT / http://localhost:PORT`
      : `Invalid host "${input}": expected a domain name such as labs.koordinates.com`
  ))
}

const parseToken = (token: Redacted.Redacted<string>): Effect.Effect<Redacted.Redacted<string>, ClientValidationError> =>
  /^[\x21-\x7e]+$/.test(Redacted.value(token))
    ? Effect.succeed(token)
    : Effect.fail(invalid("token", "Invalid token: it must be printable ASCII with no spaces"))

const nonEmpty = (token: string | Redacted.Redacted<string> | undefined): Option.Option<Redacted.Redacted<string>> => {
  if (token === undefined) return Option.none()
  const redacted = Redacted.isRedacted(token) ? token : Redacted.make(token, { label: "token" })
  return Redacted.value(redacted) === "" ? Option.none() : Option.some(redacted)
}

/**
 * Validates options and builds the service value. The token must already be resolved.
 *
 * @example
 * ```ts
 * const service = Koordinates.make({ host: "labs.koordinates.com", token: Redacted.make("…") })
 * ```
 */
export const make = (
  options: KoordinatesOptions & { readonly token: Redacted.Redacted<string> }
): Effect.Effect<KoordinatesService, ClientValidationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const apiVersion = options.apiVersion ?? defaultApiVersion
    if (!/^v\d+(?:\.(?:x|\d+))?$/.test(apiVersion)) {
      return yield* invalid("apiVersion", `Invalid apiVersion "${apiVersion}": expected v1, v1.x or similar`)
    }
    const url = yield* parseOrigin(options)
    const origin = url.origin
    const host = url.host
    const token = yield* parseToken(options.token)
    const settings = yield* Policy.settings(options)
    const maxConcurrent = yield* Policy.concurrency(options.maxConcurrent)
    const httpClient = yield* HttpClient.HttpClient
    return {
      host,
      origin,
      apiVersion,
      apiRoot: `${origin}/services/api/${apiVersion}`,
      token,
      httpClient,
      settings,
      gate: { until: 0 },
      permits: maxConcurrent === undefined ? undefined : Semaphore.makeUnsafe(maxConcurrent)
    }
  })

/** An environment variable, read through the current `ConfigProvider` (the process environment by default). */
const env = (name: string): Effect.Effect<string | undefined, ClientValidationError> =>
  ConfigProvider.ConfigProvider.pipe(
    Effect.flatMap((provider) => provider.load([name])),
    Effect.map((node) => (node?._tag === "Value" && node.value !== "" ? node.value : undefined)),
    Effect.mapError((error) => invalid(name, `Could not read ${name}: ${error.message}`))
  )

const noToken = (hint: string) => invalid("token", `No authentication token given${hint}`)

/**
 * Provides `Koordinates` from explicit options only — nothing is read from the environment,
 * so browser bundles stay small; {@link layerConfig} reads `KOORDINATES_TOKEN` and
 * `KOORDINATES_HOST`. Fails with `ClientValidationError` when the options are invalid or no
 * token is given. Needs an `HttpClient` (`FetchHttpClient.layer`, or
 * `NodeHttpClient.layerUndici`).
 *
 * @example
 * ```ts
 * const live = Koordinates.layer({ host: "labs.koordinates.com", token: process.env.MY_TOKEN })
 * ```
 */
export const layer = (
  options: KoordinatesOptions
): Layer.Layer<Koordinates, ClientValidationError, HttpClient.HttpClient> =>
  Layer.effect(
    Koordinates,
    Option.match(nonEmpty(options.token), {
      onNone: () => Effect.fail(noToken(": pass token, or use layerConfig() to read KOORDINATES_TOKEN")),
      onSome: (token) => make({ ...options, token })
    })
  )

/**
 * Provides `Koordinates` from the environment (through the current `ConfigProvider`):
 * `KOORDINATES_HOST`, `KOORDINATES_TOKEN` and, optionally, `KOORDINATES_API_VERSION`.
 * Options given here win over the environment; with no token anywhere the layer fails with
 * a `ClientValidationError` naming `KOORDINATES_TOKEN`.
 *
 * @example
 * ```ts
 * // KOORDINATES_HOST=labs.koordinates.com KOORDINATES_TOKEN=… node app.ts
 * const live = Koordinates.layerConfig()
 * ```
 */
export const layerConfig = (
  options: KoordinatesOptions = {}
): Layer.Layer<Koordinates, ClientValidationError, HttpClient.HttpClient> =>
  Layer.effect(
    Koordinates,
    Effect.gen(function*() {
      const host = options.host ?? (yield* env("KOORDINATES_HOST"))
      const apiVersion = options.apiVersion ?? (yield* env("KOORDINATES_API_VERSION"))
      const token = yield* Option.match(nonEmpty(options.token), {
        onSome: Effect.succeed,
        onNone: () =>
          Effect.flatMap(env("KOORDINATES_TOKEN"), (fromEnv) =>
            fromEnv === undefined
              ? Effect.fail(noToken(", and KOORDINATES_TOKEN is not set"))
              : Effect.succeed(Redacted.make(fromEnv, { label: "token" })))
      })
      return yield* make({ ...options, host, apiVersion, token })
    })
  )

/**
 * Runs `self` with other request options for its requests: only the options given change
 * (`{ retry: false }` keeps the service's timeout). The options are checked first; invalid
 * ones fail with `ClientValidationError` before any request.
 *
 * @example
 * ```ts
 * Layers.get(1474).pipe(Koordinates.withRequestOptions({ retry: false, timeout: "5 seconds" }))
 * ```
 */
export const withRequestOptions: {
  (options: RequestOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | ClientValidationError, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions): Effect.Effect<A, E | ClientValidationError, R>
} = /* @__PURE__ */ dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions) =>
  Effect.flatMap(
    Effect.zip(Policy.overrides(options), Policy.Overrides),
    ([given, current]) => Effect.provideService(self, Policy.Overrides, { ...current, ...given })
  ))
