/**
 * Layers & Tables, read side, against FakeKoordinates.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"

describe("Layers.get", () => {
  it.live("decodes the layer at its published version", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Wellington Building Footprints", tags: ["building"], draft: "ok" })
        const layer = yield* Layers.get(record.id)
        assert.instanceOf(layer, Layers.Layer)
        assert.strictEqual(layer.id, record.id)
        assert.strictEqual(layer.name, "Wellington Building Footprints")
        assert.deepStrictEqual(layer.tags, ["building"])
        assert.strictEqual(layer.group.id, record.group.id)
        assert.strictEqual(layer.license?.id, record.license.id)
        assert.strictEqual(layer.data.crs, record.data.crs)
        assert.strictEqual(layer.kind, "vector")
        assert.instanceOf(layer.created_at, Date)
        assert.isTrue(Layers.isPublishedVersion(layer))
        assert.isFalse(Layers.isDraftVersion(layer))
        assert.notStrictEqual(layer.latest_version, layer.published_version)
      })
    ))

  it.live("sends Expand as a comma-joined list", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        yield* Layers.get(record.id, { expand: ["data", "group"] })
        assert.strictEqual(fake.log.entries()[0]?.headers["expand"], "data,group")
      })
    ))

  it.live("fails with NotFound for an unknown layer", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const error = yield* failure(Layers.get(424242))
        assert.strictEqual(error._tag, "NotFound")
        assert.deepStrictEqual(requested(fake), [`GET ${api}/layers/424242/`])
      })
    ))

  const badIds: ReadonlyArray<readonly [string, number]> = [
    ["zero", 0],
    ["negative", -3],
    ["fractional", 1.5],
    ["NaN", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
    ["unsafe", 2 ** 60]
  ]
  for (const [what, id] of badIds) {
    it.live(`rejects a ${what} id before any request, in every getter`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const calls = [
            [Layers.get(id), "id"],
            [Layers.getVersion(id, 1), "layerId"],
            [Layers.getVersion(1, id), "versionId"],
            [Layers.getDraft(id), "layerId"],
            [Layers.getPublished(id), "layerId"]
          ] as const
          for (const [call, field] of calls) {
            const error = yield* failure(call)
            if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
            assert.strictEqual(error.field, field)
          }
          assert.lengthOf(fake.log.entries(), 0)
        })
      ))
  }

  it.live("rejects a malformed expand name before any request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const error = yield* failure(Layers.get(1, { expand: ["data,group"] }))
        if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
        assert.strictEqual(error.field, "expand")
        assert.lengthOf(fake.log.entries(), 0)
      })
    ))
})

describe("Layers versions", () => {
  it.live("listVersions lists every version, newest first", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ publishedVersions: 3, draft: "importing" })
        const versions = yield* Query.collect(Layers.listVersions(record.id))
        assert.deepStrictEqual(versions.map((v) => v.id), record.versions.map((v) => v.id).reverse())
        assert.strictEqual(versions[0]?.status, "importing")
        assert.instanceOf(versions[0]?.created_at, Date)
        assert.deepStrictEqual(requested(fake), [`GET ${api}/layers/${record.id}/versions/`])
      })
    ))

  it.live("listVersions accepts data filters and sends them", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        yield* Query.collect(Layers.listVersions(record.id).pipe(Query.filter({ "data.source.revision": 3 })))
        assert.deepStrictEqual(fake.log.entries()[0]?.query, [["data.source.revision", "3"]])
      })
    ))

  it.live("getVersion, getDraft and getPublished return the layer at that version", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ publishedVersions: 2, draft: "ok" })
        const [first, published, draft] = record.versions
        const old = yield* Layers.getVersion(record.id, first!.id)
        assert.strictEqual(old.version?.id, first!.id)
        assert.isFalse(Layers.isPublishedVersion(old))
        assert.isFalse(Layers.isDraftVersion(old))
        const pub = yield* Layers.getPublished(record.id)
        assert.strictEqual(pub.version?.id, published!.id)
        assert.isTrue(Layers.isPublishedVersion(pub))
        const dr = yield* Layers.getDraft(record.id)
        assert.strictEqual(dr.version?.id, draft!.id)
        assert.isTrue(Layers.isDraftVersion(dr))
        assert.isFalse(Layers.isPublishedVersion(dr))
        assert.deepStrictEqual(requested(fake), [
          `GET ${api}/layers/${record.id}/versions/${first!.id}/`,
          `GET ${api}/layers/${record.id}/versions/published/`,
          `GET ${api}/layers/${record.id}/versions/draft/`
        ])
      })
    ))

  it.live("getDraft without a draft and getPublished of a never-published layer are NotFound", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const publishedOnly = fake.store.addLayer()
        const draftOnly = fake.store.addLayer({ publishedVersions: 0, draft: "importing" })
        assert.strictEqual((yield* failure(Layers.getDraft(publishedOnly.id)))._tag, "NotFound")
        assert.strictEqual((yield* failure(Layers.getPublished(draftOnly.id)))._tag, "NotFound")
        const unpublished = yield* Layers.get(draftOnly.id)
        assert.isNull(unpublished.published_at)
        assert.isTrue(Layers.isDraftVersion(unpublished))
      })
    ))
})

describe("Layers lists", () => {
  it.live("list gives published layers and tables; listDrafts the drafts", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const published = fake.store.addLayer({ name: "Published" })
        const both = fake.store.addLayer({ name: "Both", draft: "importing" })
        const draftOnly = fake.store.addLayer({ name: "Draft only", publishedVersions: 0 })
        const table = fake.store.addLayer({ name: "A table", kind: "table" })
        const listed = yield* Query.collect(Layers.list())
        assert.deepStrictEqual(listed.map((l) => l.id), [published.id, both.id, table.id])
        assert.deepStrictEqual(listed.map((l) => l.type), ["layer", "layer", "table"])
        assert.instanceOf(listed[0], Layers.LayerSummary)
        const drafts = yield* Query.collect(Layers.listDrafts())
        assert.deepStrictEqual(drafts.map((l) => l.id), [both.id, draftOnly.id])
      })
    ))

  it.live("list filters and sorts on the server", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.addLayer({ name: "Bravo", tags: ["roads"] })
        fake.store.addLayer({ name: "Alpha", tags: ["rail"] })
        fake.store.addLayer({ name: "Charlie", tags: ["water"] })
        fake.store.addLayer({ name: "Delta", kind: "table", tags: ["roads"] })
        const names = yield* Query.collect(
          Layers.list().pipe(Query.filter({ tag: ["roads", "rail"] }), Query.orderBy("name"))
        )
        assert.deepStrictEqual(names.map((l) => l.name), ["Alpha", "Bravo", "Delta"])
        const vectors = yield* Query.collect(
          Layers.list().pipe(Query.filter({ kind: "vector" }), Query.orderBy("-name"))
        )
        assert.deepStrictEqual(vectors.map((l) => l.name), ["Charlie", "Bravo", "Alpha"])
        assert.strictEqual(yield* Query.count(Layers.list().pipe(Query.filter({ tag: "roads" }))), 2)
      })
    ))
})
