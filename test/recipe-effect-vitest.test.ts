/**
 * The README's recipe "Testing your code with FakeKoordinates", @effect/vitest: this file is
 * the recipe's code block as it stands there (test/readme-recipes.test.ts keeps them equal).
 */
import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Errors from "@koordinates-effect/client/Errors"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"

describe("with @effect/vitest", () => {
  it.live("reads a layer the test added", () =>
    Effect.gen(function*() {
      const fake = yield* FakeKoordinates.FakeKoordinates
      const record = fake.store.addLayer({ name: "Roads" })
      const layer = yield* Layers.get(record.id)
      assert.strictEqual(layer.name, "Roads")
    }).pipe(Effect.provide(FakeKoordinates.layer({ catalogSize: 0 }))))

  it.live("fails with the error the server's answer maps to", () =>
    Effect.gen(function*() {
      const fake = yield* FakeKoordinates.FakeKoordinates
      fake.inject({ path: /\/layers\/\d+\/$/, status: 404 })
      const error = yield* Effect.flip(Layers.get(1001))
      assert.instanceOf(error, Errors.NotFound)
    }).pipe(Effect.provide(FakeKoordinates.layer({ catalogSize: 5, retry: false }))))

  // one fake for the whole block: tests see each other's changes, so keep them to reads
  layer(FakeKoordinates.layer({ catalogSize: 50 }))("a shared fake", (it) => {
    it.effect("counts the catalog with one HEAD", () =>
      Effect.gen(function*() {
        const fake = yield* FakeKoordinates.FakeKoordinates
        const total = yield* Query.count(Layers.list())
        assert.isAbove(total, 0)
        assert.strictEqual(fake.log.count((entry) => entry.method === "HEAD"), 1)
      }))
  })
})
