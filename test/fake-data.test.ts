/**
 * Tests of the fake Koordinates server's data endpoints over real HTTP: data sources
 * (JSON and streamed multipart uploads), scans and their logs, datasources and their
 * metadata, permissions on layers, sets and sources, exports (validation, formats, the
 * state machine, the download through the storage server), crop layers, users and groups,
 * and the store API tests use to drive them.
 */
import { createHash } from "node:crypto"
import { request as httpRequest } from "node:http"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  exportBytes,
  exportSha256,
  type FakeServer,
  type LayerRecord,
  permissionId,
  type SourceRecord,
  startServer,
  Store
} from "../packages/testing/src/server/index.ts"

import { call, type Json, pathOf, post, put, remove, request, root } from "./support/raw.ts"

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")

const SOURCE_SUMMARY_KEYS = ["id", "url", "url_html", "title", "type"]
const SOURCE_HEAD_KEYS = [
  ...SOURCE_SUMMARY_KEYS, "license", "publish_to_catalog_services", "permissions", "description", "description_html",
  "categories", "tags"
]
const SOURCE_TAIL_KEYS = ["metadata", "last_scanned_at", "scan_schedule", "options", "datasources", "scans"]
const SCAN_KEYS = ["id", "url", "status", "started_at", "completed_at", "change_counts", "log", "source"]
const DATASOURCE_SUMMARY_KEYS = ["id", "url", "title", "data_type", "format", "geometry_type", "updated_at", "upload_path"]
const DATASOURCE_KEYS = [
  "id", "url", "title", "data_type", "format", "geometry_type", "updated_at", "crs", "fields", "num_dims", "num_features",
  "num_bands", "extent", "source", "metadata", "upload_path"
]
const EXPORT_SUMMARY_KEYS = ["id", "name", "created_at", "created_via", "state", "url", "download_url"]
const EXPORT_KEYS = [
  ...EXPORT_SUMMARY_KEYS, "extent", "delivery", "formats", "items", "crs", "options", "size_estimate_zipped", "progress"
]
const ISO_METADATA = "<?xml version=\"1.0\"?>\n<gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\"/>\n"

/** A multipart upload: the `source` JSON part, then each file as `file0`, `file1`… */
const uploadForm = (source: Json, files: ReadonlyArray<readonly [path: string, content: string, type?: string]>) => {
  const form = new FormData()
  form.append("source", new Blob([JSON.stringify(source)], { type: "application/json" }))
  files.forEach(([path, content, type], index) => {
    form.append(`file${index}`, new Blob([content], type === undefined ? {} : { type }), path)
  })
  return form
}

/** A hand-written multipart body (for what FormData cannot express). */
const rawMultipart = (boundary: string, parts: ReadonlyArray<readonly [headers: string, content: string]>, close = true) =>
  `${parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join("")}${
    close ? `--${boundary}--\r\n` : ""
  }`

const multipartHeaders = (boundary: string) => ({ "Content-Type": `multipart/form-data; boundary=${boundary}` })

