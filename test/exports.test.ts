/**
 * Exports against FakeKoordinates: create, validate, formats, waits, cancel and delete,
 * crop layers, and downloads that come from a storage host without the token.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import { exportSha256, FakeKoordinates } from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const quick = { schedule: Schedule.spaced("5 millis") } as const
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-export-"))

const request = (url: string): Exports.NewExport => ({
  crs: "EPSG:2193",
  formats: { vector: "application/x-zipped-shp" },
  items: [{ item: url, color: "#003399" }]
})

/** A fake with one layer and a complete export of it. */
const completeExport = Effect.gen(function*() {
  const fake = yield* FakeKoordinates
  const layer = yield* Layers.get(fake.store.addLayer({ name: "Roads" }).id)
  const created = yield* Exports.create(request(layer.url))
  const done = yield* Exports.waitForExport(created.id, quick)
  fake.log.clear()
  return done
})

describe("Exports", () => {
  it.live("create posts the request and follows Location; the server names it; it completes", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* Layers.get(fake.store.addLayer().id)
        fake.log.clear()
        const created = yield* Exports.create({ ...request(layer.url), name: "Roads of Wellington" })
        assert.instanceOf(created, Exports.Export)
        assert.match(created.name, /^kx-/)
        assert.strictEqual(created.state, "processing")
        assert.deepStrictEqual(JSON.parse(fake.log.entries()[0]?.body ?? ""), {
          ...request(layer.url),
          name: "Roads of Wellington"
        })
        const done = yield* Exports.waitForExport(created.id, quick)
        assert.strictEqual(done.state, "complete")
        assert.isString(done.download_url)
        assert.include((yield* Query.collect(Exports.list())).map((e) => e.id), created.id)
      })
    ))

  it.live("validate reports reasons per item and overall", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* Layers.get(fake.store.addLayer().id)
        const valid = yield* Exports.validate(request(layer.url))
        assert.isTrue(valid.is_valid)
        assert.deepStrictEqual(Exports.reasons(valid), {})
        const outside = yield* Exports.validate({
          ...request(layer.url),
          extent: { type: "Polygon", coordinates: [[[181, 1], [182, 1], [182, 2], [181, 1]]] }
        })
        assert.isFalse(outside.is_valid)
        assert.deepInclude(Exports.reasons(outside), { [layer.url]: ["outside-extent"] })
      })
    ))

  it.live("formats come from OPTIONS, by kind", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const formats = yield* Exports.formats()
        assert.include(Object.keys(formats), "vector")
        assert.isString(formats["vector"]?.["application/x-zipped-shp"])
        assert.strictEqual(fake.log.entries()[0]?.method, "OPTIONS")
      })
    ))

  it.live("cancel stops a processing export; an export that has ended is a Conflict from the server, and stays", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const layer = yield* Layers.get(fake.store.addLayer().id)
          const created = yield* Exports.create(request(layer.url))
          const cancelled = yield* Exports.cancel(created.id)
          assert.strictEqual(cancelled.state, "cancelled")
          fake.log.clear()
          const refused = yield* failure(Exports.cancel(created.id))
          assert.strictEqual(refused._tag, "Conflict")
          assert.deepStrictEqual(fake.log.entries().map((e) => e.method), ["DELETE"])
          assert.strictEqual((yield* Exports.get(created.id)).state, "cancelled")
        }),
      { exportTime: "1 hour" }
    ))

  it.live("a failed export makes waitForExport fail with DownloadError", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* Layers.get(fake.store.addLayer().id)
        fake.store.failNextExport()
        const created = yield* Exports.create(request(layer.url))
        const error = yield* failure(Exports.waitForExport(created.id, quick))
        assert.strictEqual(error._tag, "DownloadError")
      })
    ))

  it.live("crop layers and features; a crop feature is usable as an extent", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const cropLayers = yield* Query.collect(Exports.listCropLayers())
        assert.isAbove(cropLayers.length, 0)
        const cropLayer = yield* Exports.getCropLayer(cropLayers[0]!.id)
        const features = yield* Query.collect(Exports.listCropFeatures(cropLayer.id))
        const feature = yield* Exports.getCropFeature(cropLayer.id, features[0]!.id)
        assert.isDefined(feature.geometry)
        const layer = yield* Layers.get(fake.store.addLayer().id)
        fake.log.clear()
        yield* Exports.validate({ ...request(layer.url), extent: feature })
        assert.strictEqual(JSON.parse(fake.log.entries()[0]?.body ?? "").extent, feature.url)
      })
    ))
})

