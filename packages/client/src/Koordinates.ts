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
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as HttpClient from "effect/http/HttpClient"
import { ClientValidationError } from "./Errors.ts"
import * as Policy from "./internal/policy.ts"
import type { RequestOptions } from "./internal/policy.ts"

export type {
  /**
   * Retries, timeouts, budgets and the retry hook (see the fields), for a whole
   * `Koordinates` ({@link layer}) or one call ({@link withRequestOptions}).
   */
  RequestOptions,
  RetryableError,
  RetryEvent,
  RetryOptions
} from "./internal/policy.ts"

/**
 * What {@link layer} and {@link layerConfig} accept.
 *
 * @example
 * ```ts
 * const options: KoordinatesOptions = { host: "labs.koordinates.com", apiVersion: "v1.x" }
 * ```
 * @since 0.1.0
 * @category options
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
 * What a `Koordinates` is configured with, resolved: where requests go, with which token,
 * through which `HttpClient`, under which request options. The state those options run
 * with (the back-off gate, the permits) is the client's own.
 *
 * @example
 * ```ts
 * Koordinates.Koordinates.use((k) => Effect.log(k.apiRoot)) // https://labs.koordinates.com/services/api/v1.x
 * ```
 * @since 0.1.0
 * @category models
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
  /** Retries, timeouts, budget and retry hook of every request (per-call overrides aside), as given. */
  readonly requestOptions: RequestOptions
  /** At most this many requests in flight at once, when set. */
  readonly maxConcurrent: number | undefined
}

/**
 * The service key.
 *
 * @example
 * ```ts
 * const root = Effect.map(Koordinates.Koordinates, (k) => k.apiRoot)
 * ```
 * @since 0.1.0
 * @category services
 */
export class Koordinates extends Context.Service<Koordinates, KoordinatesService>()(
  "@koordinates-effect/client/Koordinates"
) {}

/**
 * The API version used when none is given.
 *
 * @example
 * ```ts
 * declare const token: string
 * Koordinates.layer({ host: "labs.koordinates.com", token, apiVersion: Koordinates.defaultApiVersion })
 * ```
 * @since 0.1.0
 * @category constants
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
 * @since 0.1.0
 * @category constructors
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
    const { retry, timeout, idleTimeout, budget, onRetry } = options
    const service: KoordinatesService = {
      host,
      origin,
      apiVersion,
      apiRoot: `${origin}/services/api/${apiVersion}`,
      token,
      httpClient,
      requestOptions: { retry, timeout, idleTimeout, budget, onRetry },
      maxConcurrent
    }
    Policy.register(service, settings, maxConcurrent)
    return service
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
 * @since 0.1.0
 * @category constructors
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
 * @since 0.1.0
 * @category constructors
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
 * @since 0.1.0
 * @category combinators
 */
export const withRequestOptions: {
  (options: RequestOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | ClientValidationError, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions): Effect.Effect<A, E | ClientValidationError, R>
} = /* @__PURE__ */ dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions) =>
  Effect.flatMap(
    Effect.zip(Policy.overrides(options), Policy.Overrides),
    ([given, current]) => Effect.provideService(self, Policy.Overrides, { ...current, ...given })
  ))
