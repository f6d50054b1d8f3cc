/**
 * A million features move through `Features.stream` page by page: streaming them from a
 * fake's WFS (in a child process, so that only the client's memory is measured) grows this
 * process's memory (RSS, sampled while it runs, each sample after a garbage collection) by
 * less than 64 MB, and the live JS heap by less than 16 MB; every feature arrives once, in
 * key order. RSS is measured from after a warm-up stream of 100,000 features: V8 sizes its
 * heap to the allocation rate of a long stream (its committed heap grew by 30–60 MB in a cold
 * process while the live heap stayed within 6 MB), and that is paid once, not per feature.
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
      gc()
      const start = process.memoryUsage.rss()
      const heapStart = process.memoryUsage().heapUsed
      let peak = start
      let heapPeak = heapStart
      const sampler = setInterval(() => {
        gc()
        peak = Math.max(peak, process.memoryUsage.rss())
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
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
      const growth = peak - start
      console.log(
        `${count.toLocaleString("en")} features, ${Features.defaultPageSize} a page: ${seconds.toFixed(1)} s, RSS grew ` +
          `${megabytes(growth)} MB (${megabytes(peak - cold)} MB counting the warm-up), the live heap ${megabytes(heapPeak - heapStart)} MB`
      )
      assert.strictEqual(seen, count)
      assert.isTrue(inOrder, "every feature once, in key order")
      assert.isBelow(growth, limit)
      assert.isBelow(heapPeak - heapStart, 16 * 1024 * 1024)
    }).pipe(Effect.scoped), 180_000)
})
