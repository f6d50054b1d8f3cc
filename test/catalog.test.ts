/**
 * The Data Catalog against FakeKoordinates: entries decoded into the tagged union by kind,
 * filters (including `type`) and the latest-versions list.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Query from "@koordinates-effect/client/Query"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

describe("Catalog.list", () => {
  it.live("decodes layers, tables, sets and documents into their own classes", () =>
    withFake(
      () =>
        Effect.gen(function*() {
          const entries = yield* Query.collect(Catalog.list())
          const byTag = new Map<string, number>()
          for (const entry of entries) byTag.set(entry._tag, (byTag.get(entry._tag) ?? 0) + 1)
          assert.deepStrictEqual([...byTag.keys()].sort(), ["Document", "Layer", "Set", "Table"])
          for (const entry of entries) {
            switch (entry._tag) {
              case "Layer":
                assert.instanceOf(entry, Catalog.CatalogLayer)
                assert.include(entry.url, "/layers/")
                assert.strictEqual(entry.type, "layer")
                break
              case "Table":
                assert.instanceOf(entry, Catalog.CatalogTable)
                assert.strictEqual(entry.type, "table")
                break
              case "Set":
                assert.instanceOf(entry, Catalog.CatalogSet)
                assert.isString(entry.title)
                break
              case "Document":
                assert.instanceOf(entry, Catalog.CatalogDocument)
                assert.include(entry.url, "/documents/")
                break
              case "Other":
                assert.fail("the fake serves no other kinds")
            }
          }
        }),
      { catalogSize: 150 }
    ))

  it.live("keeps kinds it does not know as CatalogOther", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({
          path: "/services/api/v1.x/data/",
          status: 200,
          body: [{ id: 9, url: `${fake.origin}/services/api/v1.x/sources/9/`, title: "A source", type: "source" }]
        })
        const [entry] = yield* Query.collect(Catalog.list())
        if (entry?._tag !== "Other") return assert.fail(entry?._tag)
        assert.strictEqual(entry.resource, "sources")
        assert.strictEqual(entry.title, "A source")
      })
    ))

  it.live("a broken layer entry is an error, not an Other", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({
          path: "/services/api/v1.x/data/",
          status: 200,
          body: [{ id: 9, url: `${fake.origin}/services/api/v1.x/layers/9/`, type: "layer" }]
        })
        const error = yield* failure(Query.collect(Catalog.list()))
        if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
        assert.strictEqual(error.path, "[0].title")
        assert.include(error.message, "Missing key")
      })
    ))

  for (const type of ["layer", "table", "set", "document"] as const) {
    it.live(`filters by type=${type}`, () =>
      withFake(
        (fake) =>
          Effect.gen(function*() {
            const entries = yield* Query.collect(Catalog.list().pipe(Query.filter({ type })))
            assert.isAbove(entries.length, 0)
            const tag = { layer: "Layer", table: "Table", set: "Set", document: "Document" }[type]
            for (const entry of entries) assert.strictEqual(entry._tag, tag)
            assert.deepInclude(fake.log.entries()[0]?.query ?? [], ["type", type])
          }),
        { catalogSize: 200 }
      ))
  }

  it.live("combines filters and sorts: CC-licensed layers, newest first", () =>
    withFake(
      () =>
        Effect.gen(function*() {
          const q = Catalog.list().pipe(
            Query.filter({ "license.type": "cc" }),
            Query.filter({ type: "layer" }),
            Query.orderBy("-created_at")
          )
          const entries = yield* Query.collect(q)
          assert.isAbove(entries.length, 1)
          const count = yield* Query.count(q)
          assert.strictEqual(count, entries.length)
          const first3 = yield* Query.collect(Query.limit(q, 3))
          assert.deepStrictEqual(first3.map((e) => e.id), entries.slice(0, 3).map((e) => e.id))
        }),
      { catalogSize: 200 }
    ))
})

describe("Catalog.listLatest", () => {
  it.live("includes drafts and filters on version.status", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const published = fake.store.addLayer({ name: "Done" })
        const importing = fake.store.addLayer({ name: "Importing", publishedVersions: 0, draft: "importing" })
        const latest = yield* Query.collect(Catalog.listLatest())
        assert.deepStrictEqual(latest.map((e) => e.id), [published.id, importing.id])
        const listed = yield* Query.collect(Catalog.list())
        assert.deepStrictEqual(listed.map((e) => e.id), [published.id])
        const busy = yield* Query.collect(Catalog.listLatest().pipe(Query.filter({ "version.status": "importing" })))
        assert.deepStrictEqual(busy.map((e) => e.id), [importing.id])
      })
    ))
})
