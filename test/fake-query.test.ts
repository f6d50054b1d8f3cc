/**
 * Tests of FakeKoordinates' Query API over real HTTP: vector point queries (honest haversine
 * distances, radius, max_results, nearest first, repeated `layer`, field names, geometry),
 * raster and set queries, the vendor Accept type, JSONP, and the documented errors.
 */
import { get } from "node:http"
import { gunzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import type { LayerRecord } from "../packages/testing/src/server/index.ts"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import { getData, greatCircle } from "./support/data.ts"
import { useServer } from "./support/raw.ts"

const VECTOR = "/services/query/v1/vector.json"

describe("vector query", () => {
  const server = useServer({
    catalogSize: 0,
    tokens: { "test-token": ["query", "wxs:wfs", "tiles"], "no-query": ["catalog"] }
  })
  let points: LayerRecord
  let polygons: LayerRecord
  const centre = [174.75, -41.25] as const
  const setUp = () => {
    points ??= server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1), features: 2000, geometryType: "point" })
    polygons ??= server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1), features: 500, geometryType: "polygon" })
  }

  const query = (params: ReadonlyArray<readonly [string, string]>, options = {}) => getData(server, VECTOR, params, options)

  it("finds every point within the radius, nearest first, with honest distances", async () => {
    setUp()
    const radius = 1500
    const { status, type, json } = await query([
      ["layer", String(points.id)], ["x", String(centre[0])], ["y", String(centre[1])],
      ["radius", String(radius)], ["max_results", "100"], ["with_field_names", "true"], ["geometry", "true"]
    ])
    expect(status).toBe(200)
    expect(type).toContain("application/vnd.koordinates.vectorQuery+json")
    const features = json.vectorQuery.layers[String(points.id)].features as Array<any>
    const expected = [...server.store.features(points.id)]
      .map((feature) => {
        const [lon, lat] = feature.geometry?.coordinates as [number, number]
        return { key: feature.key, distance: greatCircle(centre[0], centre[1], lon, lat) }
      })
      .filter((hit) => hit.distance <= radius)
      .sort((a, b) => a.distance - b.distance)
    expect(expected.length).toBeGreaterThan(3)
    expect(expected.length).toBeLessThan(100)
    expect(features.map((feature) => feature.id)).toEqual(expected.map((hit) => hit.key))
    features.forEach((feature, index) => {
      const [lon, lat] = feature.geometry.coordinates
      expect(feature.type).toBe("Feature")
      expect(feature.distance).toBeCloseTo(greatCircle(centre[0], centre[1], lon, lat), 1)
      expect(feature.distance).toBeCloseTo(expected[index]?.distance ?? -1, 1)
      if (index > 0) expect(feature.distance).toBeGreaterThanOrEqual(features[index - 1].distance)
      expect(Object.keys(feature.properties)).toEqual(
        points.data.fields.filter((field) => field.type !== "geometry").map((field) => field.name)
      )
    })

    const limited = await query([
      ["layer", String(points.id)], ["x", String(centre[0])], ["y", String(centre[1])], ["radius", String(radius)],
      ["max_results", "2"]
    ])
    expect(limited.json.vectorQuery.layers[String(points.id)].features.map((feature: any) => feature.id))
      .toEqual(expected.slice(0, 2).map((hit) => hit.key))
  })

  it("queries repeated layers, keyed by id; 0 m inside a polygon", async () => {
    setUp()
    const [inside] = server.store.features(polygons.id)
    const ring = (inside?.geometry?.coordinates as Array<Array<[number, number]>>)[0] as Array<[number, number]>
    const x = (ring[0]![0] + ring[2]![0]) / 2
    const y = (ring[0]![1] + ring[2]![1]) / 2
    const { json } = await query([
      ["layer", String(points.id)], ["layer", String(polygons.id)], ["x", String(x)], ["y", String(y)],
      ["radius", "200"], ["max_results", "5"]
    ])
    expect(Object.keys(json.vectorQuery.layers).sort()).toEqual([String(points.id), String(polygons.id)].sort())
    const hit = json.vectorQuery.layers[String(polygons.id)].features[0]
    expect(hit.id).toBe(inside?.key)
    expect(hit.distance).toBe(0)
    expect(hit.geometry).toBeNull()
    // without field names: properties keyed by column position, the names beside
    const fields = json.vectorQuery.layers[String(polygons.id)].fields as Array<string>
    expect(Object.keys(hit.properties)).toEqual(fields.map((_, index) => String(index)))
  })

  it("answers the suffix-less path with the vendor Accept type, and JSONP", async () => {
    setUp()
    const params = [["layer", String(points.id)], ["x", "174.75"], ["y", "-41.25"], ["radius", "500"]] as const
    const plain = await getData(server, "/services/query/v1/vector", params, {
      headers: { accept: "application/vnd.koordinates.vectorQuery.1+json" }
    })
    expect(plain.status).toBe(200)
    expect(plain.json.vectorQuery.layers[String(points.id)].features).toBeInstanceOf(Array)
    const jsonp = await query([...params, ["callback", "show"]])
    expect(jsonp.status).toBe(200)
    expect(jsonp.type).toContain("text/javascript")
    expect(jsonp.text).toMatch(/^show\(\{"vectorQuery":/)
    const failed = await query([["layer", String(points.id)], ["x", "500"], ["y", "-41"], ["callback", "show"]])
    expect(failed.status).toBe(200)
    expect(failed.text).toMatch(/^show\(".*x.*"\);$/)
    const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const search = new URLSearchParams([["key", "test-token"], ...params.map(([name, value]) => [name, value])]).toString()
      get(`${server.origin}${VECTOR}?${search}`, { headers: { "accept-encoding": "gzip" } }, (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => resolve({ encoding: response.headers["content-encoding"], body: Buffer.concat(chunks) }))
      }).on("error", reject)
    })
    expect(zipped.encoding).toBe("gzip")
    expect(JSON.parse(gunzipSync(zipped.body).toString("utf8"))).toEqual(plain.json)
    const header = await getData(server, VECTOR, params, { key: null, headers: { authorization: "key test-token" } })
    expect(header.status).toBe(200)
    const matrix = await getData(server, `/services;key=test-token/query/v1/vector.json`, params, { key: null })
    expect(matrix.status).toBe(200)
  })

  it("refuses bad parameters with 400 and a JSON error, unknown layers with 404", async () => {
    setUp()
    const raster = server.store.addLayer({ kind: "raster" })
    const layer = ["layer", String(points.id)] as const
    const cases: ReadonlyArray<readonly [ReadonlyArray<readonly [string, string]>, number, RegExp]> = [
      [[["x", "174"], ["y", "-41"]], 400, /layer/],
      [[layer, ["y", "-41"]], 400, /"x"/],
      [[layer, ["x", "174"]], 400, /"y"/],
      [[layer, ["x", "181"], ["y", "-41"]], 400, /"x"/],
      [[layer, ["x", "174"], ["y", "-91"]], 400, /"y"/],
      [[layer, ["x", "abc"], ["y", "-41"]], 400, /"x"/],
      [[layer, ["x", "174"], ["y", "-41"], ["radius", "-1"]], 400, /radius/],
      [[layer, ["x", "174"], ["y", "-41"], ["radius", "100001"]], 400, /radius/],
      [[layer, ["x", "174"], ["y", "-41"], ["max_results", "0"]], 400, /max_results/],
      [[layer, ["x", "174"], ["y", "-41"], ["max_results", "101"]], 400, /max_results/],
      [[layer, ["x", "174"], ["y", "-41"], ["max_results", "2.5"]], 400, /max_results/],
      [[layer, ["x", "174"], ["y", "-41"], ["geometry", "yes"]], 400, /geometry/],
      [[["layer", `${points.id},${polygons.id}`], ["x", "174"], ["y", "-41"]], 400, /repeat/],
      [[["layer", String(raster.id)], ["x", "174"], ["y", "-41"]], 400, /not a vector layer/],
      [[["layer", "999999"], ["x", "174"], ["y", "-41"]], 404, /999999/]
    ]
    for (const [params, status, message] of cases) {
      const reply = await query(params)
      expect(reply.status, JSON.stringify(params)).toBe(status)
      expect(Object.keys(reply.json), JSON.stringify(params)).toEqual(["error"])
      expect(reply.json.error, JSON.stringify(params)).toMatch(message)
    }
  })

  it("answers 401 without a valid key and 403 without the query scope or with the service off", async () => {
    setUp()
    const params = [["layer", String(points.id)], ["x", "174.75"], ["y", "-41.25"]] as const
    expect((await query(params, { key: null })).status).toBe(401)
    expect((await query(params, { key: "wrong" })).status).toBe(401)
    const scoped = await query(params, { key: "no-query" })
    expect(scoped.status).toBe(403)
    expect(scoped.json.error).toMatch(/query/)
    server.setService("vector-query", false)
    try {
      const off = await query(params)
      expect(off.status).toBe(403)
      expect(off.json.error).toMatch(/disabled/)
    } finally {
      server.setService("vector-query", true)
    }
    expect((await query(params)).status).toBe(200)
  })
})

