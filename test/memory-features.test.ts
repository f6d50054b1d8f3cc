/**
 * A million features move through `Features.stream` page by page: streaming them from a
 * fake's WFS (in a child process, so that only the client's memory is measured) grows what
 * this process holds by less than 64 MB at its peak, and the live JS heap by less than
 * 16 MB; every feature arrives once, in key order. Sampled every 500 ms after a garbage
 * collection, from after a warm-up stream of 100,000 features. What it holds is its RSS less
 * the V8 heap's committed but unused space (`rss - heapTotal + heapUsed`): V8 sizes its heap
 * to the allocation rate of a long stream and keeps it (30–60 MB in a cold process, more on
 * a loaded machine) while the live heap stays within a few MB; that space holds no features.
 * The raw RSS is logged beside it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { createInterface } from "node:readline"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Features from "@koordinates-effect/client/Features"
import * as Koordinates from "@koordinates-effect/client/Koordinates"

const count = 1_000_000
const limit = 64 * 1024 * 1024
const bin = new URL("../packages/testing/dist/bin.js", import.meta.url).pathname

v8.setFlagsFromString("--expose-gc")
/** The garbage collector, so that samples measure what is held, not what awaits collection. */
const gc = vm.runInNewContext("gc") as () => void

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

/** A fake in a child process with a layer of `features` points: its origin and the layer's id. */
const childFake = (features: number) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const child = spawn(process.execPath, [bin, "--port", "0", "--catalog", "0", "--features", String(features)], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      let origin: string | undefined
      let layer: number | undefined
      for await (const line of createInterface({ input: child.stdout })) {
        origin ??= /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0]
        const id = /^Feature layer (\d+):/.exec(line)?.[1]
        if (id !== undefined) {
          layer = Number(id)
          break
        }
      }
      if (origin === undefined || layer === undefined) throw new Error("the fake did not start")
      return { child, origin, layer }
    }),
    ({ child }) => Effect.sync(() => child.kill())
  )

describe.skipIf(!fs.existsSync(bin))("memory", () => {
  it.live(`${count.toLocaleString("en")} features stream through WFS pages`, () =>
    Effect.gen(function*() {
      const { origin, layer } = yield* childFake(count)
      const live = Koordinates.layer({ origin, token: "test-token" }).pipe(Layer.provide(FetchHttpClient.layer))
      gc()
      const cold = process.memoryUsage.rss()
      yield* Stream.runDrain(Features.stream(Features.layer(layer).pipe(Features.limit(100_000)))).pipe(Effect.provide(live))
      const held = (m: NodeJS.MemoryUsage) => m.rss - m.heapTotal + m.heapUsed
      gc()
      const first = process.memoryUsage()
      const [start, heapStart, rssStart] = [held(first), first.heapUsed, first.rss]
      let [peak, heapPeak, rssPeak] = [start, heapStart, rssStart]
      const sampler = setInterval(() => {
        gc()
        const m = process.memoryUsage()
        peak = Math.max(peak, held(m))
        heapPeak = Math.max(heapPeak, m.heapUsed)
        rssPeak = Math.max(rssPeak, m.rss)
      }, 500)
      const began = performance.now()
      let seen = 0
      let inOrder = true
      yield* Features.stream(Features.layer(layer)).pipe(
        Stream.runForEach((feature) =>
          Effect.sync(() => {
            seen++
            if (feature.id !== `layer-${layer}.${seen}`) inOrder = false
          })
        ),
        Effect.provide(live),
        Effect.ensuring(Effect.sync(() => clearInterval(sampler)))
      )
      const seconds = (performance.now() - began) / 1000
      console.log(
        `${count.toLocaleString("en")} features, ${Features.defaultPageSize} a page: ${seconds.toFixed(1)} s; held ` +
          `${megabytes(peak - start)} MB more at the peak, the live heap ${megabytes(heapPeak - heapStart)} MB; ` +
          `raw RSS ${megabytes(rssPeak - rssStart)} MB (${megabytes(rssPeak - cold)} MB counting the warm-up)`
      )
      assert.strictEqual(seen, count)
      assert.isTrue(inOrder, "every feature once, in key order")
      assert.isBelow(heapPeak - heapStart, 16 * 1024 * 1024)
      assert.isBelow(peak - start, limit)
    }).pipe(Effect.scoped), 180_000)
})
