/**
 * Fault injection: each kind of fault is a typed error without retries, and mended by the
 * default retries; a 10,000-item catalog stream under each fault kind alone and under a
 * seeded random mix delivers every item exactly once, in order, or fails with one typed
 * error. `FAULT_SEEDS` sets how many seeds each scenario runs (default 4 here;
 * `FAULT_SEEDS=100 npx vitest run test/faults.test.ts -t matrix` for the full sweep).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const layerPath = /\/layers\/\d+\/$/

describe("each fault", () => {
  const kinds: ReadonlyArray<readonly [FakeKoordinates.Fault, ReadonlyArray<string>]> = [
    ["reset", ["TransportError"]],
    ["resetDuringBody", ["TransportError", "ResponseDecodeError"]],
    ["truncate", ["ResponseDecodeError"]],
    ["malformed", ["ResponseDecodeError"]]
  ]
  for (const [fault, tags] of kinds) {
    it.live(`${fault} → ${tags.join(" or ")} without retries; mended by the default retries`, () =>
      Effect.gen(function*() {
        yield* withFake((fake) =>
          Effect.gen(function*() {
            const record = fake.store.addLayer()
            fake.inject({ path: layerPath, fault })
            const error = yield* failure(Layers.get(record.id))
            assert.include(tags, error._tag)
            assert.strictEqual((yield* Layers.get(record.id)).id, record.id)
          })
        )
        yield* withFake((fake) =>
          Effect.gen(function*() {
            const record = fake.store.addLayer()
            fake.inject({ path: layerPath, fault })
            assert.strictEqual((yield* Layers.get(record.id)).id, record.id)
            assert.lengthOf(fake.log.entries(), 2)
          }), { retry: {} })
      }))
  }
})

const rule = (seed: number, probability: number, spoil: Partial<FakeKoordinates.InjectRule>): FakeKoordinates.InjectRule => ({
  path: "/data/",
  probability,
  seed,
  times: Infinity,
  ...spoil
})

/** A fault scenario: its rules, the retries the client gets, and whether runs should survive it. */
interface Scenario {
  readonly name: string
  readonly rules: (seed: number) => ReadonlyArray<FakeKoordinates.InjectRule>
  readonly times: number
  /** Runs are expected to end in a typed error (the retries cannot outlast the faults). */
  readonly exhausting?: true
}

const scenarios: ReadonlyArray<Scenario> = [
  { name: "503", rules: (seed) => [rule(seed, 0.15, { status: 503 })], times: 6 },
  { name: "429 with Retry-After: 0", rules: (seed) => [rule(seed, 0.15, { status: 429, headers: { "Retry-After": "0" } })], times: 6 },
  { name: "reset", rules: (seed) => [rule(seed, 0.15, { fault: "reset" })], times: 6 },
  { name: "reset during the body", rules: (seed) => [rule(seed, 0.15, { fault: "resetDuringBody" })], times: 6 },
  { name: "truncated body", rules: (seed) => [rule(seed, 0.15, { fault: "truncate" })], times: 6 },
  { name: "malformed JSON", rules: (seed) => [rule(seed, 0.15, { fault: "malformed" })], times: 6 },
  {
    name: "a random mix",
    rules: (seed) => [
      rule(seed, 0.06, { status: 503 }),
      rule(seed + 1, 0.03, { status: 429, headers: { "Retry-After": "0" } }),
      rule(seed + 2, 0.03, { fault: "reset" }),
      rule(seed + 3, 0.02, { fault: "resetDuringBody" }),
      rule(seed + 4, 0.02, { fault: "truncate" }),
      rule(seed + 5, 0.02, { fault: "malformed" })
    ],
    times: 6
  },
  { name: "half of all pages 503, 2 retries", rules: (seed) => [rule(seed, 0.5, { status: 503 })], times: 2, exhausting: true }
]

/**
 * Streams the whole catalog through a client retrying `times` times under `rules`, keeping
 * the ids delivered before any failure.
 */
const faultRun = (fake: FakeKoordinates.FakeServer, rules: ReadonlyArray<FakeKoordinates.InjectRule>, times: number) =>
  Effect.gen(function*() {
    fake.clearInjections()
    for (const each of rules) fake.inject(each)
    fake.log.clear()
    const live = Koordinates.layer({
      origin: fake.origin,
      token: FakeKoordinates.defaultToken,
      retry: { times, base: "1 millis", maxDelay: "5 millis" }
    }).pipe(Layer.provide(FetchHttpClient.layer))
    const delivered: Array<number> = []
    const exit = yield* Effect.exit(
      Stream.runForEach(Query.stream(Query.pageSize(Catalog.list(), 100)), (entry) => Effect.sync(() => delivered.push(entry.id))).pipe(
        Effect.provide(live)
      )
    )
    fake.clearInjections()
    return { exit, delivered, requests: fake.log.entries().length }
  })

describe("fault matrix", () => {
  const seeds = Number(process.env["FAULT_SEEDS"] ?? 4)

  it.live(`a 10,000-item catalog under each fault kind and a random mix, ${seeds} seeds each: every item once, in order, or one typed error`, () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const expected = (yield* Query.collect(Query.pageSize(Catalog.list(), 1000))).map((entry) => entry.id)
          assert.isAbove(expected.length, 8_000)
          const totals = { runs: 0, requests: 0, faults: 0, delivered: 0, failed: 0 }
          for (const [index, scenario] of scenarios.entries()) {
            const { name } = scenario
            const counts = { requests: 0, faults: 0, delivered: 0, failed: 0 }
            for (let seed = 1; seed <= seeds; seed++) {
              const run = yield* faultRun(fake, scenario.rules(1_000 * index + seed), scenario.times)
              // Exactly once, in order: what arrived is the catalog, or the start of it.
              assert.deepStrictEqual(run.delivered, expected.slice(0, run.delivered.length), `${name}, seed ${seed}`)
              if (run.exit._tag === "Success") {
                assert.lengthOf(run.delivered, expected.length, `${name}, seed ${seed}`)
              } else {
                // One typed error, after the retries.
                const failures = run.exit.cause.reasons.filter(Cause.isFailReason)
                assert.lengthOf(run.exit.cause.reasons, 1, `${name}, seed ${seed}`)
                assert.lengthOf(failures, 1, `${name}, seed ${seed}`)
                assert.include(["ServiceUnavailable", "RateLimitExceeded", "TransportError", "ResponseDecodeError"], failures[0]!.error._tag)
                counts.failed += 1
              }
              counts.requests += run.requests
              counts.faults += run.requests - Math.ceil(run.delivered.length / 100)
              counts.delivered += run.delivered.length
            }
            console.log(
              `fault matrix, ${name}: ${seeds} runs, ${counts.requests} requests (${counts.faults} fault-caused), ` +
                `${counts.delivered} items delivered, 0 duplicates, 0 losses, ${counts.failed} runs ended in a typed error`
            )
            assert.isAbove(counts.faults, 0, name)
            if (scenario.exhausting) assert.isAbove(counts.failed, 0, name)
            else assert.isAtMost(counts.failed, seeds >> 2, name)
            totals.runs += seeds
            totals.requests += counts.requests
            totals.faults += counts.faults
            totals.delivered += counts.delivered
            totals.failed += counts.failed
          }
          console.log(
            `fault matrix, all: ${totals.runs} runs, ${totals.requests} requests (${totals.faults} fault-caused), ` +
              `${totals.delivered} items delivered, 0 duplicates, 0 losses, ${totals.failed} runs ended in a typed error`
          )
        }),
      { catalogSize: 10_000 }
    ), 60_000 + seeds * 20_000)
})