describe("data sources", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, sourceCount: 7 })
  })
  afterAll(() => server.close())

  it("lists the generated sources abbreviated, full with Expand: list, and answers HEAD", async () => {
    const sources = server.store.sources()
    expect(new Set(sources.map((source) => source.type))).toEqual(
      new Set(["upload", "arcgis", "wfs", "cifs", "postgres", "info"])
    )
    const { response, body } = await request<Array<Json>>(server, "/sources/")
    expect(response.headers.get("x-resource-range")).toBe("0-7/7")
    expect(body.map((source) => source["id"])).toEqual(sources.map((source) => source.id))
    for (const source of body) expect(Object.keys(source)).toEqual(SOURCE_SUMMARY_KEYS)
    expect(body[0]).toEqual({
      id: sources[0]?.id,
      url: `${root(server)}/sources/${sources[0]?.id}/`,
      url_html: expect.stringMatching(new RegExp(`^${server.origin}/source/${sources[0]?.id}-[a-z0-9-]+/$`)),
      title: sources[0]?.title,
      type: "upload"
    })
    const expanded = await request<Array<Json>>(server, "/sources/", { headers: { Expand: "list" } })
    expect(expanded.body.map((source) => source["scans"])).toEqual(
      sources.map((source) => `${root(server)}/sources/${source.id}/scans/`)
    )
    const head = await call(server, "/sources/?page_size=2", { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(head.headers.get("x-resource-range")).toBe("0-2/7")
    expect(await head.text()).toBe("")
  })

  it("gives every generated source scans and datasources", async () => {
    for (const source of server.store.sources()) {
      const scans = await request<Array<Json>>(server, `/sources/${source.id}/scans/`)
      expect(scans.body.length, source.title).toBeGreaterThan(0)
      expect(scans.body[0]?.["status"]).toBe("completed")
      const datasources = await request<Array<Json>>(server, `/sources/${source.id}/datasources/`)
      expect(datasources.body.length, source.title).toBeGreaterThan(0)
      expect(datasources.body.map((datasource) => datasource["id"])).toEqual(
        server.store.datasources(source.id).map((datasource) => datasource.id)
      )
    }
  })

  it("shows a source in full: group or user when set, url_remote only for remote types", async () => {
    const upload = server.store.addSource({ type: "upload", title: "Contours", group: 104, user: null, tags: ["dem"] })
    const { body } = await request(server, `/sources/${upload.id}/`)
    expect(Object.keys(body)).toEqual([...SOURCE_HEAD_KEYS, "group", ...SOURCE_TAIL_KEYS])
    const url = `${root(server)}/sources/${upload.id}/`
    expect(body).toEqual({
      id: upload.id,
      url,
      url_html: `${server.origin}/source/${upload.id}-contours/`,
      title: "Contours",
      type: "upload",
      license: null,
      publish_to_catalog_services: false,
      permissions: `${url}permissions/`,
      description: upload.description,
      description_html: upload.description === "" ? "" : `<p>${upload.description}</p>`,
      categories: [],
      tags: ["dem"],
      group: { id: 104, url: `${root(server)}/groups/104/`, name: "Environment Canterbury", country: "NZ" },
      metadata: null,
      last_scanned_at: upload.last_scanned_at,
      scan_schedule: null,
      options: {},
      datasources: `${url}datasources/`,
      scans: `${url}scans/`
    })
    expect(upload.last_scanned_at).toMatch(/Z$/)

    const remote = server.store.addSource({
      type: "postgres",
      group: null,
      user: 2038,
      url_remote: "postgres://db.example.com:5432/gis",
      options: { username: "reader", password: "secret" }
    })
    const shown = await request(server, `/sources/${remote.id}/`)
    expect(Object.keys(shown.body)).toEqual([...SOURCE_HEAD_KEYS, "user", ...SOURCE_TAIL_KEYS, "url_remote"])
    expect(shown.body["user"]).toMatchObject({ id: 2038, first_name: "Ben" })
    expect(shown.body["url_remote"]).toBe("postgres://db.example.com:5432/gis")
    expect(shown.body["options"]).toEqual({ username: "reader" })
    expect((await call(server, "/sources/999999/")).status).toBe(404)
  })

  it("creates a remote source from JSON: 201 with its Location and the source", async () => {
    const { status, response, body } = await post(server, "/sources/", {
      type: "arcgis",
      title: "Bob's ArcGIS 10 Server",
      description: "All of Bob's data",
      user: 2038,
      url_remote: "https://server.arcgisonline.example.com/ArcGIS/rest/services",
      scan_schedule: "@daily",
      options: { username: "bob" },
      categories: ["imagery"],
      tags: ["basemap"]
    })
    expect(status).toBe(201)
    const source = server.store.sources().at(-1)
    expect(response.headers.get("location")).toBe(`${root(server)}/sources/${source?.id}/`)
    expect(body).toMatchObject({
      id: source?.id,
      title: "Bob's ArcGIS 10 Server",
      type: "arcgis",
      description_html: "<p>All of Bob's data</p>",
      user: { id: 2038 },
      url_remote: "https://server.arcgisonline.example.com/ArcGIS/rest/services",
      scan_schedule: "@daily",
      options: { username: "bob" },
      categories: [{ name: "Imagery", slug: "imagery" }],
      tags: ["basemap"],
      last_scanned_at: null
    })
    expect(body["group"]).toBeUndefined()
    expect((await request(server, pathOf(server, response.headers.get("location")))).body).toEqual(body)
    expect(source?.datasources).toEqual([])
    expect(source?.datasets.length).toBeGreaterThanOrEqual(1)
    expect(source?.datasets.length).toBeLessThanOrEqual(3)

    const own = await post(server, "/sources/", { type: "wfs", title: "Mine", url_remote: "http://wfs.example.com/ows" })
    expect(own.body["user"]).toMatchObject({ id: server.store.defaultUser.id })
  })

  it("answers 400 with field errors for bad source bodies", async () => {
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{ type: "arcgis", url_remote: "http://a.example.com/" }, { title: ["This field is required."] }],
      [{ type: "arcgis", title: "  ", url_remote: "http://a.example.com/" }, { title: ["This field is required."] }],
      [{ title: "T" }, { type: ["This field is required."] }],
      [{ type: "ftp", title: "T" }, { type: ["\"ftp\" is not a valid choice."] }],
      [{ type: "upload", title: "T" }, {
        type: ["Upload sources are created with a multipart/form-data request holding their files."]
      }],
      [{ type: "wfs", title: "T" }, { url_remote: ["This field is required."] }],
      [{ type: "wfs", title: "T", url_remote: "ftp://a.example.com/" }, { url_remote: ["Enter a valid URL."] }],
      [{ type: "wfs", title: "T", url_remote: "not a url" }, { url_remote: ["Enter a valid URL."] }],
      [{ type: "arcgis", title: "T", url_remote: "http://server.invalid/rest" }, {
        url_remote: ["Invalid URL: Can't resolve host."]
      }],
      [{ type: "arcgis", title: "T", url_remote: "https://invalid-host.example.com/" }, {
        url_remote: ["Invalid URL: Can't resolve host."]
      }],
      [{ type: "cifs", title: "T", url_remote: "http://files.example.com/" }, { url_remote: ["Enter a valid URL."] }],
      [{ type: "info", title: "T", url_remote: "http://a.example.com/" }, {
        url_remote: ["This type of source has no remote URL."]
      }],
      [{ type: "info", title: "T", group: 999 }, { group: ["Invalid pk \"999\" - object does not exist."] }],
      [{ type: "info", title: "T", scan_schedule: "sometimes" }, {
        scan_schedule: ["Enter @hourly, @daily, @weekly, @monthly, @yearly or a cron expression."]
      }]
    ]
    const before = server.store.sources().length
    for (const [body, errors] of cases) {
      const reply = await post(server, "/sources/", body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body, JSON.stringify(body)).toEqual(errors)
    }
    expect(server.store.sources()).toHaveLength(before)
    const cron = await post(server, "/sources/", { type: "info", title: "T", scan_schedule: "0 3 * * 1" })
    expect(cron.body["scan_schedule"]).toBe("0 3 * * 1")
  })

  it("edits a source with PUT and deletes it with its scans and datasources", async () => {
    const source = server.store.addSource({ type: "wfs", url_remote: "https://old.example.com/ows" })
    const path = `/sources/${source.id}/`
    const edited = await put(server, path, {
      title: "Renamed",
      description: "New words.",
      scan_schedule: null,
      tags: ["a", "b"],
      url_remote: "https://new.example.com/ows"
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({
      title: "Renamed",
      description: "New words.",
      description_html: "<p>New words.</p>",
      scan_schedule: null,
      tags: ["a", "b"],
      url_remote: "https://new.example.com/ows",
      type: "wfs"
    })
    expect(source.title).toBe("Renamed")
    const refused = await put(server, path, { type: "arcgis", title: "" })
    expect(refused.status).toBe(400)
    expect(refused.body).toEqual({
      type: ["The type of a source cannot change."],
      title: ["This field may not be blank."]
    })
    expect(source.title).toBe("Renamed")

    expect(server.store.scans(source.id).length).toBeGreaterThan(0)
    const deleted = await remove(server, path)
    expect(deleted.status).toBe(204)
    expect(server.store.getSource(source.id)).toBeUndefined()
    expect(server.store.scans(source.id)).toEqual([])
    expect((await call(server, path)).status).toBe(404)
    expect((await call(server, `${path}datasources/`)).status).toBe(404)
    expect((await remove(server, path)).status).toBe(404)
  })

  it("stores a source's metadata document and derives ISO and Dublin Core from it", async () => {
    const source = server.store.addSource({ title: "Coastline upload", tags: ["coast"] })
    const base = `/sources/${source.id}/`
    expect((await call(server, `${base}metadata/`)).status).toBe(404)
    const stored = await post(server, `${base}metadata/`, ISO_METADATA, { headers: { "Content-Type": "text/xml" } })
    expect(stored.status).toBe(200)
    expect(stored.response.headers.get("location")).toBe(`${root(server)}${base}metadata/`)
    expect(stored.body).toEqual({
      url: `${root(server)}${base}metadata/`,
      url_html: `${server.origin}/source/${source.id}-coastline-upload/metadata/`
    })
    expect((await request(server, base)).body["metadata"]).toEqual({
      iso: `${root(server)}${base}metadata/iso/`,
      dc: `${root(server)}${base}metadata/dc/`,
      native: `${root(server)}${base}metadata/`
    })
    const native = await call(server, `${base}metadata/`)
    expect(native.headers.get("content-type")).toBe("text/xml; charset=utf-8")
    expect(await native.text()).toBe(ISO_METADATA)
    expect(await (await call(server, `${base}metadata/dc/`)).text()).toContain("<dc:title>Coastline upload</dc:title>")
    const wrong = await post(server, `${base}metadata/`, "{}", { headers: { "Content-Type": "application/json" } })
    expect(wrong.status).toBe(400)
  })
})

