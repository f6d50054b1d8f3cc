/**
 * The examples run against FakeKoordinates as `npm run demo` runs them: the Quick Start
 * prints what it read (and runs as the README says, `node examples/quickstart.ts` against a
 * fake server), the resilience example reads the whole catalog, each item once, through
 * injected faults, and the tracing example exports a span per call.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestConsole from "effect/testing/TestConsole"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Query from "@koordinates-effect/client/Query"
import { startServer } from "@koordinates-effect/testing/server"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import { quickstart } from "../examples/quickstart.ts"
import { catalogIds, nameNow } from "../examples/resilience.ts"
import { exporter, spanTree, traced, TracingLive } from "../examples/tracing.ts"
import { withFake } from "./support/fake.ts"

const root = path.resolve(import.meta.dirname, "..")

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

  it.live("node examples/quickstart.ts runs against a fake server, reading KOORDINATES_HOST and KOORDINATES_TOKEN", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => startServer({ catalogSize: 30, tokens: { "quickstart-token": ["catalog", "layers:read"] } })),
      (server) =>
        Effect.promise(() =>
          promisify(execFile)(process.execPath, ["examples/quickstart.ts"], {
            cwd: root,
            env: { ...process.env, KOORDINATES_HOST: server.origin, KOORDINATES_TOKEN: "quickstart-token" }
          })
        ).pipe(Effect.map(({ stdout }) => {
          assert.include(stdout, "Five layers")
          assert.match(stdout, /Newest layer: .+ version\(s\); published: /s)
        })),
      (server) => Effect.promise(() => server.close())
    ))

  it.live("the tracing example exports a span per call, with the retry as an event on the call's span", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        exporter.reset()
        fake.inject({ path: /\/layers\/$/, status: 503 })
        yield* traced.pipe(Effect.provide(TracingLive), Effect.provide(TestConsole.layer))
        const spans = exporter.getFinishedSpans()
        const byName = (name: string) => spans.filter((span) => span.name === name)
        const [root] = byName("example.traced")
        const [list] = byName("Koordinates.Layers.list")
        const [get] = byName("Koordinates.Layers.get")
        assert.isDefined(root)
        assert.strictEqual(list?.parentSpanContext?.spanId, root?.spanContext().spanId)
        assert.strictEqual(get?.parentSpanContext?.spanId, root?.spanContext().spanId)
        assert.deepStrictEqual(list?.events.map((event) => event.name).filter((name) => name.startsWith("koordinates.")), [
          "koordinates.retry"
        ])
        assert.include(spanTree(spans).join("\n"), "Koordinates.Layers.get")
      }), { catalogSize: 20, retry: { base: "1 millis" } }))
})
