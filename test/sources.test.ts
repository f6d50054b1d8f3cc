/**
 * Data Sources against FakeKoordinates: remote sources, streamed multipart uploads with
 * progress, scans and their logs, datasources.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Query from "@koordinates-effect/client/Query"
import * as Sources from "@koordinates-effect/client/Sources"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"
const quick = { schedule: Schedule.spaced("5 millis") } as const
const sha256 = (bytes: Uint8Array | string) => crypto.createHash("sha256").update(bytes).digest("hex")

describe("Sources", () => {
  it.live("create a remote source, get it, list it, update it, delete it", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const source = yield* Sources.create({
          type: "arcgis",
          title: "Bob's ArcGIS 10 Server",
          url_remote: "https://gis.example.com/arcgis/rest/services",
          scan_schedule: "@daily",
          options: { username: "bob" }
        })
        assert.instanceOf(source, Sources.Source)
        assert.strictEqual(source.type, "arcgis")
        assert.strictEqual(source.url_remote, "https://gis.example.com/arcgis/rest/services")
        const [post] = fake.log.entries()
        assert.deepStrictEqual(JSON.parse(post?.body ?? ""), {
          type: "arcgis",
          title: "Bob's ArcGIS 10 Server",
          url_remote: "https://gis.example.com/arcgis/rest/services",
          scan_schedule: "@daily",
          options: { username: "bob" }
        })
        assert.strictEqual((yield* Sources.get(source.id)).title, "Bob's ArcGIS 10 Server")
        assert.include((yield* Query.collect(Sources.list())).map((s) => s.id), source.id)
        const updated = yield* Sources.update(source.id, { description: "All of Bob's data" })
        assert.strictEqual(updated.description, "All of Bob's data")
        yield* Sources.delete(source.id)
        assert.strictEqual((yield* failure(Sources.get(source.id)))._tag, "NotFound")
      })
    ))

  it.live("an unreachable remote host is a BadRequest naming url_remote", () =>
    withFake(() =>
      Effect.gen(function*() {
        const error = yield* failure(Sources.create({ type: "wfs", title: "t", url_remote: "https://gis.invalid/wfs" }))
        if (error._tag !== "BadRequest") return assert.fail(error._tag)
        assert.include(error.message, "url_remote: Invalid URL")
      })
    ))
})

describe("Sources.createUpload", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-upload-"))
  const csvPath = path.join(scratch, "parks.csv")
  const csv = "id,name\n1,Kelburn Park\n2,Waitangi Park\n"
  fs.writeFileSync(csvPath, csv)
  const xml = "<metadata><title>Parks</title></metadata>"

  it.live("streams files from disk, bytes and streams as multipart parts, with progress", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const progress: Array<{ sent: number; total: number | undefined }> = []
        const tif = new Uint8Array(200_000).map((_, i) => i % 251)
        const source = yield* Sources.createUpload(
          {
            title: "Wellington Parks",
            files: [
              { path: csvPath },
              { bytes: new TextEncoder().encode(xml), uploadPath: "parks.xml" },
              { stream: Stream.make(tif.subarray(0, 100_000), tif.subarray(100_000)), uploadPath: "imagery/0001.tif", size: tif.length }
            ]
          },
          { onProgress: (p) => Effect.sync(() => progress.push(p)) }
        ).pipe(Effect.provide(NodeFileSystem.layer))
        assert.strictEqual(source.type, "upload")
        assert.strictEqual(source.title, "Wellington Parks")
        const files = fake.store.getSource(source.id)!.files
        assert.deepStrictEqual(files.map((f) => [f.upload_path, f.content_type, f.size, f.sha256]), [
          ["parks.csv", "text/csv", csv.length, sha256(csv)],
          ["parks.xml", "text/xml", xml.length, sha256(xml)],
          ["imagery/0001.tif", "image/tiff", tif.length, sha256(tif)]
        ])
        assert.match(fake.log.entries()[0]?.headers["content-type"] ?? "", /^multipart\/form-data; boundary=/)
        assert.strictEqual(progress[0]?.sent, 0)
        const last = progress.at(-1)!
        assert.strictEqual(last.sent, last.total)
        assert.isAbove(progress.length, 3)
        for (let i = 1; i < progress.length; i++) assert.isAtLeast(progress[i]!.sent, progress[i - 1]!.sent)
      })
    ))

  it.live("without sizes the progress has no total", () =>
    withFake(() =>
      Effect.gen(function*() {
        const progress: Array<number | undefined> = []
        yield* Sources.createUpload(
          { title: "Streamed", files: [{ stream: Stream.make(new TextEncoder().encode(csv)), uploadPath: "a.csv" }] },
          { onProgress: ({ total }) => Effect.sync(() => progress.push(total)) }
        )
        assert.isTrue(progress.every((total) => total === undefined))
      })
    ))
})

describe("Scans and datasources", () => {
  it.live("a scan of an upload finds its datasources; its log streams line by line", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const source = yield* Sources.createUpload({
          title: "Parks",
          files: [
            { bytes: new TextEncoder().encode("id,name\n1,a\n"), uploadPath: "parks.csv" },
            { bytes: new TextEncoder().encode("<metadata/>"), uploadPath: "parks.xml" }
          ]
        })
        // a new upload is scanned on its own: a second scan is a Conflict while it runs
        const [scan] = yield* Query.collect(Sources.listScans(source.id))
        assert.instanceOf(scan, Sources.Scan)
        if (scan === undefined) return assert.fail("no scan")
        assert.strictEqual((yield* failure(Sources.startScan(source.id)))._tag, "Conflict")
        const done = yield* Sources.waitForScan(source.id, scan.id, quick)
        assert.strictEqual(done.status, "completed")
        const datasources = yield* Query.collect(Sources.listDatasources(source.id))
        assert.deepStrictEqual(datasources.map((d) => [d.data_type, d.upload_path]), [["table", "parks.csv"]])
        const detail = yield* Sources.getDatasource(source.id, datasources[0]!.id)
        assert.isDefined(detail.metadata?.native)
        const lines = yield* Stream.runCollect(Sources.scanLog(source.id, scan.id))
        assert.isAbove(lines.length, 1)
        for (const line of lines) assert.notInclude(line, "\n")
        assert.strictEqual(fake.log.entries().at(-1)?.headers["accept"], "text/plain")
        const scans = yield* Query.collect(Sources.listScans(source.id).pipe(Query.filter({ status: "completed" })))
        assert.deepStrictEqual(scans.map((s) => s.id), [scan.id])
        const all = yield* Query.collect(Sources.listScans())
        assert.include(all.map((s) => s.id), scan.id)
        assert.include(requested(fake), `GET ${api}/sources/scans/`)
      })
    ))

  it.live("a failed scan is ScanFailed; a running scan can be cancelled", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const source = fake.store.addSource({ type: "wfs" })
          fake.store.failNextScan(source.id)
          const failing = yield* Sources.startScan(source.id)
          const error = yield* failure(Sources.waitForScan(source.id, failing.id, quick))
          if (error._tag !== "ScanFailed") return assert.fail(error._tag)
          assert.strictEqual(error.state, "failed")
          const running = yield* Sources.startScan(source.id)
          yield* Sources.cancelScan(source.id, running.id)
          assert.strictEqual((yield* Sources.getScan(source.id, running.id)).status, "cancelled")
        }),
      { scanTime: "500 millis" }
    ))
})
