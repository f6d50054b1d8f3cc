/**
 * Tests of FakeKoordinates' scans over real HTTP: a scan running on the clock (queued →
 * scanning → completed, or failed, or cancelled), the datasources it finds, scan lists and
 * filters, and the streamed log.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { type SourceRecord } from "../packages/testing/src/server/index.ts"
import {
  call,
  type Json,
  pathOf,
  post,
  remove,
  request,
  root,
  useServer,
  ISO_METADATA,
  uploadForm
} from "./support/raw.ts"

const SCAN_KEYS = ["id", "url", "status", "started_at", "completed_at", "change_counts", "log", "source"]
const DATASOURCE_SUMMARY_KEYS = ["id", "url", "title", "data_type", "format", "geometry_type", "updated_at", "upload_path"]
const DATASOURCE_KEYS = [
  "id", "url", "title", "data_type", "format", "geometry_type", "updated_at", "crs", "fields", "num_dims", "num_features",
  "num_bands", "extent", "source", "metadata", "upload_path"
]

describe("scans and datasources", () => {
  const server = useServer({ catalogSize: 0, sourceCount: 0, clock: "manual", scanTime: "1 second" })
  let upload: SourceRecord
  beforeAll(async () => {
    const files = [
      ["tiles/0001.tif", "raster bytes", "image/tiff"],
      ["tiles/0001.xml", ISO_METADATA, "text/xml"],
      ["elevation/nz-dem.tif", "grid bytes"],
      ["roads.shp", "shape bytes", "application/octet-stream"],
      ["roads.shp.xml", "<metadata>roads</metadata>", "application/xml"],
      ["titles.csv", "a,b\n", "text/csv"],
      ["README.txt", "read me", "text/plain"]
    ] as const
    const created = await post(server, "/sources/", uploadForm({ type: "upload", title: "Mixed upload" }, files))
    const found = server.store.getSource(Number(created.body["id"]))
    if (found === undefined) throw new Error("upload failed")
    upload = found
  })
  const scansPath = () => `/sources/${upload.id}/scans/`

  const logOf = async (scanUrl: unknown) => {
    const response = await call(server, `${pathOf(server, scanUrl)}log/`)
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    return (await response.text()).split("\n").filter((line) => line !== "")
  }

  it("scans a new upload at once: queued → scanning → completed over scanTime, one datasource per data file", async () => {
    expect(upload.datasources).toEqual([])
    const list = await request<Array<Json>>(server, scansPath())
    expect(list.body).toHaveLength(1)
    const scanId = server.store.scans(upload.id).at(-1)?.id
    const scanUrl = `${root(server)}${scansPath()}${scanId}/`
    const started = await request(server, pathOf(server, scanUrl))
    expect(Object.keys(started.body)).toEqual([...SCAN_KEYS, "progress"])
    expect(started.body).toMatchObject({
      id: scanId,
      status: "queued",
      completed_at: null,
      progress: 0,
      log: `${scanUrl}log/`,
      source: `${root(server)}/sources/${upload.id}/`
    })
    expect(started.body["started_at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    expect(await logOf(scanUrl)).toEqual([])
    const second = await post(server, scansPath())
    expect(second.status).toBe(409)
    expect(second.body).toEqual({ detail: "A scan of this source is already running" })

    server.clock.advance("500 millis")
    const scanning = await request(server, pathOf(server, scanUrl))
    expect(scanning.body).toMatchObject({ status: "scanning", progress: 0.5, completed_at: null })
    expect((await request(server, pathOf(server, scanUrl))).body).toMatchObject({ status: "scanning", progress: 0.5 })
    const partial = await logOf(scanUrl)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.at(-1)).not.toMatch(/Finished!$/)

    server.clock.advance("500 millis")
    const done = await request(server, pathOf(server, scanUrl))
    expect(done.body).toMatchObject({ status: "completed", progress: 1, change_counts: { deleted: 0, updated: 0, added: 4 } })
    expect(done.body["completed_at"]).toMatch(/\.\d{6}Z$/)
    const full = await logOf(scanUrl)
    expect(full.slice(0, partial.length)).toEqual(partial)
    expect(full.length).toBeGreaterThan(partial.length)
    for (const line of full) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: .+$/)
    expect(full[0]).toMatch(new RegExp(`: Looking for possible datasources in ${upload.id}/$`))
    expect(full).toContainEqual(expect.stringMatching(/: Scanning elevation\/nz-dem\.tif as GTiff$/))
    expect(full.some((line) => line.endsWith(": WARNING: Skipping README.txt: not a recognised data format"))).toBe(true)
    expect(full.at(-1)).toMatch(/: Finished!$/)
    expect(upload.last_scanned_at).toBe(done.body["completed_at"])

    const datasources = await request<Array<Json>>(server, `/sources/${upload.id}/datasources/`)
    for (const datasource of datasources.body) expect(Object.keys(datasource)).toEqual(DATASOURCE_SUMMARY_KEYS)
    expect(datasources.body.map((datasource) => [datasource["upload_path"], datasource["data_type"], datasource["format"]]))
      .toEqual([
        ["tiles/0001.tif", "raster", "image/tiff"],
        ["elevation/nz-dem.tif", "grid", "image/tiff"],
        ["roads.shp", "vector", "application/x-zipped-shp"],
        ["titles.csv", "table", "text/csv"]
      ])
    expect(datasources.body.every((datasource) => datasource["updated_at"] === done.body["completed_at"])).toBe(true)
  })

  it("shows datasources in full, with the metadata of a sidecar of the same name", async () => {
    const [tile, dem, roads, titles] = server.store.datasources(upload.id)
    const tilePath = `/sources/${upload.id}/datasources/${tile?.id}/`
    const { body } = await request(server, tilePath)
    expect(Object.keys(body)).toEqual(DATASOURCE_KEYS)
    expect(body).toMatchObject({
      id: tile?.id,
      url: `${root(server)}${tilePath}`,
      title: "0001",
      geometry_type: "",
      fields: [],
      num_bands: expect.any(Number),
      source: `${root(server)}/sources/${upload.id}/`,
      metadata: {
        iso: `${root(server)}${tilePath}metadata/iso/`,
        dc: `${root(server)}${tilePath}metadata/dc/`,
        native: `${root(server)}${tilePath}metadata/`
      }
    })
    expect((body["extent"] as Json)["type"]).toBe("Polygon")
    expect(await (await call(server, `${tilePath}metadata/`)).text()).toBe(ISO_METADATA)

    const roadsPath = `/sources/${upload.id}/datasources/${roads?.id}/`
    const vector = await request(server, roadsPath)
    expect(vector.body).toMatchObject({ title: "roads", num_bands: null })
    expect(vector.body["geometry_type"]).toMatch(/^(point|linestring|polygon|multipolygon)$/)
    expect((vector.body["fields"] as Array<Json>)[0]).toEqual({ type: "geometry", name: "GEOMETRY" })
    expect(await (await call(server, `${roadsPath}metadata/`)).text()).toBe("<metadata>roads</metadata>")

    const demPath = `/sources/${upload.id}/datasources/${dem?.id}/`
    expect((await request(server, demPath)).body).toMatchObject({ num_bands: 1, metadata: null })
    expect((await call(server, `${demPath}metadata/`)).status).toBe(404)
    const stored = await post(server, `${demPath}metadata/`, ISO_METADATA, { headers: { "Content-Type": "application/xml" } })
    expect(stored.status).toBe(200)
    expect(stored.body["url"]).toBe(`${root(server)}${demPath}metadata/`)
    expect(await (await call(server, `${demPath}metadata/`)).text()).toBe(ISO_METADATA)
    expect((await request(server, `/sources/${upload.id}/datasources/${titles?.id}/`)).body).toMatchObject({
      crs: null,
      extent: null,
      geometry_type: ""
    })
    expect((await call(server, `/sources/${upload.id}/datasources/999999/`)).status).toBe(404)
  })

  it("rescans without duplicating datasources", async () => {
    const count = server.store.datasources(upload.id).length
    const started = await post(server, scansPath())
    server.store.completeScans()
    const done = await request(server, pathOf(server, started.response.headers.get("location")))
    expect(done.body).toMatchObject({ status: "completed", change_counts: { added: 0, updated: 0, deleted: 0 } })
    expect(server.store.datasources(upload.id)).toHaveLength(count)
    expect((await logOf(done.body["url"])).filter((line) => line.endsWith("  Data source unchanged"))).toHaveLength(count)
  })

  it("takes scanTime from its start, fails on failNextScan, and cancels running scans", async () => {
    const slow = await post(server, scansPath())
    expect(slow.status).toBe(201)
    const path = pathOf(server, slow.response.headers.get("location"))
    server.clock.advance(250)
    expect((await request(server, path)).body["progress"]).toBeCloseTo(0.25)
    server.clock.advance(500)
    expect((await request(server, path)).body["progress"]).toBeCloseTo(0.75)
    server.clock.advance(250)
    expect((await request(server, path)).body["status"]).toBe("completed")

    server.store.failNextScan(upload.id)
    const doomed = await post(server, scansPath())
    const doomedPath = pathOf(server, doomed.response.headers.get("location"))
    expect((await request(server, doomedPath)).body["status"]).toBe("queued")
    server.clock.advance("1 second")
    const failed = await request(server, doomedPath)
    expect(failed.body["status"]).toBe("failed")
    expect(failed.body["completed_at"]).not.toBeNull()
    expect((await logOf(failed.body["url"])).at(-1)).toMatch(/: ERROR: Scan failed: /)
    expect(await remove(server, doomedPath)).toMatchObject({
      status: 409,
      body: { detail: "This scan has already ended (failed)" }
    })

    const running = await post(server, scansPath())
    const runningPath = pathOf(server, running.response.headers.get("location"))
    expect((await remove(server, runningPath)).status).toBe(204)
    expect((await request(server, runningPath)).body).toMatchObject({ status: "cancelled", progress: 0 })
    expect((await logOf(running.body["url"])).at(-1)).toMatch(/: Scan cancelled$/)
    expect((await post(server, scansPath())).status).toBe(201)
    server.store.completeScans()
  })

  it("lists scans newest first, filtered and sorted, and every source's under /sources/scans/", async () => {
    const other = server.store.addSource({ type: "arcgis" })
    const ids = server.store.scans(upload.id).map((scan) => scan.id)
    expect(ids.length).toBeGreaterThan(3)
    const ofUpload = async (query: string) =>
      (await request<Array<Json>>(server, `${scansPath()}?${query}`)).body.map((scan) => scan["id"])
    expect(await ofUpload("")).toEqual([...ids].reverse())
    const list = await request<Array<Json>>(server, scansPath())
    for (const scan of list.body) expect(Object.keys(scan)).toEqual(SCAN_KEYS)
    const statuses = server.store.scans(upload.id).map((scan) => scan.status)
    expect(await ofUpload("status=failed&status=cancelled")).toEqual(
      ids.filter((_, index) => statuses[index] === "failed" || statuses[index] === "cancelled").reverse()
    )
    expect(await ofUpload("sort=id")).toEqual(ids)
    const newestStart = [...server.store.scans(upload.id)]
      .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at) || a.id - b.id)
      .map((scan) => scan.id)
    expect(await ofUpload("sort=-started_at")).toEqual(newestStart)
    expect(await ofUpload("started_at.gte=2000-01-01&started_at.lt=2000-01-02")).toEqual([])
    expect(await ofUpload("completed_at.gte=2000-01-01")).toEqual([...ids].reverse())
    expect((await call(server, `${scansPath()}?sort=status`)).status).toBe(400)
    const expanded = await request<Array<Json>>(server, scansPath(), { headers: { Expand: "list" } })
    expect(Object.keys(expanded.body[0] ?? {})).toEqual([...SCAN_KEYS, "progress"])

    const all = await request<Array<Json>>(server, "/sources/scans/?page_size=1000")
    expect(new Set(all.body.map((scan) => scan["id"]))).toEqual(new Set(server.store.scans().map((scan) => scan.id)))
    expect(all.body.some((scan) => scan["source"] === `${root(server)}/sources/${other.id}/`)).toBe(true)
    const foreign = server.store.scans(other.id)[0]
    expect((await call(server, `${scansPath()}${foreign?.id}/`)).status).toBe(404)
  })

  it("streams the log in several chunks", async () => {
    const scan = server.store.scans(upload.id)[0]
    const response = await call(server, `${scansPath()}${scan?.id}/log/`)
    const reader = response.body?.getReader()
    let chunks = 0
    let text = ""
    for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) {
      chunks += 1
      text += new TextDecoder().decode(read.value)
    }
    expect(response.headers.get("content-length")).toBeNull()
    expect(chunks).toBeGreaterThan(1)
    expect(text.endsWith(": Finished!\n")).toBe(true)
    const head = await call(server, `${scansPath()}${scan?.id}/log/`, { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe("")
  })
})