describe("multipart uploads", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, sourceCount: 0 })
  })
  afterAll(() => server.close())

  it("keeps each file's upload path, content type, size and SHA-256, and the sidecar's text", async () => {
    const tif = "II*\u0000 pretend GeoTIFF bytes \u00e9\u00e8".repeat(500)
    const files = [
      ["folder/0001.tif", tif, "image/tiff"],
      ["folder/0001.xml", ISO_METADATA, "text/xml"],
      ["roads.csv", "id,name\n1,State Highway 1\n", "text/csv"],
      ["notes.bin", "\u0000\u0001\u0002"]
    ] as const
    server.log.clear()
    const form = uploadForm({ type: "upload", title: "Test upload" }, files)
    const { status, response, body } = await post(server, "/sources/", form)
    expect(status).toBe(201)
    const id = Number(/\/sources\/(\d+)\/$/.exec(response.headers.get("location") ?? "")?.[1])
    expect(body).toMatchObject({ id, title: "Test upload", type: "upload", last_scanned_at: null })
    const source = server.store.getSource(id)
    expect(source?.files).toEqual(files.map(([path, content, type]) => {
      const bytes = new TextEncoder().encode(content)
      return {
        upload_path: path,
        content_type: type ?? "application/octet-stream",
        size: bytes.length,
        sha256: sha256(bytes),
        document: path.endsWith(".xml") ? expect.anything() : null
      }
    }))
    expect(Buffer.from(source?.files[1]?.document ?? []).toString("utf8")).toBe(ISO_METADATA)
    expect(server.log.entries().map((entry) => [entry.method, entry.body])).toEqual([["POST", ""]])
  })

  it("reads hand-written bodies: no Content-Type, escaped names, a preamble and an epilogue", async () => {
    const boundary = "XyZ-boundary"
    const raw = `preamble to ignore\r\n${
      rawMultipart(boundary, [
        ["Content-Disposition: form-data; name=\"source\"", "{\"type\": \"upload\", \"title\": \"Raw upload\"}"],
        ["Content-Disposition: form-data; name=\"file0\"; filename=\"a%22quoted%22.csv\"", "x,y\n"],
        ["Content-Disposition: form-data; name=\"ignored\"", "whatever"],
        ["Content-Disposition: form-data; name=\"file1\"; filename=\"sub/dir/b.shp\"\r\nContent-Type: application/x-shp",
          "--XyZ not a boundary\r\n--XyZ-bound"]
      ])
    }epilogue`
    const { status, body } = await post(server, "/sources/", raw, { headers: multipartHeaders(boundary) })
    expect(status).toBe(201)
    const files = server.store.getSource(Number(body["id"]))?.files
    expect(files?.map((file) => [file.upload_path, file.content_type, file.size])).toEqual([
      ["a\"quoted\".csv", null, 4],
      ["sub/dir/b.shp", "application/x-shp", 33]
    ])
    expect(files?.[1]?.sha256).toBe(sha256("--XyZ not a boundary\r\n--XyZ-bound"))
  })

  it("answers 400 for a missing source or file part, malformed bodies and duplicate paths", async () => {
    const before = server.store.sources().length
    const noSource = new FormData()
    noSource.append("file0", new Blob(["x"]), "a.csv")
    const missingSource = await post(server, "/sources/", noSource)
    expect(missingSource.status).toBe(400)
    expect(missingSource.body).toEqual({ source: ["This field is required."] })

    const noFiles = await post(server, "/sources/", uploadForm({ type: "upload", title: "Empty" }, []))
    expect(noFiles.status).toBe(400)
    expect(noFiles.body).toEqual({ files: ["Upload at least one file (parts file0, file1…)."] })

    const duplicate = await post(
      server,
      "/sources/",
      uploadForm({ type: "upload", title: "Twice" }, [["d/a.csv", "1"], ["d/b.csv", "2"], ["d/a.csv", "3"]])
    )
    expect(duplicate.status).toBe(400)
    expect(duplicate.body).toEqual({ file2: ["Duplicate upload path: d/a.csv"] })

    const wrongType = await post(server, "/sources/", uploadForm({ type: "arcgis", title: "No" }, [["a.csv", "1"]]))
    expect(wrongType.status).toBe(400)
    expect(wrongType.body).toEqual({ type: ["Only upload sources are created with files."] })

    const untitled = await post(server, "/sources/", uploadForm({ type: "upload" }, [["a.csv", "1"]]))
    expect(untitled.body).toEqual({ title: ["This field is required."] })

    const huge = await post(server, "/sources/", uploadForm({ type: "upload", title: "x".repeat(70_000) }, [["a.csv", "1"]]))
    expect(huge.body).toEqual({ source: ["The source part is larger than 64 KiB."] })

    const nameless = rawMultipart("nameless", [
      ["Content-Disposition: form-data; name=\"source\"", "{\"type\": \"upload\", \"title\": \"T\"}"],
      ["Content-Disposition: form-data; name=\"file0\"", "1,2\n"]
    ])
    const noFilename = await post(server, "/sources/", nameless, { headers: multipartHeaders("nameless") })
    expect(noFilename.status).toBe(400)
    expect(noFilename.body).toEqual({ file0: ["A file part needs a filename: its upload path."] })

    const boundary = "b0undary"
    const parts = [["Content-Disposition: form-data; name=\"source\"", "{\"type\": \"upload\", \"title\": \"T\"}"]] as const
    const malformed: ReadonlyArray<readonly [string, Record<string, string>]> = [
      [rawMultipart(boundary, parts, false), multipartHeaders(boundary)],
      ["no boundary here at all", multipartHeaders(boundary)],
      [rawMultipart(boundary, [["Content-Type: text/plain", "x"]]), multipartHeaders(boundary)],
      [rawMultipart(boundary, parts), { "Content-Type": "multipart/form-data" }]
    ]
    for (const [body, headers] of malformed) {
      const reply = await post(server, "/sources/", body, { headers })
      expect(reply.status, body).toBe(400)
      expect(String(reply.body["detail"])).toMatch(/^Multipart form parse error - /)
    }
    expect(server.store.sources()).toHaveLength(before)
  })

  it("streams a 64 MiB upload without holding it in memory", async () => {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const boundary = "big-upload-boundary"
    const chunkCount = 1024
    const chunk = (index: number) => new Uint8Array(65_536).fill(index * 7 % 256)
    function* body(): Generator<Uint8Array> {
      yield Buffer.from(rawMultipart(boundary, [
        [
          "Content-Disposition: form-data; name=\"source\"\r\nContent-Type: application/json",
          "{\"type\": \"upload\", \"title\": \"Big\"}"
        ]
      ], false))
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file0"; filename="big/0001.tif"\r\n\r\n`)
      for (let index = 0; index < chunkCount; index++) yield chunk(index)
      yield Buffer.from(`\r\n--${boundary}--\r\n`)
    }
    const expected = createHash("sha256")
    for (let index = 0; index < chunkCount; index++) expected.update(chunk(index))

    // Retained memory (after a full collection) sampled during the upload. node:http sends the
    // body, streamed with backpressure: fetch keeps a request body it sends in memory, which
    // would hide what the server does. A server buffering the body grows by its whole size.
    const retained = () => {
      gc()
      const usage = process.memoryUsage()
      return usage.heapUsed + usage.arrayBuffers
    }
    const baseline = retained()
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, retained())
    }, 10)
    const upload = httpRequest(`${root(server)}/sources/`, {
      method: "POST",
      headers: { Authorization: "key test-token", ...multipartHeaders(boundary) }
    })
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      upload.on("error", reject)
      upload.on("response", async (response) => {
        let text = ""
        for await (const part of response) text += String(part)
        resolve({ status: response.statusCode ?? 0, text })
      })
    })
    try {
      await pipeline(Readable.from(body()), upload)
      const { status, text } = await reply
      expect(status, text).toBe(201)
    } finally {
      clearInterval(sampler)
    }
    const file = server.store.sources().at(-1)?.files[0]
    expect(file).toEqual({
      upload_path: "big/0001.tif",
      content_type: null,
      size: chunkCount * 65_536,
      sha256: expected.digest("hex"),
      document: null
    })
    expect(peak - baseline).toBeLessThan(16 * 1024 * 1024)
  })
})

