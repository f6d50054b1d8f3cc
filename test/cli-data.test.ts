/**
 * The `koordinates features` and `koordinates query` commands end to end: the built bin
 * against a FakeKoordinates on 127.0.0.1 serving generated features — what they print and
 * how they exit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import type { FakeServer } from "../packages/testing/src/server/index.ts"
import { cliToken, lines, outputs, run, startCliFake } from "./support/cli.ts"

const extent = rectangle(174.6, -41.4, 174.9, -41.1)
const centre = ["--x", "174.75", "--y", "-41.25"]

let fake: FakeServer
let points: number
let noKey: number
let grid: number

beforeAll(async () => {
  fake = await startCliFake(0)
  points = fake.store.addLayer({ extent, features: 240, geometryType: "point", primaryKey: true }).id
  noKey = fake.store.addLayer({ extent, features: 10, geometryType: "point", primaryKey: false }).id
  grid = fake.store.addLayer({ kind: "grid", extent }).id
})

afterAll(async () => {
  await fake.close()
  expect(outputs.length).toBeGreaterThan(10)
  for (const output of outputs) expect(output).not.toContain(cliToken)
})

describe("koordinates features", () => {
  it("streams a layer's features as NDJSON, every page, the limit respected", async () => {
    const all = await run(fake, ["features", "list", "--layer", String(points), "--page-size", "50", "--json"])
    expect(all.code).toBe(0)
    const features = lines(all.stdout).map((line) => JSON.parse(line) as { type: string; id: string; geometry: { type: string } })
    expect(features).toHaveLength(240)
    expect(new Set(features.map((f) => f.id)).size).toBe(240)
    for (const feature of features) expect([feature.type, feature.geometry.type]).toEqual(["Feature", "Point"])

    const limited = await run(fake, ["features", "list", "--layer", String(points), "--limit", "7", "--json"])
    expect(lines(limited.stdout)).toHaveLength(7)
  })

  it("prints a table for people, and counts what a box holds", async () => {
    const table = await run(fake, ["features", "list", "--layer", String(points), "--limit", "3"])
    expect(table.code).toBe(0)
    const [header, ...rows] = lines(table.stdout)
    expect(header).toMatch(/^ID\s+GEOMETRY\s+PROPERTIES$/)
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(row).toMatch(/^layer-\d+\.\d+\s+Point\s+\{/)

    const total = await run(fake, ["features", "count", "--layer", String(points), "--json"])
    expect(JSON.parse(total.stdout)).toEqual({ count: 240 })
    const west = await run(fake, ["features", "count", "--layer", String(points), "--bbox", "174.6,-41.4,174.75,-41.1", "--json"])
    const westCount = (JSON.parse(west.stdout) as { count: number }).count
    expect(westCount).toBeGreaterThan(0)
    expect(westCount).toBeLessThan(240)
    const listed = await run(fake, ["features", "list", "--layer", String(points), "--bbox", "174.6,-41.4,174.75,-41.1", "--json"])
    const xs = lines(listed.stdout).map((line) => (JSON.parse(line) as { geometry: { coordinates: [number, number] } }).geometry.coordinates[0])
    expect(xs).toHaveLength(westCount)
    for (const x of xs) expect(x).toBeLessThanOrEqual(174.75)
  })

  it("lists the changes since before the first revision: every feature an INSERT", async () => {
    const { code, stdout } = await run(fake, ["features", "changes", "--layer", String(points), "--from", "1970-01-01", "--to", "2100-01-01", "--json"])
    expect(code).toBe(0)
    const changes = lines(stdout).map((line) => JSON.parse(line) as { change: string })
    // from before anything existed, an update collapses into its insert: one INSERT per feature there is now
    expect(changes).toHaveLength(fake.store.featureCount(points))
    for (const change of changes) expect(change.change).toBe("INSERT")
  })

  it("refuses bad input before any request, and a layer without a primary key by its error (exit 2)", async () => {
    const before = fake.log.entries().length
    for (const args of [
      ["features", "list"],
      ["features", "list", "--layer", "1", "--table", "2"],
      ["features", "list", "--layer", String(points), "--bbox", "1,2,3"],
      ["features", "changes", "--layer", String(points), "--from", "yesterday", "--to", "2100-01-01"]
    ]) {
      const { code, stdout, stderr } = await run(fake, args)
      expect(code, args.join(" ")).toBe(2)
      expect(stdout).toBe("")
      expect(lines(stderr), args.join(" ")).toHaveLength(1)
    }
    expect(fake.log.entries().length).toBe(before)

    const { code, stderr } = await run(fake, ["features", "changes", "--layer", String(noKey), "--from", "2020-01-01", "--to", "2100-01-01"])
    expect(code).toBe(2)
    expect(stderr).toMatch(/^NoPrimaryKey: /)
  })
})

describe("koordinates query", () => {
  it("finds the nearest features of a vector layer, nearest first, with distances", async () => {
    const { code, stdout } = await run(fake, ["query", "vector", "--layer", String(points), ...centre, "--radius", "20000", "--max-results", "5", "--json"])
    expect(code).toBe(0)
    const found = lines(stdout).map((line) => JSON.parse(line) as { layerId: number; feature: { distance: number } })
    expect(found).toHaveLength(5)
    for (const f of found) expect(f.layerId).toBe(points)
    const distances = found.map((f) => f.feature.distance)
    expect(distances).toEqual([...distances].sort((a, b) => a - b))

    const table = await run(fake, ["query", "vector", "--layer", String(points), ...centre, "--radius", "20000", "--max-results", "2"])
    expect(lines(table.stdout)[0]).toMatch(/^LAYER\s+ID\s+DISTANCE \(m\)\s+PROPERTIES$/)
    expect(lines(table.stdout)).toHaveLength(3)
  })

  it("reads a grid's band at a point, and refuses a point off the globe before any request", async () => {
    const { code, stdout } = await run(fake, ["query", "raster", "--layer", String(grid), ...centre, "--json"])
    expect(code).toBe(0)
    const values = lines(stdout).map((line) => JSON.parse(line) as { layerId: number; status: string; band: number })
    expect(values.map((v) => [v.layerId, v.status, v.band])).toEqual([[grid, "ok", 1]])

    const before = fake.log.entries().length
    const off = await run(fake, ["query", "vector", "--layer", String(points), "--x", "200", "--y", "0"])
    expect(off.code).toBe(2)
    expect(off.stderr).toMatch(/^ClientValidationError: /)
    expect(fake.log.entries().length).toBe(before)
  })
})
