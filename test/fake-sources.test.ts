/**
 * Tests of FakeKoordinates' data sources over real HTTP: lists and details, creating
 * remote sources from JSON and upload sources from streamed multipart bodies (scanned at
 * once), editing, deleting, and a source's metadata.
 */
import { createHash } from "node:crypto"
import { request as httpRequest } from "node:http"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "vitest"
import {
  call,
  type Json,
  pathOf,
  post,
  put,
  remove,
  request,
  root,
  useServer,
  ISO_METADATA,
  sha256,
  uploadForm,
  expectFieldErrors
} from "./support/raw.ts"

const SOURCE_SUMMARY_KEYS = ["id", "url", "url_html", "title", "type"]
const SOURCE_HEAD_KEYS = [
  ...SOURCE_SUMMARY_KEYS, "license", "publish_to_catalog_services", "permissions", "description", "description_html",
  "categories", "tags"
]
const SOURCE_TAIL_KEYS = ["metadata", "last_scanned_at", "scan_schedule", "options", "datasources", "scans"]
/** A hand-written multipart body (for what FormData cannot express). */
const rawMultipart = (boundary: string, parts: ReadonlyArray<readonly [headers: string, content: string]>, close = true) =>
  `${parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join("")}${
    close ? `--${boundary}--\r\n` : ""
  }`
const multipartHeaders = (boundary: string) => ({ "Content-Type": `multipart/form-data; boundary=${boundary}` })

describe("data sources", () => {
  const server = useServer({ catalogSize: 0, sourceCount: 7 })

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
    expect(server.store.scans(source?.id ?? 0)).toEqual([])
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
    await expectFieldErrors(server, "/sources/", cases)
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
  const server = useServer({ catalogSize: 0, sourceCount: 0, clock: "manual" })

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
    // a new upload is scanned at once: its scan is queued with the 201
    expect(server.store.scans(id).map((scan) => scan.status)).toEqual(["queued"])
    server.store.completeScans()
    const datasources = await request<Array<Json>>(server, `/sources/${id}/datasources/`)
    expect(datasources.body.map((datasource) => datasource["upload_path"])).toEqual(["folder/0001.tif", "roads.csv"])
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
