/**
 * The data-service examples against FakeKoordinates: a point query prints the nearest
 * features and raster values; a box of features goes to NDJSON; a local copy follows a
 * layer's changesets to the same features the fake serves.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sync } from "../examples/changeset-sync.ts"
import { bboxToNdjson } from "../examples/features-ndjson.ts"
import * as TestConsole from "effect/testing/TestConsole"
import { nearby, valuesAt } from "../examples/point-query.ts"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import { withFake } from "./support/fake.ts"

const extent = rectangle(174.6, -41.4, 174.9, -41.1)

describe("data-service examples", () => {
  it.live("point-query.ts prints the nearest features of a layer and the values of a raster", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const points = fake.store.addLayer({ extent, features: 2000, geometryType: "point" })
        const grid = fake.store.addLayer({ kind: "grid", extent })
        const [result] = yield* nearby([points.id], 174.75, -41.25, 2000)
        yield* valuesAt([grid.id], 174.75, -41.25)
        const lines = (yield* TestConsole.logLines).map(String)
        assert.strictEqual(lines[0], `Layer ${points.id}: ${result!.features.length} feature(s) within 2000 m of 174.75, -41.25`)
        assert.strictEqual(result!.features.length, 3)
        assert.match(lines[1] ?? "", /^ {2}.+: \d+\.\d m, Point$/)
        assert.match(lines.at(-1) ?? "", new RegExp(`^Raster ${grid.id} at 174.75, -41.25: ok, \\d`))
      }).pipe(Effect.provide(TestConsole.layer))))

  it.live("features-ndjson.ts writes the features in a box, one GeoJSON Feature a line", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 3000, geometryType: "point" })
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-ndjson-")), "box.ndjson")
        const written = yield* bboxToNdjson(layer.id, [174.7, -41.3, 174.8, -41.2], file, 100)
        const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line))
        assert.lengthOf(lines, written)
        assert.isAbove(written, 200)
        assert.strictEqual(written, [...fake.store.features(layer.id)].filter((f) => {
          const [x, y] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates
          return x >= 174.7 && x <= 174.8 && y >= -41.3 && y <= -41.2
        }).length)
        for (const feature of lines) {
          const [x, y] = feature.geometry.coordinates
          assert.isTrue(x >= 174.7 && x <= 174.8 && y >= -41.3 && y <= -41.2, `${x}, ${y} inside the box`)
        }
        const pages = fake.log.entries().filter((e) => e.query.some(([name, value]) => name === "request" && value === "GetFeature"))
        assert.isAbove(pages.length, 2, "paged")
      }).pipe(Effect.provide(TestConsole.layer))))

  it.live("changeset-sync.ts copies a layer, then follows its changesets to what the fake serves", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 400, publishedVersions: 3, primaryKey: true })
        const [first, , third] = layer.versions.map((v) => v.published_at).filter((at): at is string => at !== null).sort()
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-sync-"))
        const current = () =>
          [...fake.store.features(layer.id)].map((f) => ({ id: `layer-${layer.id}.${f.key}`, properties: f.properties }))
        const local = (file: string) =>
          fs.readFileSync(file, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line)).map((f) => ({ id: f.id, properties: f.properties }))

        // a first run copies the layer whole
        const whole = path.join(directory, "whole.ndjson")
        const copied = yield* sync(layer.id, whole)
        assert.strictEqual(copied.features, current().length)
        assert.deepStrictEqual(local(whole), current())

        // a copy current to the epoch follows the changesets: to the first revision, then to the third
        const file = path.join(directory, "layer.ndjson")
        fs.writeFileSync(file, "")
        fs.writeFileSync(`${file}.state.json`, JSON.stringify({ to: "1970-01-01T00:00:00Z" }))
        const one = yield* sync(layer.id, file, { now: first! })
        assert.deepStrictEqual([one.inserted, one.updated, one.deleted, one.features], [400, 0, 0, 400])
        const two = yield* sync(layer.id, file, { now: third! })
        assert.isAbove(two.inserted + two.updated + two.deleted, 0)
        assert.deepStrictEqual(local(file), current())
        const again = yield* sync(layer.id, file, { now: new Date(Date.parse(third!) + 60_000) })
        assert.deepStrictEqual([again.inserted, again.updated, again.deleted], [0, 0, 0])
        assert.deepStrictEqual(local(file), current())
        const lines = (yield* TestConsole.logLines).map(String)
        assert.match(lines.at(-1) ?? "", /: 0 inserted, 0 updated, 0 deleted; \d+ feature\(s\)$/)
      }).pipe(Effect.provide(TestConsole.layer))))
})
