/**
 * `Koordinates.retrying`: which failures are retried, how long it waits, and that a POST
 * whose outcome is unknown is never sent twice.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"

/** Runs `body` against a fresh fake through a client that retries by `policy`. */
const withRetries = <A, E>(
  policy: Koordinates.RetryPolicy,
  body: (fake: FakeKoordinates.FakeServer) => Effect.Effect<A, E, Koordinates.Koordinates>
) =>
  Effect.gen(function*() {
    const fake = yield* FakeKoordinates.FakeKoordinates
    const live = Koordinates.layer({ origin: fake.origin, token: FakeKoordinates.defaultToken }).pipe(
      Koordinates.retrying(policy),
      Layer.provide(FetchHttpClient.layer)
    )
    return yield* Effect.provide(body(fake), live)
  }).pipe(Effect.provide(FakeKoordinates.layerServer({ catalogSize: 0 })))

const layerPath = /\/layers\/\d+\/$/
const quick = { base: "5 millis" } as const

describe("Koordinates.retrying", () => {
  it.live("retries 502/503/504 on a GET, then succeeds", () =>
    withRetries(quick, (fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Roads" })
        fake.inject({ path: layerPath, status: 503, times: 1 })
        fake.inject({ path: layerPath, status: 502, times: 1 })
        fake.inject({ path: layerPath, status: 504, times: 1 })
        assert.strictEqual((yield* Layers.get(record.id)).name, "Roads")
        assert.lengthOf(fake.log.entries(), 4)
      })))

  it.live("gives up after `times` retries with the last error", () =>
    withRetries({ ...quick, times: 2 }, (fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 503, times: 10 })
        const error = yield* failure(Layers.get(record.id))
        assert.strictEqual(error._tag, "ServiceUnavailable")
        assert.lengthOf(fake.log.entries(), 3)
      })))

  it.live("never retries a POST on 503, but does on 429", () =>
    withRetries(quick, (fake) =>
      Effect.gen(function*() {
        fake.inject({ method: "POST", path: "/services/api/v1.x/layers/", status: 503, times: 5 })
        const error = yield* failure(Layers.create({ name: "x", data: { datasources: [1] } }))
        assert.strictEqual(error._tag, "ServiceUnavailable")
        assert.lengthOf(fake.log.entries(), 1)
        fake.clearInjections()
        fake.log.clear()
        fake.inject({ method: "POST", path: "/services/api/v1.x/layers/", status: 429, times: 1 })
        const created = yield* Layers.create({ name: "Roads", data: { datasources: [1] } })
        assert.strictEqual(created.name, "Roads")
        assert.deepStrictEqual(fake.log.entries().map((e) => e.method), ["POST", "POST", "GET"])
      })))

  it.live("waits as long as Retry-After says", () =>
    withRetries(quick, (fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 429, headers: { "Retry-After": "1" }, times: 1 })
        const started = Date.now()
        yield* Layers.get(record.id)
        assert.isAtLeast(Date.now() - started, 1000)
        const [first, second] = fake.log.entries()
        assert.isAtLeast((second?.at ?? 0) - (first?.at ?? 0), 1000)
      })))

  it.live("caps Retry-After at maxDelay", () =>
    withRetries({ ...quick, maxDelay: "50 millis" }, (fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 429, headers: { "Retry-After": "3600" }, times: 1 })
        const started = Date.now()
        yield* Layers.get(record.id)
        assert.isBelow(Date.now() - started, 1000)
      })))

  it.live("does not retry errors that are not transient", () =>
    withRetries(quick, (fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 500, times: 3 })
        assert.strictEqual((yield* failure(Layers.get(record.id)))._tag, "InternalServerError")
        assert.lengthOf(fake.log.entries(), 1)
      })))
})
