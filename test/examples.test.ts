/**
 * The examples run against FakeKoordinates as `npm run demo` runs them: the Quick Start
 * prints what it read, and the resilience example reads the whole catalog, each item once,
 * through injected faults.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestConsole from "effect/testing/TestConsole"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Query from "@koordinates-effect/client/Query"
import { quickstart } from "../examples/quickstart.ts"
import { catalogIds, nameNow } from "../examples/resilience.ts"
import { withFake } from "./support/fake.ts"

describe("examples", () => {
  it.live("the Quick Start streams, filters, counts and fetches", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        yield* quickstart
        const lines = (yield* TestConsole.logLines).map(String)
        assert.include(lines[0], "Five layers")
        assert.isTrue(lines.some((line) => line.startsWith("Creative Commons layers: ")))
        assert.isTrue(lines.some((line) => line.startsWith("Newest layer: ")))
        const catalog = lines.findIndex((line) => line.startsWith("The catalog in full"))
        assert.isAbove(catalog, 0)
        assert.match(lines[catalog + 1] ?? "", /^ {2}(Layer|Table|Set|Document) \d+ {2}\S/)
        assert.isTrue(fake.log.entries().some((entry) => entry.path.endsWith("/data/") && entry.headers["expand"] === "list"))
        assert.isAtLeast(fake.log.count((entry) => entry.method === "HEAD"), 1)
      }).pipe(Effect.provide(TestConsole.layer)), { catalogSize: 200 }))

  it.live("the resilience example reads every catalog item once through faults, with the default retries", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const expected = (yield* Query.collect(Catalog.list())).map((entry) => entry.id)
        fake.inject({ path: "/data/", status: 503, probability: 0.3, seed: 3, times: Infinity })
        fake.inject({ path: "/data/", fault: "resetDuringBody", probability: 0.2, seed: 4, times: Infinity })
        fake.log.clear()
        assert.deepStrictEqual(yield* catalogIds, expected)
        assert.isAbove(fake.log.count(), Math.ceil(expected.length / 100))
        fake.clearInjections()
        const layer = fake.store.addLayer({ name: "Roads" })
        fake.inject({ path: `/services/api/v1.x/layers/${layer.id}/`, status: 503 })
        assert.strictEqual(yield* nameNow(layer.id), "(unavailable: ServiceUnavailable)")
        assert.strictEqual(yield* nameNow(layer.id), "Roads")
      }), { catalogSize: 300, retry: { base: "1 millis" } }))
})
