/**
 * A million features move through `Features.stream` page by page: streaming them from the
 * fake's WFS grows the process's memory (RSS, sampled while it runs, fake server included)
 * by less than 64 MB; every feature arrives once, in key order.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Features from "@koordinates-effect/client/Features"
import { withFake } from "./support/fake.ts"

const count = 1_000_000
const limit = 64 * 1024 * 1024

v8.setFlagsFromString("--expose-gc")
/** The garbage collector, so that samples measure what is held, not what awaits collection. */
const gc = vm.runInNewContext("gc") as () => void

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

describe("memory", () => {
  it.live(`${count.toLocaleString("en")} features stream through WFS pages`, () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ features: count, geometryType: "point" })
        gc()
        const start = process.memoryUsage.rss()
        let peak = start
        const sampler = setInterval(() => {
          gc()
          peak = Math.max(peak, process.memoryUsage.rss())
        }, 100)
        const began = performance.now()
        let seen = 0
        let inOrder = true
        yield* Features.stream(Features.layer(layer.id).pipe(Features.pageSize(10_000))).pipe(
          Stream.runForEach((feature) =>
            Effect.sync(() => {
              seen++
              if (feature.id !== `layer-${layer.id}.${seen}`) inOrder = false
            })
          ),
          Effect.ensuring(Effect.sync(() => clearInterval(sampler)))
        )
        const seconds = (performance.now() - began) / 1000
        const growth = peak - start
        console.log(`${count.toLocaleString("en")} features: ${seconds.toFixed(1)} s, RSS grew ${megabytes(growth)} MB`)
        assert.strictEqual(seen, count)
        assert.isTrue(inOrder, "every feature once, in key order")
        assert.isBelow(growth, limit)
      })
    ), 180_000)
})
