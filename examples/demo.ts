/**
 * `npm run demo`: runs the Quick Start against the real site when `KOORDINATES_HOST` and
 * `KOORDINATES_TOKEN` are set, and against an embedded FakeKoordinates otherwise.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as FakeKoordinates from "@koordinates-effect/testing"
import * as Publishing from "./publishing.ts"
import { quickstart } from "./quickstart.ts"

const real = process.env["KOORDINATES_HOST"] !== undefined && process.env["KOORDINATES_TOKEN"] !== undefined

const live = real
  ? Koordinates.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
  : FakeKoordinates.layer({ catalogSize: 200 })

console.log(real ? `Against ${process.env["KOORDINATES_HOST"]}` : "Against an embedded FakeKoordinates (set KOORDINATES_HOST and KOORDINATES_TOKEN for a real site)")

/** The publishing examples change data: they run against the embedded fake only. */
const publishing = Effect.gen(function*() {
  yield* Effect.log("Publishing examples (embedded FakeKoordinates only):")
  const published = yield* Publishing.workflow("Wellington Cycleways", [1001])
  const roads = yield* Publishing.createLayer("Wellington Roads", [1002])
  const rail = yield* Publishing.createLayer("Wellington Rail", [1003])
  yield* Effect.all([roads, rail].map((draft) => Layers.waitForImport(draft.id, draft.version!.id, { schedule: Schedule.spaced("200 millis") })))
  yield* Publishing.publishTogether([yield* Layers.getDraft(roads.id), yield* Layers.getDraft(rail.id)])
  const reimported = yield* Publishing.reimportLayer(published.id)
  yield* Publishing.publishVersion(published.id, reimported.version!.id)
})

const program = real ? quickstart : Effect.andThen(quickstart, publishing)

Effect.runPromise(Effect.provide(program, live)).catch((error: unknown) => {
  console.error(String(error))
  process.exitCode = 1
})
