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
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Data from "./data.ts"
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

/** The data examples upload and export: also against the embedded fake only. */
const data = Effect.gen(function*() {
  yield* Effect.log("Data examples (embedded FakeKoordinates only):")
  const csv = new TextEncoder().encode("id,name\n1,Kelburn Park\n2,Waitangi Park\n")
  yield* Data.uploadAndScan("Wellington Parks", [{ bytes: csv, uploadPath: "parks.csv" }])
  const layers = yield* Query.collect(Query.limit(Layers.list(), 2))
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-demo-"))
  yield* Data.exportAndDownload(layers.map((layer) => layer.url), directory)
}).pipe(Effect.provide(NodeFileSystem.layer))

const program = real ? quickstart : Effect.andThen(quickstart, Effect.andThen(publishing, data))

Effect.runPromise(Effect.provide(program, live)).catch((error: unknown) => {
  console.error(String(error))
  process.exitCode = 1
})