describe("scans and datasources", () => {
  let server: FakeServer
  let upload: SourceRecord
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, sourceCount: 0 })
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
  afterAll(() => server.close())
  beforeEach(() => {
    server.store.scanPolls = 2
  })

  const scansPath = () => `/sources/${upload.id}/scans/`

  const logOf = async (scanUrl: unknown) => {
    const response = await call(server, `${pathOf(server, scanUrl)}log/`)
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    return (await response.text()).split("\n").filter((line) => line !== "")
  }

  it("runs a scan queued → scanning → completed over reads, finding one datasource per data file", async () => {
    expect(upload.datasources).toEqual([])
    const started = await post(server, scansPath())
    expect(started.status).toBe(201)
    const scanUrl = started.response.headers.get("location")
    const scanId = server.store.scans(upload.id).at(-1)?.id
    expect(scanUrl).toBe(`${root(server)}${scansPath()}${scanId}/`)
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

    const scanning = await request(server, pathOf(server, scanUrl))
    expect(scanning.body).toMatchObject({ status: "scanning", progress: 0.5, completed_at: null })
    const partial = await logOf(scanUrl)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.at(-1)).not.toMatch(/Finished!$/)

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

  it("follows scanPolls, fails on failNextScan, and cancels running scans", async () => {
    server.store.scanPolls = 3
    const slow = await post(server, scansPath())
    const path = pathOf(server, slow.response.headers.get("location"))
    expect((await request(server, path)).body["progress"]).toBeCloseTo(1 / 3)
    expect((await request(server, path)).body["progress"]).toBeCloseTo(2 / 3)
    expect((await request(server, path)).body["status"]).toBe("completed")

    server.store.failNextScan(upload.id)
    const doomed = await post(server, scansPath())
    const doomedPath = pathOf(server, doomed.response.headers.get("location"))
    await request(server, doomedPath)
    await request(server, doomedPath)
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
    expect(await ofUpload("sort=-started_at")).toEqual([...ids].reverse())
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

describe("permissions", () => {
  let server: FakeServer
  let layer: LayerRecord
  beforeAll(async () => {
    const writers = ["layers:read", "layers:write", "sets:read", "sets:write", "sources:read", "sources:write"]
    server = await startServer({
      catalogSize: 0,
      sourceCount: 0,
      tokens: { "test-token": writers, "sets-only": ["sets:read"] }
    })
    layer = server.store.addLayer({ group: 103 })
  })
  afterAll(() => server.close())

  const group = (id: number, name: string, country: string | null) => ({
    id,
    url: `${root(server)}/groups/${id}/`,
    name,
    country
  })
  const everyone = () => ({ id: "group.everyone", permission: "view", group: group(1, "Everyone", null) })

  it("starts every layer, set and source with its owner as admin and everyone as viewer", async () => {
    const layerList = await request<Array<Json>>(server, `/layers/${layer.id}/permissions/`)
    expect(layerList.response.headers.get("x-resource-range")).toBe("0-2/2")
    expect(layerList.body).toEqual([
      { id: "group.103", permission: "admin", group: group(103, "Greater Wellington Regional Council", "NZ") },
      everyone()
    ])
    const set = server.store.addSet({ group: 107, items: [] })
    expect((await request<Array<Json>>(server, `/sets/${set.id}/permissions/`)).body.map((p) => p["id"]))
      .toEqual(["group.107", "group.everyone"])
    const source = server.store.addSource({ group: null, user: 2075 })
    const sourceList = await request<Array<Json>>(server, `/sources/${source.id}/permissions/`)
    expect(sourceList.body[0]).toEqual({
      id: "user.2075",
      permission: "admin",
      user: { id: 2075, url: `${root(server)}/users/2075/`, first_name: "Charlotte", last_name: "Taylor", country: "NZ" }
    })
    expect(server.store.permissionsOf("source", source.id).map(permissionId)).toEqual(["user.2075", "group.everyone"])
  })

  it("gets one permission by its id, 404 for unknown or malformed ids", async () => {
    const base = `/layers/${layer.id}/permissions/`
    expect((await request(server, `${base}group.everyone/`)).body).toEqual(everyone())
    expect((await request(server, `${base}group.103/`)).body["permission"]).toBe("admin")
    for (const id of ["group.104", "user.2001", "group.1", "108", "groups.103", "user.abc"]) {
      expect((await call(server, `${base}${id}/`)).status, id).toBe(404)
    }
    expect((await call(server, `/layers/999999/permissions/`)).status).toBe(404)
  })

  it("grants with POST (201 and Location), replacing what the holder had", async () => {
    const base = `/layers/${layer.id}/permissions/`
    const byString = await post(server, base, { group: "108", permission: "download" })
    expect(byString.status).toBe(201)
    expect(byString.response.headers.get("location")).toBe(`${root(server)}${base}group.108/`)
    expect(byString.body).toEqual({ id: "group.108", permission: "download", group: group(108, "Spatial Services NSW", "AU") })
    expect((await post(server, base, { group: 108, permission: "edit" })).body["permission"]).toBe("edit")
    const user = await post(server, base, { user: 2038, permission: "admin" })
    expect(user.response.headers.get("location")).toBe(`${root(server)}${base}user.2038/`)
    const downgraded = await post(server, base, { group: "everyone", permission: "download" })
    expect(downgraded.body["id"]).toBe("group.everyone")
    expect(server.store.permissionsOf("layer", layer.id).map((p) => `${permissionId(p)}:${p.permission}`)).toEqual([
      "group.103:admin",
      "group.everyone:download",
      "group.108:edit",
      "user.2038:admin"
    ])
  })

  it("answers 400 for unknown holders, levels and bodies naming both or neither", async () => {
    const base = `/sets/${server.store.addSet({ items: [] }).id}/permissions/`
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{ group: "999", permission: "view" }, { group: ["Invalid pk \"999\" - object does not exist."] }],
      [{ user: 4, permission: "view" }, { user: ["Invalid pk \"4\" - object does not exist."] }],
      [{ group: 101, permission: "own" }, { permission: ["\"own\" is not a valid choice."] }],
      [{ group: 101 }, { permission: ["This field is required."] }],
      [{ permission: "view" }, { non_field_errors: ["Give either a group or a user."] }],
      [{ group: 101, user: 2001, permission: "view" }, { non_field_errors: ["Give either a group or a user."] }]
    ]
    for (const [body, errors] of cases) {
      const reply = await post(server, base, body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body).toEqual(errors)
    }
    expect((await request<Array<unknown>>(server, base)).body).toHaveLength(2)
  })

  it("replaces every permission with PUT, atomically", async () => {
    const source = server.store.addSource({ group: 101 })
    const base = `/sources/${source.id}/permissions/`
    const replaced = await put(server, base, [
      { permission: "view", group: "everyone" },
      { permission: "admin", user: 2001 },
      { permission: "download", group: { id: 105 } }
    ])
    expect(replaced.status).toBe(200)
    expect((replaced.body as unknown as Array<Json>).map((p) => [p["id"], p["permission"]])).toEqual([
      ["group.everyone", "view"],
      ["user.2001", "admin"],
      ["group.105", "download"]
    ])
    expect((await request(server, base)).body).toEqual(replaced.body)

    const before = server.store.permissionsOf("source", source.id)
    const refused = await put(server, base, [
      { permission: "edit", group: 102 },
      { permission: "sudo", user: 2001 },
      { permission: "view" },
      { permission: "view", group: 102 },
      "group.103"
    ])
    expect(refused.status).toBe(400)
    expect(refused.body).toEqual({
      "1": { permission: ["\"sudo\" is not a valid choice."] },
      "2": { non_field_errors: ["Give either a group or a user."] },
      "3": { non_field_errors: ["group.102 is listed more than once."] },
      "4": { non_field_errors: ["Invalid data. Expected a dictionary."] }
    })
    expect(server.store.permissionsOf("source", source.id)).toEqual(before)
    const notList = await put(server, base, { permission: "view", group: 102 })
    expect(notList.body).toEqual({ non_field_errors: ["Expected a list of items but got type \"dict\"."] })
    expect((await put(server, base, [])).body).toEqual([])
    expect(server.store.permissionsOf("source", source.id)).toEqual([])
  })

  it("serves table permissions under /tables/ too, and checks each resource's scope", async () => {
    const table = server.store.addLayer({ kind: "table" })
    const created = await post(server, `/tables/${table.id}/permissions/`, { group: 102, permission: "view" })
    expect(created.response.headers.get("location")).toBe(`${root(server)}/tables/${table.id}/permissions/group.102/`)
    expect((await request<Array<Json>>(server, `/layers/${table.id}/permissions/`)).body).toHaveLength(3)
    expect((await call(server, `/tables/${layer.id}/permissions/`)).status).toBe(404)
    const denied = await call(server, `/layers/${layer.id}/permissions/`, { token: "sets-only" })
    expect(denied.status).toBe(403)
    expect(denied.headers.get("accepted-oauth-scopes")).toBe("layers:read")
    const set = server.store.addSet({ items: [] })
    expect((await call(server, `/sets/${set.id}/permissions/`, { token: "sets-only" })).status).toBe(200)
    const write = await post(server, `/sets/${set.id}/permissions/`, { group: 101, permission: "view" }, { token: "sets-only" })
    expect(write.response.headers.get("accepted-oauth-scopes")).toBe("sets:write")
  })
})

describe("exports", () => {
  let server: FakeServer
  let vector: LayerRecord
  let raster: LayerRecord
  let table: LayerRecord
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, sourceCount: 0 })
    vector = server.store.addLayer({ kind: "vector", name: "NZ Coastlines and Islands Polygons", license: 4 })
    raster = server.store.addLayer({ kind: "raster", name: "Aerial Imagery" })
    table = server.store.addLayer({ kind: "table", name: "Place Names" })
  })
  afterAll(() => server.close())
  beforeEach(() => {
    server.store.exportPolls = 2
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
      ["no-format", "outside-extent"]
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

  it("creates an export (201, Location, no body) that completes over reads", async () => {
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
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "")
    expect(record?.name).toBe(`kx-coastlines-islands-${today}`)

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
    server.store.exportPolls = 1
    expect((await request(server, `/exports/${doomed.id}/`)).body).toMatchObject({ state: "failed", download_url: null })
    expect((await call(server, `/exports/${doomed.id}/download/`)).status).toBe(404)
    const next = await createExport()
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

describe("users and groups", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, sourceCount: 0, tokens: { "test-token": ["users:read"], catalog: ["catalog"] } })
  })
  afterAll(() => server.close())

  it("shows the token's owner in full at /users/me/ and any user at /users/{id}/", async () => {
    const me = await request(server, "/users/me/")
    expect(me.body).toEqual({
      id: 2001,
      url: `${root(server)}/users/2001/`,
      first_name: "Aroha",
      last_name: "Anderson",
      email: "aroha.anderson@example.com",
      country: "NZ",
      groups: [
        { id: 101, url: `${root(server)}/groups/101/`, name: "Land Information New Zealand", country: "NZ" },
        { id: 103, url: `${root(server)}/groups/103/`, name: "Greater Wellington Regional Council", country: "NZ" }
      ]
    })
    const other = await request(server, "/users/2149/")
    expect(other.body).toMatchObject({ id: 2149, country: "AU", email: expect.stringMatching(/@example\.com$/) })
    expect((other.body["groups"] as Array<Json>).map((group) => group["country"])).toEqual(["AU"])
    expect((await call(server, "/users/1/")).status).toBe(404)
    const denied = await call(server, "/users/me/", { token: "catalog" })
    expect(denied.status).toBe(403)
    expect(denied.headers.get("accepted-oauth-scopes")).toBe("users:read")
  })

  it("lists users and groups, searched with q", async () => {
    const users = await request<Array<Json>>(server, "/users/")
    expect(users.response.headers.get("x-resource-range")).toBe(`0-${server.store.users.length}/${server.store.users.length}`)
    expect(Object.keys(users.body[0] ?? {})).toEqual(["id", "url", "first_name", "last_name", "country"])
    const found = await request<Array<Json>>(server, "/users/?q=ROBINSON")
    expect(found.body.map((user) => user["last_name"])).toEqual(
      server.store.users.filter((user) => user.last_name === "Robinson").map(() => "Robinson")
    )
    expect(found.body.length).toBeGreaterThan(0)
    expect((await request<Array<Json>>(server, "/users/?q=ben.ngata@")).body.map((user) => user["id"])).toEqual([2038])
    const expanded = await request<Array<Json>>(server, "/users/?q=aroha", { headers: { Expand: "list" } })
    expect(expanded.body[0]?.["email"]).toBe("aroha.anderson@example.com")

    const groups = await request<Array<Json>>(server, "/groups/")
    expect(groups.body.map((group) => group["id"])).toEqual([1, ...server.store.groups.map((group) => group.id)])
    expect(groups.body[0]).toEqual({ id: 1, url: `${root(server)}/groups/1/`, name: "Everyone", country: null })
    const councils = await request<Array<Json>>(server, "/groups/?q=council")
    expect(councils.body.map((group) => group["id"])).toEqual([102, 103, 106])
    expect((await request(server, "/groups/107/")).body).toEqual({
      id: 107,
      url: `${root(server)}/groups/107/`,
      name: "Geoscience Australia",
      country: "AU",
      url_html: `${server.origin}/group/107-geoscience-australia/`
    })
    expect((await call(server, "/groups/999/")).status).toBe(404)
  })
})

