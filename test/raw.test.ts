/**
 * Replies beside their models (`Raw`): the JSON of list items and single objects, and the
 * fields a model does not name, against FakeKoordinates and the recorded replies.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as Raw from "@koordinates-effect/client/Raw"
import * as Sets from "@koordinates-effect/client/Sets"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"
import { fixturesPresent, readFixture } from "./support/fixtures.ts"

const api = "/services/api/v1.x"

describe("Raw.withJson", () => {
  it.live("gives each list item with its JSON; filters, limits and expansion work as on the query", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.addLayer({ name: "Roads" })
        fake.store.addLayer({ name: "Rail" })
        const items = yield* Query.collect(Raw.withJson(Layers.list()).pipe(Query.orderBy("name"), Query.limit(1)))
        assert.lengthOf(items, 1)
        assert.instanceOf(items[0]?.value, Layers.LayerSummary)
        assert.strictEqual(items[0]?.json["name"], "Rail")
        assert.deepStrictEqual(Raw.unknownKeys(items[0]!), {})
        const expanded = yield* Query.collect(Query.expand(Raw.withJson(Catalog.list())))
        for (const { value, json } of expanded) {
          if (value._tag !== "Layer") return assert.fail(value._tag)
          assert.strictEqual(value.data.crs ?? null, (json["data"] as { crs?: string | null }).crs ?? null)
        }
        assert.strictEqual(fake.log.entries().at(-1)?.headers["expand"], "list")
      })
    ))

  it.live("keeps the fields the model does not name", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Roads" })
        const listed = (yield* Query.collect(Layers.list()))[0]!
        const body = [{ ...Schema.encodeSync(Layers.LayerSummary)(listed), thumbnail_url: "https://x/t.png", score: 3 }]
        fake.inject({ path: `${api}/layers/`, status: 200, body, times: 2 })
        const [item] = yield* Query.collect(Raw.withJson(Layers.list()))
        assert.strictEqual(item?.value.id, record.id)
        assert.deepStrictEqual(Raw.unknownKeys(item!), { thumbnail_url: "https://x/t.png", score: 3 })
        const [plain] = yield* Query.collect(Layers.list())
        assert.notProperty(plain, "thumbnail_url")
      })
    ))

  it.live("a reply the model cannot decode is still a ResponseDecodeError at the item's path", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({ path: `${api}/layers/`, status: 200, body: [{ id: 1, url: "u", type: "layer" }] })
        const error = yield* failure(Query.collect(Raw.withJson(Layers.list())))
        if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
        assert.strictEqual(error.path, "[0].value.name")
      })
    ))
})

describe("Raw.get", () => {
  it.live("reads one object with its JSON, expand included", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addSet({ title: "Transport" })
        const { value, json } = yield* Raw.get(`/sets/${record.id}/`, Sets.Set, { expand: ["items"] })
        assert.instanceOf(value, Sets.Set)
        assert.strictEqual(json["title"], "Transport")
        assert.strictEqual(fake.log.entries()[0]?.headers["expand"], "items")
      })
    ))

  it.live.skipIf(!fixturesPresent)("the recorded layer, with a field added by the site, keeps that field", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const recorded = readFixture("responses_2__layers_single_good_simulated_response.json") as Record<string, unknown>
        fake.inject({ path: `${api}/layers/1474/`, status: 200, body: { ...recorded, attribution: "© Wellington City Council" } })
        const item = yield* Raw.get("/layers/1474/", Layers.Layer)
        assert.strictEqual(item.value.data.crs, "EPSG:2193")
        assert.deepStrictEqual(Raw.unknownKeys(item), { attribution: "© Wellington City Council" })
      })
    ))
})
