/**
 * The request policy: default retries (which failures, how long, never an unknown POST),
 * `Retry-After` on the test clock, the back-off gate shared by concurrent requests, the
 * concurrency limit, per-attempt timeouts, budgets, per-call options, and the span event and
 * `onRetry` call of each retry.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"
import * as TestClock from "effect/testing/TestClock"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Sources from "@koordinates-effect/client/Sources"
import type * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const layerPath = /\/layers\/\d+\/$/
const quick = { base: "5 millis" } as const

/** Real time passing, whatever clock the test runs on. */
const realSleep = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

/** Waits (in real time) until the fake has received `count` requests. */
const received = (fake: FakeKoordinates.FakeServer, count: number): Effect.Effect<void> =>
  Effect.suspend(() =>
    fake.log.entries().length >= count ? Effect.void : Effect.andThen(realSleep(5), received(fake, count))
  )

describe("default retries", () => {
  it.live("retry 502/503/504 on a GET, then succeed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Roads" })
        for (const status of [503, 502, 504]) fake.inject({ path: layerPath, status })
        assert.strictEqual((yield* Layers.get(record.id)).name, "Roads")
        assert.lengthOf(fake.log.entries(), 4)
      }), { retry: undefined }))

  it.live("give up after `times` retries with the last error", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 503, times: 10 })
        const error = yield* failure(Layers.get(record.id))
        assert.strictEqual(error._tag, "ServiceUnavailable")
        assert.lengthOf(fake.log.entries(), 3)
      }), { retry: { ...quick, times: 2 } }))

  it.live("never resend a POST answered 503, but resend one answered 429", () =>
    withFake((fake) =>
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
      }), { retry: quick }))

  it.live("never resend a streamed upload, even on 429", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({ method: "POST", path: "/services/api/v1.x/sources/", status: 429, times: 1 })
        const error = yield* failure(Sources.createUpload({ title: "Roads", files: [{ bytes: new TextEncoder().encode("a,b\n1,2\n"), uploadPath: "roads.csv" }] }))
        assert.strictEqual(error._tag, "RateLimitExceeded")
        assert.lengthOf(fake.log.entries(), 1)
      }), { retry: quick }))

  it.live("do not retry errors that are not transient", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        for (const status of [400, 404, 409, 500]) {
          fake.log.clear()
          fake.inject({ path: layerPath, status })
          yield* failure(Layers.get(1))
          assert.lengthOf(fake.log.entries(), 1, `HTTP ${status}`)
        }
      }), { retry: quick }))

  it.live("retry a reply whose body is garbled, on a GET", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, fault: "malformed" })
        assert.strictEqual((yield* Layers.get(record.id)).id, record.id)
        assert.lengthOf(fake.log.entries(), 2)
      }), { retry: quick }))

  it.live("follow any Schedule given, fed each failure", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 503, times: 10 })
        const seen: Array<string> = []
        const schedule = Schedule.spaced("1 millis").pipe(
          Schedule.setInputType<Koordinates.RetryableError>(),
          Schedule.upTo({ times: 4 }),
          Schedule.tap(({ input }) => Effect.sync(() => seen.push(input._tag)))
        )
        const error = yield* failure(Layers.get(record.id).pipe(Koordinates.withRequestOptions({ retry: { schedule } })))
        assert.strictEqual(error._tag, "ServiceUnavailable")
        assert.lengthOf(fake.log.entries(), 5)
        assert.deepStrictEqual(seen, Array(4).fill("ServiceUnavailable"))
      })))
})

describe("Retry-After", () => {
  it.effect("a 429 with Retry-After: 2 is retried after 2 s of the (test) clock, not before", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 429, headers: { "Retry-After": "2" } })
        const fiber = yield* Effect.forkChild(Layers.get(record.id))
        yield* received(fake, 1)
        yield* realSleep(100)
        yield* TestClock.adjust("1999 millis")
        yield* realSleep(100)
        assert.lengthOf(fake.log.entries(), 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual((yield* Fiber.join(fiber)).id, record.id)
        assert.lengthOf(fake.log.entries(), 2)
      }), { retry: quick }))

  it.live("a Retry-After longer than maxDelay is cut to it", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 429, headers: { "Retry-After": "3600" } })
        const started = Date.now()
        yield* Layers.get(record.id)
        assert.isBelow(Date.now() - started, 2000)
      }), { retry: { ...quick, maxDelay: "50 millis" } }))

  it.live("one 429 holds back every request of the same Koordinates until Retry-After has passed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads" })
        const rivers = fake.store.addLayer({ name: "Rivers" })
        fake.inject({ path: `/services/api/v1.x/layers/${roads.id}/`, status: 429, headers: { "Retry-After": "1" } })
        const first = yield* Effect.forkChild(Layers.get(roads.id))
        yield* received(fake, 1)
        yield* realSleep(50)
        const second = yield* Layers.get(rivers.id)
        yield* Fiber.join(first)
        const [told, ...rest] = fake.log.entries()
        assert.strictEqual(second.name, "Rivers")
        assert.lengthOf(rest, 2)
        for (const entry of rest) assert.isAtLeast(entry.at - told!.at, 950, entry.path)
      }), { retry: quick }))
})

