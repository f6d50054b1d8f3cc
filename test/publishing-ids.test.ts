/**
 * Publishing items named by ids (`{ layer, version }`, `{ table, version }`, `{ set, version }`)
 * beside draft objects and version URLs, against FakeKoordinates.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Schedule from "effect/Schedule"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"
const quick = { schedule: Schedule.spaced("5 millis") } as const

describe("Publishing.create with ids", () => {
  it.live("sends the version URLs the ids name, beside a draft object and a URL, and publishes them all", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads", draft: "ok" })
        const rail = fake.store.addLayer({ name: "Rail", kind: "table", draft: "ok" })
        const transport = fake.store.addSet({ title: "Transport", publishedVersions: 0 })
        const rivers = yield* Layers.getDraft(fake.store.addLayer({ name: "Rivers", draft: "ok" }).id)
        const lakes = yield* Layers.getDraft(fake.store.addLayer({ name: "Lakes", draft: "ok" }).id)
        const last = (record: { readonly versions: ReadonlyArray<{ readonly id: number }> }) => record.versions.at(-1)!.id
        fake.log.clear()
        const publish = yield* Publishing.create({
          items: [
            { layer: roads.id, version: last(roads) },
            { table: rail.id, version: last(rail) },
            { set: transport.id, version: last(transport) },
            rivers,
            lakes.this_version!
          ]
        })
        const [post] = fake.log.entries()
        const root = `${fake.origin}${api}`
        assert.deepStrictEqual(JSON.parse(post?.body ?? "").items, [
          `${root}/layers/${roads.id}/versions/${last(roads)}/`,
          `${root}/tables/${rail.id}/versions/${last(rail)}/`,
          `${root}/sets/${transport.id}/versions/${last(transport)}/`,
          rivers.this_version,
          lakes.this_version
        ])
        assert.lengthOf(publish.items, 5)
        assert.strictEqual((yield* Publishing.waitForPublish(publish.id, quick)).state, "completed")
        assert.isTrue(Layers.isPublishedVersion(yield* Layers.get(roads.id)))
      })
    ))

  it.live("ids that name no version are the server's BadRequest", () =>
    withFake(() =>
      Effect.gen(function*() {
        const error = yield* failure(Publishing.create({ items: [{ layer: 8888, version: 9999 }] }))
        if (error._tag !== "BadRequest") return assert.fail(error._tag)
        assert.include(error.message, "/layers/8888/versions/9999/")
      })
    ))

  for (
    const [name, item, field] of [
      ["a zero layer id", { layer: 0, version: 1 }, "items[0].layer"],
      ["a fractional version", { table: 3, version: 1.5 }, "items[0].version"],
      ["ids with no version", { set: 3 }, "items[0]"],
      ["an object of another kind", { source: 3, version: 1 }, "items[0]"],
      ["null", null, "items[0]"]
    ] as const
  ) {
    it.live(`refuses ${name} with ClientValidationError, before any request`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const error = yield* failure(Publishing.create({ items: [item as unknown as Publishing.PublishItem] }))
          if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
          assert.strictEqual(error.field, field)
          assert.strictEqual(fake.log.count(), 0)
        })
      ))
  }
})
