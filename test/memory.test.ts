/**
 * Large data moves through the client as streams: a 200 MB upload and a 200 MB download
 * each grow the process's memory (RSS, sampled while they run, fake server included) by
 * less than 64 MB, and the bytes are checked by hash. Uploads go through
 * `NodeHttpClient.layerUndici`: Node's `fetch` holds a streamed request body in memory.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Sources from "@koordinates-effect/client/Sources"
import { exportSha256 } from "@koordinates-effect/testing"
import { withFake } from "./support/fake.ts"

const size = 200 * 1024 * 1024
const limit = 64 * 1024 * 1024

v8.setFlagsFromString("--expose-gc")
/** The garbage collector, so that samples measure what is held, not what awaits collection. */
const gc = vm.runInNewContext("gc") as () => void

/**
 * Runs `effect` while sampling RSS every 50 ms, each sample taken right after a garbage
 * collection; returns its result, that peak growth over the start, and the raw peak growth
 * (without collections) for the record.
 */
const measured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    gc()
    const start = process.memoryUsage.rss()
    let peak = start
    let rawPeak = start
    const raw = setInterval(() => {
      rawPeak = Math.max(rawPeak, process.memoryUsage.rss())
    }, 5)
    const collected = setInterval(() => {
      gc()
      peak = Math.max(peak, process.memoryUsage.rss())
    }, 50)
    const result = yield* Effect.ensuring(effect, Effect.sync(() => {
      clearInterval(raw)
      clearInterval(collected)
    }))
    return { result, growth: peak - start, rawGrowth: rawPeak - start }
  })

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

/** A 200 MB file of varied bytes, written a megabyte at a time; returns its path and SHA-256. */
const bigFile = () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-memory-")), "imagery.tif")
  const hash = crypto.createHash("sha256")
  const fd = fs.openSync(file, "w")
  const block = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < size / block.length; i++) {
    block.writeUInt32LE(i, 0)
    block.fill(i % 251, 4)
    fs.writeSync(fd, block)
    hash.update(block)
  }
  fs.closeSync(fd)
  return { file, sha256: hash.digest("hex") }
}

describe("memory", () => {
  it.live("a 200 MB upload streams from disk", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { file, sha256 } = bigFile()
        const { result: source, growth, rawGrowth } = yield* measured(
          Sources.createUpload({ title: "Imagery", files: [{ path: file }] }).pipe(Effect.provide(NodeFileSystem.layer))
        )
        fs.rmSync(path.dirname(file), { recursive: true })
        const [uploaded] = fake.store.getSource(source.id)!.files
        assert.strictEqual(uploaded?.size, size)
        assert.strictEqual(uploaded?.sha256, sha256)
        console.log(`200 MB upload: RSS grew ${megabytes(growth)} MB (${megabytes(rawGrowth)} MB before collection)`)
        assert.isBelow(growth, limit)
      }), { httpClient: NodeHttpClient.layerUndici }
    ), 120_000)

  it.live("a 200 MB download streams to its consumer", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.setExportSize(size)
        const layer = yield* Layers.get(fake.store.addLayer().id)
        const created = yield* Exports.create({ crs: "EPSG:2193", formats: { vector: "application/x-zipped-shp" }, items: [{ item: layer.url }] })
        fake.store.completeExports()
        const done = yield* Exports.get(created.id)
        const hash = crypto.createHash("sha256")
        let received = 0
        const { growth, rawGrowth } = yield* measured(
          Stream.runForEach(Exports.download(done), (chunk) =>
            Effect.sync(() => {
              hash.update(chunk)
              received += chunk.length
            }))
        )
        assert.strictEqual(received, size)
        assert.strictEqual(hash.digest("hex"), exportSha256(done.id, size))
        console.log(`200 MB download: RSS grew ${megabytes(growth)} MB (${megabytes(rawGrowth)} MB before collection)`)
        assert.isBelow(growth, limit)
      })
    ), 120_000)
})
