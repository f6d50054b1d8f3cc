/**
 * Tests of FakeKoordinates' XYZ tiles and WMTS capabilities over real HTTP: valid PNGs, 404
 * outside the tile grid or for unknown layers, the key in path or query, the tiles scope,
 * the service switches.
 */
import { describe, expect, it } from "vitest"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import { getData } from "./support/data.ts"
import { useServer } from "./support/raw.ts"

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

describe("tiles and WMTS", () => {
  const server = useServer({ catalogSize: 0, tokens: { "test-token": ["tiles", "wxs:wfs"], "no-tiles": ["wxs:wfs"] } })

  it("serves PNG tiles inside the grid, 404 outside it or for unknown layers", async () => {
    const layer = server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1) })
    const tile = (z: number, x: number, y: number, key = "test-token", id = layer.id) =>
      getData(server, `/services;key=${key}/tiles/v4/layer=${id}/EPSG:3857/${z}/${x}/${y}.png`, [], { key: null })
    const world = await tile(0, 0, 0)
    expect(world.status).toBe(200)
    expect(world.type).toBe("image/png")
    expect([...world.bytes.slice(0, 8)]).toEqual(PNG)
    const view = new DataView(world.bytes.buffer, world.bytes.byteOffset)
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([256, 256])
    const deep = await tile(10, 1009, 641)
    expect(deep.status).toBe(200)
    expect((await tile(1, 2, 0)).status).toBe(404)
    expect((await tile(3, 0, 8)).status).toBe(404)
    expect((await tile(23, 0, 0)).status).toBe(404)
    expect((await tile(0, 0, 0, "test-token", 999_999)).status).toBe(404)
    expect((await tile(0, 0, 0, "wrong")).status).toBe(401)
    expect((await tile(0, 0, 0, "no-tiles")).status).toBe(403)
    const styled = await getData(server, `/services;key=test-token/tiles/v4/layer=${layer.id},style=42/EPSG:3857/0/0/0.png`, [], { key: null })
    expect(styled.status).toBe(200)
    const query = await getData(server, `/services/tiles/v4/layer=${layer.id}/EPSG:3857/0/0/0.png`)
    expect(query.status).toBe(200)
    server.setService("tiles", false)
    try {
      expect((await tile(0, 0, 0)).status).toBe(403)
    } finally {
      server.setService("tiles", true)
    }
  })

  it("describes layers in WMTS capabilities with the tile URL template", async () => {
    const layer = server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1) })
    const one = await getData(server, `/services;key=test-token/wmts/1.0.0/layer/${layer.id}/WMTSCapabilities.xml`, [], { key: null })
    expect(one.status).toBe(200)
    expect(one.type).toContain("xml")
    expect(one.text).toContain(`<ows:Identifier>layer-${layer.id}</ows:Identifier>`)
    expect(one.text).toContain(`/services;key=test-token/tiles/v4/layer=${layer.id}/EPSG:3857/{TileMatrix}/{TileCol}/{TileRow}.png`)
    const site = await getData(server, "/services;key=test-token/wmts/1.0.0/WMTSCapabilities.xml", [], { key: null })
    expect(site.text).toContain(`layer-${layer.id}`)
    const unknown = await getData(server, "/services;key=test-token/wmts/1.0.0/layer/999999/WMTSCapabilities.xml", [], { key: null })
    expect(unknown.status).toBe(404)
    expect(unknown.text).toContain("ows:ExceptionReport")
    server.setService("wmts", false)
    try {
      expect((await getData(server, "/services;key=test-token/wmts/1.0.0/WMTSCapabilities.xml", [], { key: null })).status).toBe(403)
    } finally {
      server.setService("wmts", true)
    }
  })
})
