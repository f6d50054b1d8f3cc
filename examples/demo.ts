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
import { sync } from "./changeset-sync.ts"
import { bboxToNdjson } from "./features-ndjson.ts"
import * as PointQuery from "./point-query.ts"
import { quickstart } from "./quickstart.ts"
import { resilience } from "./resilience.ts"

const real = process.env["KOORDINATES_HOST"] !== undefined && process.env["KOORDINATES_TOKEN"] !== undefined

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

/** The resilience example under injected faults: one catalog page in five fails at first. */
const faults = Effect.gen(function*() {
  yield* Effect.log("Resilience example (embedded FakeKoordinates, with faults injected):")
  const fake = yield* FakeKoordinates.FakeKoordinates
  fake.inject({ path: "/data/", status: 503, probability: 0.2, seed: 7, times: Infinity })
  fake.inject({ path: "/data/", fault: "resetDuringBody", probability: 0.1, seed: 8, times: Infinity })
  yield* resilience
  fake.clearInjections()
})

/** The data-service examples: layers with features are made in the embedded fake first. */
const dataServices = Effect.gen(function*() {
  yield* Effect.log("Data-service examples (embedded FakeKoordinates only):")
  const fake = yield* FakeKoordinates.FakeKoordinates
  const extent = { type: "Polygon", coordinates: [[[174.6, -41.4], [174.9, -41.4], [174.9, -41.1], [174.6, -41.1], [174.6, -41.4]]] } as const
  const points = fake.store.addLayer({ name: "Wellington Points", extent, features: 2000, geometryType: "point" })
  const grid = fake.store.addLayer({ name: "Wellington Elevation", kind: "grid", extent })
  yield* PointQuery.nearby([points.id], 174.7762, -41.2865, 1000)
  yield* PointQuery.valuesAt([grid.id], 174.7762, -41.2865)
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-demo-data-"))
  yield* bboxToNdjson(points.id, [174.75, -41.3, 174.8, -41.27], path.join(directory, "points.ndjson"))
  // a copy of a layer current to its first revision, then synced to its newest from changesets
  const roads = fake.store.addLayer({ name: "Wellington Roads", extent, features: 500, publishedVersions: 3, primaryKey: true })
  const [first, , newest] = roads.versions.map((v) => v.published_at).filter((at): at is string => at !== null).sort()
  const copy = path.join(directory, "roads.ndjson")
  fs.writeFileSync(copy, "")
  fs.writeFileSync(`${copy}.state.json`, JSON.stringify({ to: "1970-01-01T00:00:00Z" }))
  yield* sync(roads.id, copy, { now: first! })
  yield* sync(roads.id, copy, { now: newest! })
})

const program = real
  ? Effect.provide(quickstart, Koordinates.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
  : Effect.provide(
    Effect.andThen(quickstart, Effect.andThen(publishing, Effect.andThen(data, Effect.andThen(faults, dataServices)))),
    FakeKoordinates.layer({ catalogSize: 200 })
  )

Effect.runPromise(program).catch((error: unknown) => {
  console.error(String(error))
  process.exitCode = 1
})