describe("Exports.download", () => {
  it.live("streams the bytes from the storage host, without the token, with progress", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(300_000)
        const done = yield* completeExport
        const progress: Array<[number, number | undefined]> = []
        const chunks = yield* Stream.runCollect(
          Exports.download(done, { onProgress: ({ received, total }) => Effect.sync(() => progress.push([received, total])) })
        )
        const bytes = Buffer.concat(chunks)
        assert.strictEqual(bytes.length, 300_000)
        assert.strictEqual(crypto.createHash("sha256").update(bytes).digest("hex"), exportSha256(done.id, 300_000))
        assert.deepStrictEqual(progress[0], [0, 300_000])
        assert.deepStrictEqual(progress.at(-1), [300_000, 300_000])
        assert.strictEqual(fake.log.entries()[0]?.headers["authorization"], "key test-token")
        const storage = fake.storageLog.entries()
        assert.lengthOf(storage, 1)
        assert.isUndefined(storage[0]?.headers["authorization"])
      })
    ))

  it.live("a download that breaks off is a DownloadError or TransportError, never short data", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(300_000)
        const done = yield* completeExport
        fake.store.truncateNextDownload(100_000)
        const error = yield* failure(Stream.runCollect(Exports.download(done)))
        assert.include(["DownloadError", "TransportError"], error._tag)
      })
    ))

  /** The bytes of a download, collected, with their SHA-256. */
  const downloaded = (done: Exports.Export) =>
    Effect.map(Stream.runCollect(Exports.download(done)), (chunks) => {
      const hash = crypto.createHash("sha256")
      let size = 0
      for (const chunk of chunks) {
        hash.update(chunk)
        size += chunk.length
      }
      return { size, sha256: hash.digest("hex") }
    })

  it.live("with retries, a download that breaks off goes on where it stopped (Range), however often", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(300_000)
        const done = yield* completeExport
        fake.store.truncateNextDownload(100_000)
        fake.store.truncateNextDownload(50_000)
        const bytes = yield* downloaded(done)
        assert.deepStrictEqual(bytes, { size: 300_000, sha256: exportSha256(done.id, 300_000) })
        const storage = fake.storageLog.entries()
        assert.deepStrictEqual(storage.map((entry) => entry.headers["range"]), [undefined, "bytes=100000-", "bytes=150000-"])
        assert.isTrue(storage.every((entry) => entry.headers["authorization"] === undefined))
      }), { retry: { base: "1 millis" } }))

  it.live("with retries, a server that ignores Range is read again from the start, the bytes already had dropped", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(300_000)
        fake.store.downloadRanges = false
        const done = yield* completeExport
        fake.store.truncateNextDownload(120_000)
        const bytes = yield* downloaded(done)
        assert.deepStrictEqual(bytes, { size: 300_000, sha256: exportSha256(done.id, 300_000) })
        assert.lengthOf(fake.storageLog.entries(), 2)
      }), { retry: { base: "1 millis" } }))

  it.live("resuming stops when the retries run out", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(300_000)
        const done = yield* completeExport
        for (let cut = 0; cut < 5; cut++) fake.store.truncateNextDownload(10_000)
        const error = yield* failure(downloaded(done))
        assert.include(["DownloadError", "TransportError"], error._tag)
        assert.lengthOf(fake.storageLog.entries(), 3)
      }), { retry: { base: "1 millis", times: 2 } }))

  it.live("an export that is not complete is a DownloadError before any download", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const layer = yield* Layers.get(fake.store.addLayer().id)
          const created = yield* Exports.create(request(layer.url))
          const error = yield* failure(Stream.runCollect(Exports.download(created)))
          assert.strictEqual(error._tag, "DownloadError")
          assert.lengthOf(fake.storageLog.entries(), 0)
        }),
      { exportTime: "1 hour" }
    ))

  it.live("downloadToFile names the file after the export in a directory, refuses to overwrite, and can", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const done = yield* completeExport
        const directory = scratch()
        const written = yield* Exports.downloadToFile(done.id, directory)
        assert.strictEqual(written, path.join(directory, `${done.name}.zip`))
        assert.strictEqual(
          crypto.createHash("sha256").update(fs.readFileSync(written)).digest("hex"),
          exportSha256(done.id, fake.store.exportSize)
        )
        const again = yield* failure(Exports.downloadToFile(done, directory))
        assert.strictEqual(again._tag, "ClientValidationError")
        const explicit = path.join(directory, "copy.zip")
        fs.writeFileSync(explicit, "old")
        assert.strictEqual(yield* Exports.downloadToFile(done, explicit, { overwrite: true }), explicit)
        assert.strictEqual(fs.statSync(explicit).size, fake.store.exportSize)
        assert.deepStrictEqual(fs.readdirSync(directory).sort(), ["copy.zip", `${done.name}.zip`].sort())
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))

  it.live("a failed or interrupted downloadToFile leaves no file behind", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(5_000_000)
        const done = yield* completeExport
        const directory = scratch()
        fake.store.truncateNextDownload(1_000_000)
        yield* failure(Exports.downloadToFile(done, directory))
        assert.deepStrictEqual(fs.readdirSync(directory), [])
        const slow = Exports.downloadToFile(done, directory, {
          onProgress: ({ received }) => received > 0 ? Effect.sleep("20 millis") : Effect.void
        })
        const fiber = yield* Effect.forkChild(slow)
        yield* Effect.sleep("100 millis")
        yield* Fiber.interrupt(fiber)
        assert.deepStrictEqual(fs.readdirSync(directory), [])
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))
})