describe("store API for sources, scans, permissions and exports", () => {
  it("adds sources with the options given, scanned unless told otherwise", () => {
    const store = new Store(3)
    const plain = store.addSource({ type: "cifs", title: "Share", group: 105, tags: ["t"], scanned: false })
    expect(plain).toMatchObject({ type: "cifs", title: "Share", tags: ["t"], datasources: [], last_scanned_at: null })
    expect(plain.group?.id).toBe(105)
    expect(plain.url_remote).toMatch(/^smb:\/\//)
    expect(store.scans(plain.id)).toEqual([])
    const files = [
      { upload_path: "a.csv", content_type: "text/csv", size: 4, sha256: sha256("a,b\n"), document: null },
      { upload_path: "a.xml", content_type: "text/xml", size: 4, sha256: sha256("<a/>"), document: Buffer.from("<a/>") }
    ]
    const scanned = store.addSource({ files, user: 2001, group: null })
    expect(scanned.files).toEqual(files)
    expect(store.datasources(scanned.id).map((datasource) => [datasource.upload_path, datasource.data_type])).toEqual([
      ["a.csv", "table"]
    ])
    expect(Buffer.from(store.datasources(scanned.id)[0]?.metadata ?? []).toString()).toBe("<a/>")
    expect(store.scans(scanned.id).at(-1)?.status).toBe("completed")
    expect(store.getSource(scanned.id)).toBe(scanned)
    expect(store.sources()).toEqual([plain, scanned])
    expect(() => store.addSource({ group: 999 })).toThrow(/group/)
    expect(() => store.failNextScan(999)).toThrow(/source/)
    expect(() => store.datasources(999)).toThrow(/source/)
    expect(() => store.permissionsOf("set", 999)).toThrow(/set/)
    expect(() => {
      store.scanPolls = 0
    }).toThrow(/scanPolls/)
    expect(() => new Store(1, { exportPolls: 1.5 })).toThrow(/exportPolls/)
  })

  it("runs scans and exports to their end on demand, and reset starts over", () => {
    const store = new Store(4)
    const layer = store.addLayer()
    const source = store.addSource({ type: "wfs", scanned: false })
    const scan = store.startScan(source)
    store.failNextScan(source.id)
    store.completeScans()
    expect(scan.status).toBe("failed")
    const record = store.createExport({
      name: "kx-test",
      user: store.defaultUser,
      crs: "EPSG:2193",
      formats: { vector: "application/x-zipped-shp" },
      items: [{ layer }],
      extent: null,
      options: {},
      size_estimate_zipped: 1
    })
    expect(record).toMatchObject({ state: "processing", progress: 0, size: 65_536, created_via: "api" })
    store.completeExports()
    expect(record).toMatchObject({ state: "complete", progress: 1 })
    store.setPermissions(layer, [])
    expect(store.permissionsOf("layer", layer.id)).toEqual([])
    expect(() => store.setExportSize(10, 1)).toThrow(/export/)

    store.reset()
    expect([store.sources(), store.scans(), store.exports(), store.layers()]).toEqual([[], [], [], []])
    const again = store.addSource({ type: "wfs", scanned: false })
    expect(again.id).toBe(source.id)
  })

  it("generates the same sources for the same seed", () => {
    const a = new Store(9)
    const b = new Store(9)
    a.generateSources(6)
    b.generateSources(6)
    expect(JSON.stringify(a.sources())).toBe(JSON.stringify(b.sources()))
    const c = new Store(10)
    c.generateSources(6)
    expect(JSON.stringify(c.sources())).not.toBe(JSON.stringify(a.sources()))
    a.reset()
    a.generateSources(6)
    expect(JSON.stringify(a.sources())).toBe(JSON.stringify(b.sources()))
  })
})
