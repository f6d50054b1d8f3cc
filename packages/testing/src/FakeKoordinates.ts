/**
 * FakeKoordinates as Effect layers: start the in-memory Koordinates server on loopback for
 * the life of a scope, and provide `Koordinates` pointed at it — so a workflow written
 * against the real site runs unchanged against the fake.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as FakeKoordinates from "@koordinates-effect/testing"
 * import * as Layers from "@koordinates-effect/client/Layers"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* FakeKoordinates.FakeKoordinates
 *   const record = fake.store.addLayer({ name: "Roads" })
 *   return yield* Layers.get(record.id)
 * })
 * Effect.runPromise(program.pipe(Effect.provide(FakeKoordinates.layer())))
 * ```
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import type { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import { type FakeServer, type FakeServerOptions, startServer } from "./server/index.ts"

/**
 * The running fake: its origin, store, clock, request log and fault injection.
 *
 * @example
 * ```ts
 * const fake = yield* FakeKoordinates.FakeKoordinates
 * fake.log.entries().map((entry) => entry.path)
 * fake.clock.advance("2 minutes") // with `clock: "manual"`: imports, scans, exports due by then end
 * ```
 */
export class FakeKoordinates extends Context.Service<FakeKoordinates, FakeServer>()(
  "@koordinates-effect/testing/FakeKoordinates"
) {}

/**
 * Options of {@link layer}: the server's, plus the client's — which of the fake's tokens
 * it uses, the API version it asks for, and how it sends requests (`retry`, `timeout`,
 * `budget`, `maxConcurrent`: as in `Koordinates.layer`, with the same defaults).
 *
 * @example
 * ```ts
 * FakeKoordinates.layer({ catalogSize: 500, token: "read-only", tokens: { "read-only": ["catalog"] }, retry: false })
 * FakeKoordinates.layer({ clock: "manual", importTime: "1 minute" })
 * ```
 */
export interface FakeKoordinatesOptions extends FakeServerOptions, Koordinates.RequestOptions {
  /** At most this many requests in flight at once from the client; default no limit. */
  readonly maxConcurrent?: number | undefined
  /** Token the client sends; default: the first of `tokens` (`test-token` by default). */
  readonly token?: string
  /** API version the client asks for; default the client's own default. */
  readonly apiVersion?: string
  /**
   * The `HttpClient` the client uses; default `FetchHttpClient.layer`. On Node, large uploads
   * want `NodeHttpClient.layerUndici`: Node's `fetch` holds a streamed request body in memory.
   */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/**
 * Token the fake accepts (with every scope) when no `tokens` are configured.
 *
 * @example
 * ```ts
 * const fake = yield* FakeKoordinates.FakeKoordinates
 * yield* Effect.promise(() => fetch(`${fake.origin}/services/api/v1.x/data/`, { headers: { authorization: `key ${FakeKoordinates.defaultToken}` } }))
 * ```
 */
export const defaultToken = "test-token"

/**
 * Starts the server for the life of the layer's scope and provides its handle only.
 *
 * @example
 * ```ts
 * const origin = Effect.map(FakeKoordinates.FakeKoordinates, (fake) => fake.origin)
 * Effect.provide(origin, FakeKoordinates.layerServer({ port: 8080 }))
 * ```
 */
export const layerServer = (options: FakeServerOptions = {}): Layer.Layer<FakeKoordinates> =>
  Layer.effect(
    FakeKoordinates,
    Effect.acquireRelease(Effect.promise(() => startServer(options)), (server) => Effect.promise(() => server.close()))
  )

/**
 * Starts the server and provides both its handle and `Koordinates` pointed at it (over
 * `fetch`).
 *
 * @example
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as Query from "@koordinates-effect/client/Query"
 * import * as FakeKoordinates from "@koordinates-effect/testing"
 *
 * it.layer(FakeKoordinates.layer({ catalogSize: 100 }))("catalog", (it) => {
 *   it.effect("lists layers", () =>
 *     Effect.gen(function*() {
 *       const layers = yield* Query.collect(Query.limit(Layers.list(), 5))
 *       assert.strictEqual(layers.length, 5)
 *     }))
 * })
 * ```
 */
export const layer = (
  options: FakeKoordinatesOptions = {}
): Layer.Layer<FakeKoordinates | Koordinates.Koordinates, ClientValidationError> =>
  Layer.effect(
    Koordinates.Koordinates,
    Effect.flatMap(FakeKoordinates, (server) =>
      Koordinates.make({
        origin: server.origin,
        apiVersion: options.apiVersion,
        retry: options.retry,
        timeout: options.timeout,
        budget: options.budget,
        maxConcurrent: options.maxConcurrent,
        token: Redacted.make(options.token ?? Object.keys(options.tokens ?? {})[0] ?? defaultToken)
      }))
  ).pipe(Layer.provide(options.httpClient ?? FetchHttpClient.layer), Layer.provideMerge(layerServer(options)))
