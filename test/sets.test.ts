/**
 * Sets against FakeKoordinates: reads, versions, drafts, edits, publishing, deletion,
 * metadata and items.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"
import { fixturesPresent, readFixture } from "./support/fixtures.ts"
import { request } from "./support/raw.ts"

const api = "/services/api/v1.x"

describe("Sets reads", () => {
  it.live("get, list, listDrafts, versions and named versions", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads" })
        const published = fake.store.addSet({ title: "Transport", items: [roads.id], publishedVersions: 2 })
        const draftOnly = fake.store.addSet({ title: "Draft set", publishedVersions: 0 })
        const set = yield* Sets.get(published.id)
        assert.instanceOf(set, Sets.Set)
        assert.strictEqual(set.title, "Transport")
        assert.isTrue(Sets.isPublishedVersion(set))
        assert.deepStrictEqual(set.items?.map((item) => typeof item === "string" ? new URL(item).pathname : item), [
          `${api}/layers/${roads.id}/`
        ])
        assert.deepStrictEqual((yield* Query.collect(Sets.list())).map((s) => s.id), [published.id])
        assert.deepStrictEqual((yield* Query.collect(Sets.listDrafts())).map((s) => s.id), [draftOnly.id])
        const versions = yield* Query.collect(Sets.listVersions(published.id))
        assert.deepStrictEqual(versions.map((v) => v.id), published.versions.map((v) => v.id).reverse())
        assert.instanceOf(versions[0]?.created_at, Date)
        const first = yield* Sets.getVersion(published.id, published.versions[0]!.id)
        assert.strictEqual(first.version?.id, published.versions[0]!.id)
        assert.strictEqual((yield* Sets.getPublished(published.id)).version?.id, published.versions[1]!.id)
        assert.strictEqual((yield* failure(Sets.getDraft(published.id)))._tag, "NotFound")
        assert.isTrue(Sets.isDraftVersion(yield* Sets.getDraft(draftOnly.id)))
        assert.strictEqual((yield* failure(Sets.get(999999)))._tag, "NotFound")
      })
    ))

  it.live("getItems fetches every layer of the set, in order", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads" })
        const rail = fake.store.addLayer({ name: "Rail", kind: "table" })
        const set = yield* Sets.get(fake.store.addSet({ items: [roads.id, rail.id] }).id)
        const items = yield* Sets.getItems(set)
        assert.deepStrictEqual(items.map((layer) => layer.name), ["Roads", "Rail"])
        for (const item of items) assert.instanceOf(item, Layers.Layer)
      })
    ))
})

describe("Sets items, expanded", () => {
  it.live("get with expand: [\"items\"] sends Expand: items; getItems then uses the layers it holds, with no request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads" })
        const rail = fake.store.addLayer({ name: "Rail", kind: "table" })
        const record = fake.store.addSet({ items: [roads.id, rail.id] })
        const raw = (path: string) => Effect.promise(() => request(fake, path)).pipe(Effect.map((reply) => reply.body))
        const plain = yield* raw(`/sets/${record.id}/`)
        const layers = [yield* raw(`/layers/${roads.id}/`), yield* raw(`/layers/${rail.id}/`)]
        fake.inject({ method: "GET", path: `${api}/sets/${record.id}/`, status: 200, body: { ...plain, items: layers } })
        fake.log.clear()
        const set = yield* Sets.get(record.id, { expand: ["items"] })
        assert.strictEqual(fake.log.entries()[0]?.headers["expand"], "items")
        for (const item of set.items ?? []) assert.instanceOf(item, Layers.Layer)
        const items = yield* Sets.getItems(set)
        assert.deepStrictEqual(items.map((layer) => layer.name), ["Roads", "Rail"])
        assert.strictEqual(fake.log.count(), 1)
      })
    ))

  it.live("items given partly by URL and partly in full: only the URLs are fetched", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = yield* Layers.get(fake.store.addLayer({ name: "Roads" }).id)
        const rail = fake.store.addLayer({ name: "Rail" })
        const set = yield* Sets.get(fake.store.addSet({ items: [rail.id] }).id)
        fake.log.clear()
        const items = yield* Sets.getItems(new Sets.Set({ ...set, items: [roads, ...(set.items ?? [])] }))
        assert.deepStrictEqual(items.map((layer) => layer.name), ["Roads", "Rail"])
        assert.deepStrictEqual(requested(fake), [`GET ${api}/layers/${rail.id}/`])
      })
    ))

  it.live("an item URL on another origin is refused, and nothing is sent there", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = yield* Layers.get(fake.store.addLayer().id)
        const set = new Sets.Set({ ...(yield* Sets.get(fake.store.addSet().id)), items: [roads.url, "http://127.0.0.2:9/services/api/v1.x/layers/7/"] })
        fake.log.clear()
        const error = yield* failure(Sets.getItems(set))
        assert.strictEqual(error._tag, "RedirectError")
        assert.include(error.message, "Refusing to send the token")
        assert.isAtMost(fake.log.count(), 1)
      })
    ))

  it.live("a recorded set, its items expanded into the recorded layer, decodes and needs no further request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        if (!fixturesPresent) return
        const recorded = readFixture("responses_3__sets_single_good_simulated_response.json") as Record<string, unknown>
        const layer = readFixture("responses_2__layers_single_good_simulated_response.json")
        fake.inject({ method: "GET", path: `${api}/sets/933/`, status: 200, body: { ...recorded, items: [layer] } })
        const set = yield* Sets.get(933, { expand: ["items"] })
        const [item] = yield* Sets.getItems(set)
        assert.strictEqual(item?.data.crs, "EPSG:2193")
        assert.strictEqual(fake.log.count(), 1)
        const byUrl = Schema.decodeUnknownSync(Sets.Set)(recorded)
        assert.strictEqual(byUrl.items?.length, 6)
        for (const url of byUrl.items ?? []) assert.isString(url)
      })
    ))
})

describe("Sets writes", () => {
  it.live("create posts the set and follows Location; it starts as a draft", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = yield* Layers.get(fake.store.addLayer().id)
        fake.log.clear()
        const set = yield* Sets.create({ title: "New Set", description: "Test New Set", group: 104, items: [roads.url] })
        assert.strictEqual(set.title, "New Set")
        assert.strictEqual(set.group?.id, 104)
        assert.isTrue(Sets.isDraftVersion(set))
        const [post, follow] = fake.log.entries()
        assert.deepStrictEqual(JSON.parse(post?.body ?? ""), {
          title: "New Set",
          description: "Test New Set",
          group: 104,
          items: [roads.url]
        })
        assert.strictEqual(follow?.path, `${api}/sets/${set.id}/`)
      })
    ))

  it.live("createDraft, update, publishVersion, deleteVersion and delete", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addSet({ title: "Transport" })
        const draft = yield* Sets.createDraft(record.id)
        const draftId = draft.version!.id
        assert.strictEqual((yield* failure(Sets.createDraft(record.id)))._tag, "Conflict")
        const edited = yield* Sets.update(record.id, draftId, { description: "Roads and rail" })
        assert.strictEqual(edited.description, "Roads and rail")
        assert.strictEqual(fake.log.entries().at(-1)?.method, "PUT")
        const publish = yield* Sets.publishVersion(record.id, draftId)
        yield* Publishing.waitForPublish(publish.id, { schedule: Schedule.spaced("5 millis") })
        assert.strictEqual((yield* Sets.getPublished(record.id)).version?.id, draftId)
        assert.strictEqual((yield* failure(Sets.update(record.id, draftId, { title: "x" })))._tag, "NotAllowed")
        const again = yield* Sets.createDraft(record.id)
        yield* Sets.deleteVersion(record.id, again.version!.id)
        assert.strictEqual((yield* failure(Sets.getDraft(record.id)))._tag, "NotFound")
        yield* Sets.delete(record.id)
        assert.strictEqual((yield* failure(Sets.get(record.id)))._tag, "NotFound")
        assert.deepStrictEqual(requested(fake).filter((r) => r.startsWith("DELETE")), [
          `DELETE ${api}/sets/${record.id}/versions/${again.version!.id}/`,
          `DELETE ${api}/sets/${record.id}/`
        ])
      })
    ))

  it.live("setMetadata posts XML for the set or one of its versions", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addSet({ publishedVersions: 0 })
        const xml = "<metadata><title>Transport</title></metadata>"
        yield* Sets.setMetadata(record.id, xml)
        yield* Sets.setMetadata(record.id, xml, { versionId: record.versions[0]!.id })
        assert.deepStrictEqual(requested(fake), [
          `POST ${api}/sets/${record.id}/metadata/`,
          `POST ${api}/sets/${record.id}/versions/${record.versions[0]!.id}/metadata/`
        ])
        for (const entry of fake.log.entries()) {
          assert.strictEqual(entry.body, xml)
          assert.strictEqual(entry.headers["content-type"], "text/xml")
        }
        const set = yield* Sets.get(record.id)
        assert.isDefined(set.metadata?.native)
      })
    ))
})
