/**
 * The data-service examples against FakeKoordinates: a point query prints the nearest
 * features and raster values; a box of features goes to NDJSON; a local copy follows a
 * layer's changesets to the same features the fake serves.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
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
})
