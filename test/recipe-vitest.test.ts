/**
 * The README's recipe "Testing your code with FakeKoordinates", plain vitest: this file is
 * the recipe's code block as it stands there (test/readme-recipes.test.ts keeps them equal).
 */
import * as Effect from "effect/Effect"
import { expect, test } from "vitest"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"

// the code under test: names of the layers tagged `tag`
const layerNames = (tag: string) =>
  Query.collect(Layers.list().pipe(Query.filter({ tag }))).pipe(Effect.map((layers) => layers.map((l) => l.name)))

test("layerNames lists the tagged layers", async () => {
  const program = Effect.gen(function*() {
    const fake = yield* FakeKoordinates.FakeKoordinates
    fake.store.addLayer({ name: "Roads", tags: ["transport"] })
    fake.store.addLayer({ name: "Rivers", tags: ["water"] })
    const names = yield* layerNames("transport")
    return { names, requests: fake.log.entries().map((entry) => entry.path) }
  })
  const { names, requests } = await Effect.runPromise(program.pipe(Effect.provide(FakeKoordinates.layer({ catalogSize: 0 }))))
  expect(names).toEqual(["Roads"])
  expect(requests).toEqual(["/services/api/v1.x/layers/"])
})