describe("concurrency limit", () => {
  const held = 300

  /** Arrival offsets (ms) of six concurrent gets, each answered after `held` ms. */
  const arrivals = (maxConcurrent: number | undefined) =>
    withFake((fake) =>
      Effect.gen(function*() {
        const ids = Array.from({ length: 6 }, () => fake.store.addLayer().id)
        fake.inject({ path: layerPath, status: 200, body: {}, delayMs: held, times: Infinity })
        yield* Effect.forEach(ids, (id) => Effect.exit(Layers.get(id)), { concurrency: "unbounded" })
        const at = fake.log.entries().map((e) => e.at)
        return at.map((t) => t - at[0]!)
      }), { maxConcurrent })

  it.live("maxConcurrent: 2 lets two requests out at a time; without it all go at once", () =>
    Effect.gen(function*() {
      const limited = yield* arrivals(2)
      assert.lengthOf(limited, 6)
      assert.isBelow(limited[1]!, held, "the second goes before the first is answered")
      assert.isAtLeast(limited[2]!, held - 10, "the third waits for an answer")
      assert.isAtLeast(limited[4]!, 2 * held - 10, "the fifth waits for two")
      const free = yield* arrivals(undefined)
      assert.isBelow(free[5]!, held, "all six go before any is answered")
    }))

  it.live("waiting for a turn does not count toward the timeout", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const ids = Array.from({ length: 3 }, () => fake.store.addLayer().id)
        fake.inject({ path: layerPath, status: 200, body: {}, delayMs: 150, times: Infinity })
        // The canned `{}` does not decode: each call ends in ResponseDecodeError, none in TimeoutError.
        const tags = yield* Effect.forEach(ids, (id) => Effect.map(failure(Layers.get(id)), (e) => e._tag), { concurrency: "unbounded" })
        assert.deepStrictEqual(tags, ["ResponseDecodeError", "ResponseDecodeError", "ResponseDecodeError"])
        assert.lengthOf(fake.log.entries(), 3)
      }), { maxConcurrent: 1, timeout: "250 millis", retry: false }))
})

describe("timeouts", () => {
  it.live("an attempt with no reply within the timeout is a TimeoutError naming the request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 200, body: {}, delayMs: 2000 })
        const started = Date.now()
        const error = yield* failure(Layers.get(record.id))
        assert.isBelow(Date.now() - started, 1000)
        assert.strictEqual(error._tag, "TimeoutError")
        if (error._tag !== "TimeoutError") return
        assert.strictEqual(error.operation, `GET ${fake.origin}/services/api/v1.x/layers/${record.id}/`)
        assert.include(error.message, "No complete reply within")
      }), { timeout: "100 millis" }))

  it.live("a timed-out GET is retried", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Roads" })
        fake.inject({ path: layerPath, status: 200, body: {}, delayMs: 2000 })
        assert.strictEqual((yield* Layers.get(record.id)).name, "Roads")
        assert.lengthOf(fake.log.entries(), 2)
      }), { timeout: "100 millis", retry: quick }))

  it.live("the budget bounds a request, retries and waits included", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 503, times: Infinity })
        const started = Date.now()
        const error = yield* failure(Layers.get(record.id))
        assert.isBelow(Date.now() - started, 1500)
        assert.strictEqual(error._tag, "TimeoutError")
        if (error._tag !== "TimeoutError") return
        assert.include(error.operation, `/layers/${record.id}/`)
        assert.include(error.message, "Out of time after")
        assert.isAtLeast(fake.log.entries().length, 2)
      }), { retry: { base: "100 millis", times: 20 }, budget: "300 millis" }))
})

describe("per-call options", () => {
  it.live("withRequestOptions changes only what it names, for that call only", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 503 })
        const error = yield* failure(Layers.get(record.id).pipe(Koordinates.withRequestOptions({ retry: false })))
        assert.strictEqual(error._tag, "ServiceUnavailable")
        assert.lengthOf(fake.log.entries(), 1)
        fake.inject({ path: layerPath, status: 503 })
        yield* Layers.get(record.id)
        assert.lengthOf(fake.log.entries(), 3)
      }), { retry: quick }))
})

describe("each retry is visible", () => {
  it.live("as an event on the call's span and a call of onRetry; nothing is logged unless onRetry logs", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const retries: Array<Koordinates.RetryEvent> = []
      const spans: Array<Tracer.NativeSpan> = []
      const logger = Logger.make(({ logLevel, message }) => {
        lines.push(`${logLevel} ${[message].flat().join(" ")}`)
      })
      const tracer = Tracer.make({
        span: (options) => {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const onRetry = (retry: Koordinates.RetryEvent) =>
        Effect.sync(() => {
          retries.push(retry)
        })
      yield* withFake((fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          fake.inject({ path: layerPath, status: 503 })
          yield* Layers.get(record.id)
          fake.inject({ path: layerPath, status: 503 })
          yield* Layers.get(record.id).pipe(Koordinates.withRequestOptions({ onRetry }))
        }), { retry: quick }).pipe(
          Effect.provide(Layer.mergeAll(Logger.layer([logger]), Layer.succeed(Tracer.Tracer, tracer))),
          Effect.provideService(References.MinimumLogLevel, "Debug")
        )
      assert.deepStrictEqual(lines, [], "the client logs nothing of its own")
      assert.lengthOf(retries, 1, "onRetry is called for the call it is given to")
      assert.include(retries[0]!, { attempt: 1, reason: "HTTP 503", method: "GET" })
      assert.match(retries[0]!.url, /^http:\/\/127\.0\.0\.1:\d+\/services\/api\/v1\.x\/layers\/\d+\/$/)
      assert.strictEqual(retries[0]!.error._tag, "ServiceUnavailable")
      assert.isAtLeast(retries[0]!.delayMillis, 0)
      const calls = spans.filter((s) => s.name === "Koordinates.Layers.get")
      assert.lengthOf(calls, 2)
      for (const span of calls) {
        assert.lengthOf(span.events, 1)
        assert.strictEqual(span.events[0]![0], "koordinates.retry")
        assert.include(span.events[0]![2], { "koordinates.retry.attempt": 1, "koordinates.retry.reason": "HTTP 503", "http.request.method": "GET" })
      }
    }))
})