describe("raster and set queries", () => {
  const server = useServer({ catalogSize: 0 })
  const area = rectangle(174.6, -41.4, 174.9, -41.1)

  it("reads the bands of grids (one) and rasters (three) inside their extent, no-data outside", async () => {
    const grid = server.store.addLayer({ kind: "grid", extent: area })
    const raster = server.store.addLayer({ kind: "raster", extent: area })
    const vector = server.store.addLayer({ extent: area })
    const at = (x: number, y: number, ...layers: Array<number>) =>
      getData(server, "/services/query/v1/raster.json", [
        ...layers.map((id) => ["layer", String(id)] as const), ["x", String(x)], ["y", String(y)]
      ])
    const inside = await at(174.75, -41.25, grid.id, raster.id)
    expect(inside.status).toBe(200)
    expect(inside.type).toContain("application/vnd.koordinates.rasterQuery+json")
    const layers = inside.json.rasterQuery.layers
    expect(layers[String(grid.id)].status).toBe("ok")
    expect(layers[String(grid.id)].bands).toHaveLength(1)
    expect(typeof layers[String(grid.id)].bands[0].value).toBe("number")
    expect(layers[String(raster.id)].bands.map((band: any) => band.value).every((v: number) => v >= 0 && v <= 255)).toBe(true)
    expect(layers[String(raster.id)].bands).toHaveLength(3)
    expect((await at(174.75, -41.25, grid.id)).json).toEqual((await at(174.75, -41.25, grid.id)).json)
    const outside = await at(170, -45, grid.id)
    expect(outside.json.rasterQuery.layers[String(grid.id)]).toEqual({ status: "no-data", bands: [] })
    const wrong = await at(174.75, -41.25, vector.id)
    expect(wrong.status).toBe(400)
    expect(wrong.json.error).toMatch(/not a raster/)
    expect((await at(174.75, -41.25, 999_999)).status).toBe(404)
    const suffixless = await getData(server, "/services/query/v1/raster", [["layer", String(grid.id)], ["x", "174.75"], ["y", "-41.25"]], {
      headers: { accept: "application/vnd.koordinates.rasterQuery.1+json" }
    })
    expect(suffixless.json.rasterQuery.layers[String(grid.id)].status).toBe("ok")
  })

  it("queries every layer of a set, in the set's order, each with id and title", async () => {
    const points = server.store.addLayer({ extent: area, features: 1500, geometryType: "point" })
    const grid = server.store.addLayer({ kind: "grid", extent: area })
    const table = server.store.addLayer({ kind: "table" })
    const set = server.store.addSet({ items: [grid.id, table.id, points.id] })
    const { status, type, json } = await getData(server, "/services/query/v1/set.json", [
      ["set", String(set.id)], ["x", "174.75"], ["y", "-41.25"], ["radius", "2000"], ["max_results", "3"],
      ["with_field_names", "true"]
    ])
    expect(status).toBe(200)
    expect(type).toContain("application/vnd.koordinates.setQuery+json")
    const layers = json.setQuery.layers as Array<any>
    expect(layers.map((layer) => [layer.id, layer.title])).toEqual([[grid.id, grid.name], [points.id, points.name]])
    expect(layers[0].status).toBe("ok")
    expect(layers[1].features).toHaveLength(3)
    for (const feature of layers[1].features) {
      const found = [...server.store.features(points.id)].find((candidate) => candidate.key === feature.id)
      const [lon, lat] = found?.geometry?.coordinates as [number, number]
      expect(feature.distance).toBeCloseTo(greatCircle(174.75, -41.25, lon, lat), 1)
    }
    const missingSet = await getData(server, "/services/query/v1/set.json", [["x", "174.75"], ["y", "-41.25"]])
    expect(missingSet.status).toBe(400)
    const unknown = await getData(server, "/services/query/v1/set.json", [["set", "999999"], ["x", "174.75"], ["y", "-41.25"]])
    expect(unknown.status).toBe(404)
    expect(unknown.json.error).toMatch(/999999/)
  })
})
