/**
 * Fault injection: each kind of fault is a typed error; with `Koordinates.retrying` a
 * 10,000-item catalog stream under a seeded random mix of faults delivers every item exactly
 * once, in order, or fails with one typed error. `FAULT_SEEDS` sets how many seeds run
 * (default 4 here; `FAULT_SEEDS=100 npx vitest run test/faults.test.ts` for the full sweep).
 */
import { assert, describe, it } from "@effect/vitest"
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

describe("each fault is a typed error", () => {
  const kinds: ReadonlyArray<readonly [FakeKoordinates.Fault, ReadonlyArray<string>]> = [
    ["reset", ["TransportError"]],
    ["resetDuringBody", ["TransportError", "ResponseDecodeError"]],
    ["truncate", ["ResponseDecodeError"]],
    ["malformed", ["ResponseDecodeError"]]
  ]
  for (const [fault, tags] of kinds) {
    it.live(`${fault} → ${tags.join(" or ")}`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          fake.inject({ path: layerPath, fault })
          const error = yield* failure(Layers.get(record.id))
          assert.include(tags, error._tag)
          assert.strictEqual((yield* Layers.get(record.id)).id, record.id)
        })
      ))
  }
})

/** Streams the whole catalog through a retrying client under `seed`'s faults. */
const faultRun = (fake: FakeKoordinates.FakeServer, seed: number) =>
  Effect.gen(function*() {
    fake.clearInjections()
    const kinds: ReadonlyArray<FakeKoordinates.InjectRule> = [
      { path: "/data/", status: 503, probability: 0.06, seed, times: Infinity },
      { path: "/data/", status: 429, headers: { "Retry-After": "0" }, probability: 0.03, seed: seed + 1, times: Infinity },
      { path: "/data/", fault: "reset", probability: 0.03, seed: seed + 2, times: Infinity },
      { path: "/data/", fault: "resetDuringBody", probability: 0.02, seed: seed + 3, times: Infinity },
      { path: "/data/", fault: "truncate", probability: 0.02, seed: seed + 4, times: Infinity },
      { path: "/data/", fault: "malformed", probability: 0.02, seed: seed + 5, times: Infinity }
    ]
    for (const rule of kinds) fake.inject(rule)
    fake.log.clear()
    const live = Koordinates.layer({ origin: fake.origin, token: FakeKoordinates.defaultToken }).pipe(
      Koordinates.retrying({ times: 6, base: "1 millis", maxDelay: "5 millis" }),
      Layer.provide(FetchHttpClient.layer)
    )
    const exit = yield* Effect.exit(
      Stream.runCollect(Query.stream(Query.pageSize(Catalog.list(), 100))).pipe(
        Effect.map((entries) => entries.map((entry) => entry.id)),
        Effect.provide(live)
      )
    )
    fake.clearInjections()
    return { exit, requests: fake.log.entries().length }
  })

describe("fault matrix", () => {
  const seeds = Number(process.env["FAULT_SEEDS"] ?? 4)

  it.live(`a 10,000-item catalog under random faults, ${seeds} seeds: every item once, in order, or one typed error`, () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const expected = (yield* Query.collect(Query.pageSize(Catalog.list(), 1000))).map((entry) => entry.id)
          assert.isAbove(expected.length, 8_000)
          const pages = Math.ceil(expected.length / 100)
          let delivered = 0
          let failed = 0
          let requests = 0
          for (let seed = 1; seed <= seeds; seed++) {
            const run = yield* faultRun(fake, seed)
            requests += run.requests
            if (run.exit._tag === "Success") {
              assert.deepStrictEqual(run.exit.value, expected, `seed ${seed}`)
              delivered += run.exit.value.length
            } else {
              failed += 1
            }
          }
          const faults = requests - seeds * pages
          console.log(
            `fault matrix: ${seeds} runs, ${requests} requests (${faults} more than the ${pages} pages a run needs), ` +
              `${delivered} items delivered, 0 duplicates, 0 losses, ${failed} runs ended in a typed error`
          )
          assert.isAbove(faults, 0)
          assert.isAtMost(failed, seeds >> 2)
        }),
      { catalogSize: 10_000 }
    ), 120_000)
})
