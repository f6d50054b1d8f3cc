/**
 * Tests of FakeKoordinates' exports over real HTTP: validation against each layer's
 * extent, creation, an export running on the clock, cancelling, the download through the
 * storage server (ranges, cuts), the formats OPTIONS offers, and crop layers.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest"
import { exportBytes, exportSha256, type LayerRecord, type Polygon } from "../packages/testing/src/server/index.ts"
import { call, type Json, pathOf, post, remove, request, root, useServer, sha256 } from "./support/raw.ts"

const EXPORT_SUMMARY_KEYS = ["id", "name", "created_at", "created_via", "state", "url", "download_url"]
const EXPORT_KEYS = [
  ...EXPORT_SUMMARY_KEYS, "extent", "delivery", "formats", "items", "crs", "options", "size_estimate_zipped", "progress"
]

describe("exports", () => {
  const server = useServer({ catalogSize: 0, sourceCount: 0, clock: "manual", exportTime: "2 seconds" })
  let vector: LayerRecord
  let raster: LayerRecord
  let table: LayerRecord
  beforeAll(async () => {
    vector = server.store.addLayer({ kind: "vector", name: "NZ Coastlines and Islands Polygons", license: 4 })
    raster = server.store.addLayer({ kind: "raster", name: "Aerial Imagery" })
    table = server.store.addLayer({ kind: "table", name: "Place Names" })
  })
  beforeEach(() => {
    server.store.exportSizeLimit = 5_000_000_000
  })

  const itemUrl = (layer: LayerRecord) => `${root(server)}/${layer.kind === "table" ? "tables" : "layers"}/${layer.id}/`
  const shapefile = { vector: "application/x-zipped-shp" }
  const valid = () => ({ crs: "EPSG:2193", formats: shapefile, items: [{ item: itemUrl(vector) }] })
  const offTheMap = { type: "Polygon", coordinates: [[[190, -40], [195, -40], [195, -35], [190, -35], [190, -40]]] }

  /** Creates an export; returns its record. */
  const createExport = async (body: unknown = valid()) => {
    const reply = await post(server, "/exports/", body)
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    const record = server.store.exports().at(-1)
    if (record === undefined) throw new Error("no export")
    return record
  }

  it("validates: no-format, outside-extent and too-large, with licenses and prices", async () => {
    const ok = await post(server, "/exports/validate/", { ...valid(), items: [{ item: itemUrl(vector), color: "#003399" }] })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({
      items: [{
        item: itemUrl(vector),
        license: {
          id: 4,
          title: "Creative Commons Attribution 4.0 International",
          type: "cc-by",
          jurisdiction: "",
          version: "4.0",
          url: `${root(server)}/licenses/4/`,
          url_html: `${server.origin}/license/attribution-4-0-international/`,
          url_fulltext: `${server.origin}/license/attribution-4-0-international/fulltext/`
        },
        price: "0.00",
        is_valid: true,
        invalid_reasons: [],
        color: "#003399"
      }],
      size_estimate_zipped: expect.any(Number),
      is_valid: true,
      invalid_reasons: []
    })
    const size = Number(ok.body["size_estimate_zipped"])
    expect(size).toBeGreaterThan(0)

    const mixed = await post(server, "/exports/validate/", {
      ...valid(),
      items: [{ item: itemUrl(vector) }, { item: itemUrl(raster) }, { item: itemUrl(table) }],
      extent: offTheMap
    })
    expect(mixed.status).toBe(200)
    expect(mixed.body["is_valid"]).toBe(false)
    expect(mixed.body["invalid_reasons"]).toEqual([])
    expect((mixed.body["items"] as Array<Json>).map((item) => item["invalid_reasons"])).toEqual([
      ["outside-extent"],
      ["no-format", "outside-extent"],
      ["no-format"]
    ])
    const formatsForAll = await post(server, "/exports/validate/", {
      ...valid(),
      formats: { ...shapefile, raster: "image/jpeg", table: "text/csv" },
      items: [{ item: itemUrl(raster) }, { item: itemUrl(table) }]
    })
    expect(formatsForAll.body["is_valid"]).toBe(true)

    server.store.exportSizeLimit = size - 1
    const tooLarge = await post(server, "/exports/validate/", valid())
    expect(tooLarge.body).toMatchObject({ is_valid: false, invalid_reasons: ["too-large"] })
    expect((tooLarge.body["items"] as Array<Json>)[0]?.["is_valid"]).toBe(true)
  })

  it("checks each item's extent against the layer's: a box elsewhere is outside, an overlapping one is not", async () => {
    const box = (west: number, south: number, east: number, north: number): Polygon => ({
      type: "Polygon",
      coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]]
    })
    const wellington = server.store.addLayer({ name: "Wellington Roads", extent: box(174.6, -41.7, 176.3, -40.6) })
    const sydney = server.store.addLayer({ name: "Sydney Roads", extent: box(150.5, -34.2, 151.4, -33.5) })
    const reasons = async (extent: unknown) => {
      const reply = await post(server, "/exports/validate/", {
        ...valid(),
        items: [{ item: itemUrl(wellington) }, { item: itemUrl(sydney) }],
        extent
      })
      expect(reply.status).toBe(200)
      return (reply.body["items"] as Array<Json>).map((item) => item["invalid_reasons"])
    }
    expect(await reasons(box(0, 0, 1, 1))).toEqual([["outside-extent"], ["outside-extent"]])
    expect(await reasons(box(174.7, -41.4, 174.9, -41.2))).toEqual([[], ["outside-extent"]])
    expect(await reasons(`${root(server)}/exports/croplayers/1/cropfeatures/104/`)).toEqual([[], ["outside-extent"]])
    const both = { type: "MultiPolygon", coordinates: [box(176, -41, 177, -40), box(151, -34, 152, -33)].map((p) => p.coordinates) }
    expect(await reasons(both)).toEqual([[], []])
    expect(await reasons(null)).toEqual([[], []])
    const generated = server.store.addLayer({ kind: "vector" })
    expect(generated.extent?.type).toBe("Polygon")
    expect(server.store.addLayer({ kind: "table" }).extent).toBeNull()
  })

  it("answers 400 with field errors for malformed requests; creates exports validation would refuse", async () => {
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{}, {
        crs: ["This field is required."],
        formats: ["This field is required."],
        items: ["This field is required."]
      }],
      [{ ...valid(), crs: "2193" }, { crs: ["Enter a CRS as EPSG:<code>."] }],
      [{ ...valid(), crs: "EPSG:999999" }, { crs: ["Unsupported CRS \"EPSG:999999\"."] }],
      [{ ...valid(), formats: { vector: "application/pdf" } }, {
        formats: ["\"application/pdf\" is not a valid vector format."]
      }],
      [{ ...valid(), formats: { maps: "image/png" } }, {
        formats: ["Unknown kind of data \"maps\": use vector, raster, grid, rat, table."]
      }],
      [{ ...valid(), items: [] }, { items: ["This list may not be empty."] }],
      [{ ...valid(), items: [{ item: `${root(server)}/layers/999999/` }] }, {
        items: [`"${root(server)}/layers/999999/" is not a known layer or table`]
      }],
      [{ ...valid(), extent: { type: "Point", coordinates: [174, -41] } }, {
        extent: ["Expected a GeoJSON Polygon or MultiPolygon, or a crop feature URL."]
      }],
      [{ ...valid(), extent: `${root(server)}/exports/croplayers/1/cropfeatures/999/` }, {
        extent: [`${root(server)}/exports/croplayers/1/cropfeatures/999/ is not a known crop feature`]
      }]
    ]
    const before = server.store.exports().length
    for (const [body, errors] of cases) {
      for (const path of ["/exports/", "/exports/validate/"]) {
        const reply = await post(server, path, body)
        expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(400)
        expect(reply.body).toEqual(errors)
      }
    }
    expect(server.store.exports()).toHaveLength(before)
    const unchecked = await post(server, "/exports/", { ...valid(), items: [{ item: itemUrl(raster) }], extent: offTheMap })
    expect(unchecked.status).toBe(201)
    expect(server.store.exports().at(-1)?.extent).toEqual(offTheMap)
  })

  it("creates an export (201, Location, no body) that completes after exportTime, whatever is read", async () => {
    const reply = await post(server, "/exports/", {
      name: "Coastlines & Islands!",
      crs: "EPSG:4326",
      formats: shapefile,
      items: [{ item: itemUrl(vector), color: "#ff0000" }],
      extent: `${root(server)}/exports/croplayers/1/cropfeatures/104/`,
      options: { zip: true }
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toBeUndefined()
    const record = server.store.exports().at(-1)
    expect(reply.response.headers.get("location")).toBe(`${root(server)}/exports/${record?.id}/`)
    const today = new Date(server.clock.now()).toISOString().slice(0, 10).replaceAll("-", "")
    expect(record?.name).toBe(`kx-coastlines-islands-${today}`)

    for (let read = 0; read < 3; read++) await request(server, "/exports/")
    server.clock.advance("1 second")
    const first = await request(server, `/exports/${record?.id}/`)
    expect(Object.keys(first.body)).toEqual(EXPORT_KEYS)
    expect(first.body).toEqual({
      id: record?.id,
      name: `kx-coastlines-islands-${today}`,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      created_via: "api",
      state: "processing",
      url: `${root(server)}/exports/${record?.id}/`,
      download_url: null,
      extent: server.store.cropLayers[0]?.features.find((feature) => feature.id === 104)?.geometry,
      delivery: { method: "download" },
      formats: shapefile,
      items: [{ item: itemUrl(vector), color: "#ff0000" }],
      crs: "EPSG:4326",
      options: { zip: true },
      size_estimate_zipped: expect.any(Number),
      progress: 0.5
    })
    expect((await request(server, `/exports/${record?.id}/`)).body["progress"]).toBe(0.5)
    server.clock.advance("1 second")
    const done = await request(server, `/exports/${record?.id}/`)
    expect(done.body).toMatchObject({
      state: "complete",
      progress: 1,
      download_url: `${root(server)}/exports/${record?.id}/download/`
    })

    const unnamed = await createExport({ ...valid(), items: [{ item: itemUrl(table) }], formats: { table: "text/csv" } })
    expect(unnamed.name).toBe(`kx-place-names-${today}`)
  })

  it("lists the caller's exports newest first, abbreviated; other users see none of them", async () => {
    const mine = [await createExport(), await createExport()]
    const list = await request<Array<Json>>(server, "/exports/")
    for (const item of list.body) expect(Object.keys(item)).toEqual(EXPORT_SUMMARY_KEYS)
    const ids = server.store.exports().map((record) => record.id).reverse()
    expect(list.body.map((item) => item["id"])).toEqual(ids)
    expect(list.body.slice(0, 2).map((item) => item["id"])).toEqual([mine[1]?.id, mine[0]?.id])
    const expanded = await request<Array<Json>>(server, "/exports/", { headers: { Expand: "list" } })
    expect(Object.keys(expanded.body[0] ?? {})).toEqual(EXPORT_KEYS)

    const stranger = server.store.users[1]
    const token = await post(server, "/tokens/", {
      grant_type: "password",
      username: stranger?.email,
      password: stranger?.password
    }, { token: null })
    const key = String(token.body["key"])
    expect((await request<Array<unknown>>(server, "/exports/", { token: key })).body).toEqual([])
    expect((await call(server, `/exports/${mine[0]?.id}/`, { token: key })).status).toBe(404)
    expect((await call(server, `/exports/${mine[0]?.id}/download/`, { token: key })).status).toBe(404)
  })

  it("cancels a processing export (202); 409 for one that has ended, which stays", async () => {
    const processing = await createExport()
    const cancelled = await remove(server, `/exports/${processing.id}/`)
    expect(cancelled.status).toBe(202)
    expect(Object.keys(cancelled.body)).toEqual(EXPORT_KEYS)
    expect(cancelled.body).toMatchObject({ id: processing.id, state: "cancelled", download_url: null })
    expect((await request(server, `/exports/${processing.id}/`)).body["state"]).toBe("cancelled")
    const again = await remove(server, `/exports/${processing.id}/`)
    expect(again.status).toBe(409)
    expect(again.body).toEqual({
      detail: "This export has already ended (cancelled): only a processing export can be cancelled"
    })

    const complete = await createExport()
    server.store.completeExports()
    expect(complete.state).toBe("complete")
    expect((await remove(server, `/exports/${complete.id}/`)).status).toBe(409)
    expect(server.store.getExport(complete.id)?.state).toBe("complete")
    expect((await request(server, `/exports/${complete.id}/`)).body["state"]).toBe("complete")
  })

  it("fails the next export on failNextExport: no download", async () => {
    server.store.failNextExport()
    const doomed = await createExport()
    server.clock.advance("2 seconds")
    expect((await request(server, `/exports/${doomed.id}/`)).body).toMatchObject({ state: "failed", download_url: null })
    expect((await call(server, `/exports/${doomed.id}/download/`)).status).toBe(404)
    const next = await createExport()
    server.clock.advance("2 seconds")
    expect((await request(server, `/exports/${next.id}/`)).body["state"]).toBe("complete")
  })

  it("redirects a download to the storage server, which refuses Authorization and streams the bytes", async () => {
    const record = await createExport()
    const downloadPath = `/exports/${record.id}/download/`
    const early = await request(server, downloadPath)
    expect(early.status).toBe(404)
    server.store.completeExports()
    server.store.setExportSize(300_000, record.id)

    const redirect = await call(server, downloadPath)
    expect(redirect.status).toBe(302)
    const location = redirect.headers.get("location") ?? ""
    const storageUrl = new URL(location)
    expect(storageUrl.origin).toBe(server.storageOrigin)
    expect(server.storageOrigin).not.toBe(server.origin)
    expect(storageUrl.pathname).toBe(`/exports/${record.id}/${record.name}.zip`)
    expect(storageUrl.searchParams.get("signature")).toMatch(/^[0-9a-f]{64}$/)

    server.storageLog.clear()
    const withAuth = await request(server, location, { token: "test-token" })
    expect(withAuth.status).toBe(400)
    expect(withAuth.body).toEqual({ detail: "Only one auth mechanism allowed" })
    const forged = new URL(location)
    forged.searchParams.set("signature", "0".repeat(64))
    expect((await request(server, forged.href, { token: null })).status).toBe(403)
    const otherPath = await request(server, location.replace(`/${record.id}/`, `/${record.id + 1}/`), { token: null })
    expect(otherPath.status).toBe(403)

    const download = await call(server, location, { token: null })
    expect(download.status).toBe(200)
    expect(download.headers.get("content-type")).toBe("application/zip")
    expect(download.headers.get("content-length")).toBe("300000")
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${record.name}.zip"`)
    const bytes = new Uint8Array(await download.arrayBuffer())
    expect(bytes.length).toBe(300_000)
    expect(sha256(bytes)).toBe(exportSha256(record.id, 300_000))
    expect(exportSha256(record.id, 300_000)).not.toBe(exportSha256(record.id + 1, 300_000))
    expect(server.storageLog.entries().map((entry) => entry.headers["authorization"])).toEqual([
      "key test-token",
      undefined,
      undefined,
      undefined
    ])

    // fetch drops Authorization when a redirect leaves the origin: the download then just works
    server.storageLog.clear()
    const followed = await fetch(`${root(server)}${downloadPath}`, { headers: { Authorization: "key test-token" } })
    expect(followed.status).toBe(200)
    expect(sha256(new Uint8Array(await followed.arrayBuffer()))).toBe(exportSha256(record.id, 300_000))
    expect(server.storageLog.entries()).toHaveLength(1)
    expect(server.storageLog.entries()[0]?.headers["authorization"]).toBeUndefined()
  })

  it("sizes downloads by exportSize, generates them in chunks, and cuts one on truncateNextDownload", async () => {
    server.store.exportSize = 200_000
    const record = await createExport()
    server.store.completeExports()
    expect(record.size).toBe(200_000)
    const chunks = [...exportBytes(record.id, 200_000)]
    expect(chunks.map((chunk) => chunk.length)).toEqual([65_536, 65_536, 65_536, 3_392])
    const location = (await call(server, `/exports/${record.id}/download/`)).headers.get("location") ?? ""

    server.store.truncateNextDownload(100_000)
    const cut = await call(server, location, { token: null })
    expect(cut.headers.get("content-length")).toBe("200000")
    let received = 0
    const reading = (async () => {
      for await (const chunk of cut.body ?? []) received += chunk.length
    })()
    await expect(reading).rejects.toThrow()
    expect(received).toBe(100_000)

    const whole = await call(server, location, { token: null })
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(exportSha256(record.id, 200_000))
    server.store.exportSize = 65_536
    expect(() => {
      server.store.exportSize = -1
    }).toThrow(/exportSize/)
  })

  it("serves Range: bytes=N- as 206 with Content-Range, 416 past the end, and ignores it when downloadRanges is off", async () => {
    server.store.exportSize = 200_000
    const record = await createExport()
    server.store.completeExports()
    const location = (await call(server, `/exports/${record.id}/download/`)).headers.get("location") ?? ""
    const whole = new Uint8Array(await (await call(server, location, { token: null })).arrayBuffer())

    const tail = await call(server, location, { token: null, headers: { Range: "bytes=150000-" } })
    expect(tail.status).toBe(206)
    expect(tail.headers.get("content-range")).toBe("bytes 150000-199999/200000")
    expect(tail.headers.get("content-length")).toBe("50000")
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.subarray(150_000))

    const past = await call(server, location, { token: null, headers: { Range: "bytes=200000-" } })
    expect(past.status).toBe(416)
    expect(past.headers.get("content-range")).toBe("bytes */200000")

    server.store.downloadRanges = false
    const ignored = await call(server, location, { token: null, headers: { Range: "bytes=150000-" } })
    expect(ignored.status).toBe(200)
    expect(ignored.headers.get("accept-ranges")).toBeNull()
    expect((await ignored.arrayBuffer()).byteLength).toBe(200_000)
    server.store.downloadRanges = true
  })

  it("answers OPTIONS with the formats of each kind of data", async () => {
    const { status, body } = await request(server, "/exports/", { method: "OPTIONS" })
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(["name", "description", "renders", "parses", "actions"])
    const formats = ((body["actions"] as Json)["POST"] as Json)["formats"] as Json
    expect(formats).toMatchObject({ type: "nested object", required: true, read_only: false, label: "Formats" })
    const children = formats["children"] as Record<string, Json>
    expect(Object.keys(children)).toEqual(["vector", "raster", "grid", "rat", "table"])
    for (const child of Object.values(children)) {
      const choices = child["choices"] as Array<Json>
      expect(choices.length).toBeGreaterThan(1)
      for (const choice of choices) expect(Object.keys(choice)).toEqual(["display_name", "value"])
    }
    expect(children["vector"]?.["choices"]).toContainEqual({ display_name: "Shapefile", value: "application/x-zipped-shp" })
    expect(children["raster"]?.["choices"]).toContainEqual({ display_name: "JPEG", value: "image/jpeg" })
    const allow = await call(server, "/exports/", { method: "PUT" })
    expect(allow.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS")
  })

  it("serves crop layers and their features (geometry only in a feature's detail)", async () => {
    const layers = await request<Array<Json>>(server, "/exports/croplayers/")
    expect(layers.body.map((layer) => layer["name"])).toEqual(["NZ Regions", "NZ Territorial Authorities"])
    const regions = layers.body[0] ?? {}
    const base = `${root(server)}/exports/croplayers/1/`
    expect(Object.keys(regions)).toEqual(["id", "name", "url", "features", "extent", "source_layer"])
    expect(regions).toMatchObject({ id: 1, url: base, features: `${base}cropfeatures/` })
    expect((regions["extent"] as Json)["type"]).toBe("MultiPolygon")
    expect((regions["extent"] as { coordinates: Array<unknown> }).coordinates).toHaveLength(6)
    expect((await request(server, "/exports/croplayers/1/")).body).toEqual(regions)

    const features = await request<Array<Json>>(server, pathOf(server, regions["features"]))
    expect(features.body).toHaveLength(6)
    for (const feature of features.body) expect(Object.keys(feature)).toEqual(["id", "name", "url"])
    const wellington = await request(server, pathOf(server, features.body[3]?.["url"]))
    expect(wellington.body).toEqual({
      id: 104,
      name: "Wellington",
      url: `${base}cropfeatures/104/`,
      geometry: {
        type: "MultiPolygon",
        coordinates: [[[[174.6, -41.7], [176.3, -41.7], [176.3, -40.6], [174.6, -40.6], [174.6, -41.7]]]]
      }
    })
    expect((await call(server, "/exports/croplayers/3/")).status).toBe(404)
    expect((await call(server, "/exports/croplayers/2/cropfeatures/104/")).status).toBe(404)
  })
})
