/**
 * Tests of FakeKoordinates' generated features: deterministic by seed, lazily generated (a
 * layer of a million features costs nothing until read), inside the layer's extent, with
 * attributes matching its fields, tables without geometry, and versions that edit them.
 */
import { describe, expect, it } from "vitest"
import { startServer } from "../packages/testing/src/server/index.ts"
import { rectangle } from "../packages/testing/src/server/Generate.ts"

const wellington = rectangle(174.6, -41.4, 174.9, -41.1)

describe("generated features", () => {
  it("are the same for the same seed, and inside the layer's extent", async () => {
    const [one, two] = await Promise.all([startServer({ catalogSize: 0 }), startServer({ catalogSize: 0 })])
    try {
      const a = one.store.addLayer({ extent: wellington, features: 300 })
      const b = two.store.addLayer({ extent: wellington, features: 300 })
      const fa = [...one.store.features(a.id)]
      expect(fa).toEqual([...two.store.features(b.id)])
      expect(fa).toHaveLength(300)
      expect(fa.map((feature) => feature.key)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1))
      for (const feature of fa) {
        const flat = JSON.stringify(feature.geometry?.coordinates).match(/-?\d+(\.\d+)?/g)?.map(Number) ?? []
        expect(flat.length).toBeGreaterThan(0)
        for (let index = 0; index < flat.length; index += 2) {
          expect(flat[index]).toBeGreaterThanOrEqual(174.6)
          expect(flat[index]).toBeLessThanOrEqual(174.9)
          expect(flat[index + 1]).toBeGreaterThanOrEqual(-41.4)
          expect(flat[index + 1]).toBeLessThanOrEqual(-41.1)
        }
      }
    } finally {
      await Promise.all([one.close(), two.close()])
    }
  })

  it("have the layer's geometry type and attributes, the key in its key field", async () => {
    const server = await startServer({ catalogSize: 0 })
    try {
      for (const geometryType of ["point", "linestring", "polygon"] as const) {
        const layer = server.store.addLayer({ geometryType, features: 20, primaryKey: true })
        const key = layer.data.primary_key_fields[0] as string
        const names = layer.data.fields.filter((field) => field.type !== "geometry").map((field) => field.name)
        const expected = { point: "Point", linestring: "LineString", polygon: "Polygon" }[geometryType]
        for (const feature of server.store.features(layer.id)) {
          expect(feature.geometry?.type).toBe(expected)
          expect(Object.keys(feature.properties)).toEqual(names)
          expect(feature.properties[key]).toBe(feature.key)
        }
      }
    } finally {
      await server.close()
    }
  })

  it("gives tables rows without geometry, and rasters none", async () => {
    const server = await startServer({ catalogSize: 0 })
    try {
      const table = server.store.addLayer({ kind: "table", features: 15 })
      const rows = [...server.store.features(table.id)]
      expect(rows).toHaveLength(15)
      expect(rows.every((row) => row.geometry === null)).toBe(true)
      const raster = server.store.addLayer({ kind: "raster" })
      expect(server.store.featureCount(raster.id)).toBe(0)
      const draft = server.store.addLayer({ publishedVersions: 0, features: 10 })
      expect(server.store.featureCount(draft.id)).toBe(0)
    } finally {
      await server.close()
    }
  })

  it("are generated lazily: a million-feature layer is ready at once and read from anywhere", async () => {
    const server = await startServer({ catalogSize: 0 })
    try {
      const started = performance.now()
      const layer = server.store.addLayer({ features: 1_000_000, geometryType: "point" })
      expect(server.store.featureCount(layer.id)).toBe(1_000_000)
      expect(performance.now() - started).toBeLessThan(500)
      let seen = 0
      for (const feature of server.store.features(layer.id)) {
        seen++
        if (seen === 1000) {
          expect(feature.key).toBe(1000)
          break
        }
      }
      expect(seen).toBe(1000)
    } finally {
      await server.close()
    }
  })

  it("change between published versions: some deleted, some updated, some inserted", async () => {
    const server = await startServer({ catalogSize: 0 })
    try {
      const layer = server.store.addLayer({ features: 200, publishedVersions: 3, primaryKey: true })
      const now = new Map([...server.store.features(layer.id)].map((feature) => [feature.key, feature]))
      const keys = [...now.keys()]
      expect(Math.max(...keys)).toBeGreaterThan(200)
      expect(keys.filter((key) => key <= 200).length).toBeLessThan(200)
      const first = server.store.addLayer({ features: 200, publishedVersions: 1, primaryKey: true })
      expect(server.store.featureCount(first.id)).toBe(200)
    } finally {
      await server.close()
    }
  })
})
