/**
 * The expanded catalog (`Expand: list`): layers and tables decode into the full models,
 * dispatched by URL, against FakeKoordinates and the recorded catalog.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import { withFake } from "./support/fake.ts"
import { fixturesPresent, readFixture } from "./support/fixtures.ts"

const api = "/services/api/v1.x"

describe("Query.expand(Catalog.list())", () => {
  it.live("gives layers and tables in full, sets and documents as listed, with Expand: list", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const entries = yield* Query.collect(Query.expand(Catalog.list()))
          const tags = new globalThis.Set(entries.map((entry) => entry._tag))
          assert.deepStrictEqual([...tags].sort(), ["Document", "Layer", "Set", "Table"])
          for (const entry of entries) {
            switch (entry._tag) {
              case "Layer":
              case "Table":
                assert.instanceOf(entry, Layers.Layer)
                assert.isString(entry.name)
                assert.isDefined(entry.data)
                assert.strictEqual(entry.type, entry._tag.toLowerCase())
                break
              case "Set":
                assert.instanceOf(entry, Sets.Set)
                break
              case "Document":
                assert.instanceOf(entry, Catalog.CatalogDocument)
                break
              case "Other":
                assert.fail("the fake serves no other kinds")
            }
          }
          const pages = fake.log.entries().filter((entry) => entry.path === `${api}/data/`)
          assert.isAbove(pages.length, 0)
          for (const page of pages) assert.strictEqual(page.headers["expand"], "list")
        }),
      { catalogSize: 60 }
    ))

  it.live("listLatest expands too, drafts included, and keeps its filters", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.addLayer({ name: "Done" })
        const importing = fake.store.addLayer({ name: "Importing", publishedVersions: 0, draft: "importing" })
        const busy = yield* Query.collect(
          Catalog.listLatest().pipe(Query.filter({ "version.status": "importing" }), Query.expand)
        )
        assert.deepStrictEqual(busy.map((entry) => entry.id), [importing.id])
        const [entry] = busy
        if (entry?._tag !== "Layer") return assert.fail(entry?._tag)
        assert.strictEqual(entry.name, "Importing")
        assert.instanceOf(entry.created_at, Date)
      })
    ))

  it.live("the abbreviated list still decodes titles, not names", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.addLayer({ name: "Roads" })
        const [entry] = yield* Query.collect(Catalog.list())
        if (entry?._tag !== "Layer") return assert.fail(entry?._tag)
        assert.instanceOf(entry, Catalog.CatalogLayer)
        assert.strictEqual(entry.title, "Roads")
        assert.isUndefined(fake.log.entries()[0]?.headers["expand"])
      })
    ))
})

describe.skipIf(!fixturesPresent)("the recorded catalog", () => {
  const recorded = () => readFixture("catalog__response_1.json") as ReadonlyArray<Record<string, unknown>>
  const layer = () => readFixture("responses_2__layers_single_good_simulated_response.json") as Record<string, unknown>

  it("decodes abbreviated, and its full layer in the expanded form", () => {
    const entries = Schema.decodeUnknownSync(Schema.Array(Catalog.CatalogEntry))(recorded())
    assert.strictEqual(entries.filter((entry) => entry._tag === "Set").length, 3)
    for (const entry of entries) if (entry._tag === "Set") assert.instanceOf(entry, Sets.Set)
    const expanded = Schema.decodeUnknownSync(Schema.Array(Catalog.CatalogEntryDetail))([
      layer(),
      ...recorded().filter((entry) => !/\/(layers|tables)\//.test(String(entry["url"])))
    ])
    const [first] = expanded
    if (first?._tag !== "Layer") return assert.fail(first?._tag)
    assert.strictEqual(first.data.crs, "EPSG:2193")
    assert.deepStrictEqual(expanded.slice(1).map((entry) => entry._tag), ["Document", "Set", "Set", "Set"])
  })

  it("an abbreviated layer entry (title, no name) is not a full layer", () => {
    const abbreviated = recorded().find((entry) => String(entry["url"]).includes("/layers/"))
    const result = Schema.decodeUnknownExit(Catalog.CatalogEntryDetail)(abbreviated)
    assert.isTrue(result._tag === "Failure")
  })

  it.live("serves through the expanded query as the real catalog would", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const sets = recorded().filter((entry) => String(entry["url"]).includes("/sets/"))
        fake.inject({ path: `${api}/data/`, status: 200, body: [layer(), ...sets] })
        const entries = yield* Query.collect(Query.expand(Catalog.list()))
        assert.deepStrictEqual(entries.map((entry) => entry._tag), ["Layer", "Set", "Set", "Set"])
        const [first] = entries
        if (first?._tag !== "Layer") return assert.fail(first?._tag)
        assert.strictEqual(first.group.name, "Wellington City Council")
      })
    ))
})
