/**
 * Layers & Tables writes, imports and their waits, against FakeKoordinates: the request each
 * operation sends (as the fake's log saw it), what it decodes, and its error cases.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Query from "@koordinates-effect/client/Query"
import * as Tables from "@koordinates-effect/client/Tables"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"
import { fixturesPresent, readFixture } from "./support/fixtures.ts"

const api = "/services/api/v1.x"
const quick = { schedule: Schedule.spaced("5 millis") } as const

describe("Layers.create", () => {
  it.live("posts the layer, follows Location to the new draft version, and decodes it", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const draft = yield* Layers.create({ name: "A Test Layer", group: 103, data: { datasources: [144355] } })
        assert.instanceOf(draft, Layers.Layer)
        assert.strictEqual(draft.name, "A Test Layer")
        assert.strictEqual(draft.group.id, 103)
        assert.strictEqual(draft.version?.status, "importing")
        assert.isTrue(Layers.isDraftVersion(draft))
        const [post, follow] = fake.log.entries()
        assert.strictEqual(post?.method, "POST")
        assert.strictEqual(post?.path, `${api}/layers/`)
        assert.deepStrictEqual(JSON.parse(post?.body ?? ""), {
          name: "A Test Layer",
          group: 103,
          data: { datasources: [144355] }
        })
        assert.strictEqual(post?.headers["content-type"], "application/json")
        assert.strictEqual(follow?.method, "GET")
        assert.strictEqual(follow?.path, `${api}/layers/${draft.id}/versions/${draft.version?.id}/`)
      })
    ))

  it.live("accepts the recorded reply: 201 whose body is the new version, no Location; reads the layer at that version", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "A Test Layer", publishedVersions: 0, draft: "importing" })
        const version = record.versions.at(-1)!
        const recorded = fixturesPresent
          ? readFixture("responses_8__layer_create_good_simulated_response.json") as Record<string, unknown>
          : { status: "importing", created_at: "2015-06-11T11:14:10.018Z", created_by: 18504, reference: "", progress: 0.0 }
        const url = `${fake.origin}${api}/layers/${record.id}/versions/${version.id}/`
        fake.inject({ method: "POST", path: `${api}/layers/`, status: 201, body: { ...recorded, id: version.id, url } })
        const draft = yield* Layers.create({ name: "A Test Layer", data: { datasources: [144355] } })
        assert.instanceOf(draft, Layers.Layer)
        assert.strictEqual(draft.id, record.id)
        assert.strictEqual(draft.version?.id, version.id)
        assert.deepStrictEqual(requested(fake), [`POST ${api}/layers/`, `GET ${api}/layers/${record.id}/versions/${version.id}/`])
      })
    ))

  it.live("a version body whose url is on another origin is refused: no request goes there, none with the token", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({
          method: "POST",
          path: `${api}/layers/`,
          status: 201,
          body: { id: 9, url: "http://127.0.0.2:9/services/api/v1.x/layers/9/versions/9/", status: "importing", created_at: "2015-06-11T11:14:10.018Z" }
        })
        const error = yield* failure(Layers.create({ name: "A Test Layer", data: { datasources: [1] } }))
        assert.strictEqual(error._tag, "RedirectError")
        assert.strictEqual(fake.log.count(), 1)
      })
    ))

  it.live("a 201 body that is neither a layer nor a version is a ResponseDecodeError, with no further request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({ method: "POST", path: `${api}/layers/`, status: 201, body: { id: 1, status: "importing" } })
        const error = yield* failure(Layers.create({ name: "A Test Layer", data: { datasources: [1] } }))
        assert.strictEqual(error._tag, "ResponseDecodeError")
        assert.strictEqual(fake.log.count(), 1)
      })
    ))

  it.live("turns the server's field errors into BadRequest", () =>
    withFake(() =>
      Effect.gen(function*() {
        const error = yield* failure(Layers.create({ name: "x", group: 424242, data: { datasources: [1] } }))
        if (error._tag !== "BadRequest") return assert.fail(error._tag)
        assert.include(Object.keys(error.fields ?? {}), "group")
      })
    ))
})

describe("Layers.waitForImport", () => {
  it.live("polls until the import is ok and returns the layer at that version", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const draft = yield* Layers.create({ name: "Roads", data: { datasources: [1] } })
        fake.log.clear()
        const done = yield* Layers.waitForImport(draft.id, draft.version!.id, quick)
        assert.strictEqual(done.version?.status, "ok")
        assert.strictEqual(done.version?.progress, 1)
        assert.isAtLeast(fake.log.entries().length, 2)
        for (const path of requested(fake)) assert.strictEqual(path, `GET ${api}/layers/${draft.id}/versions/${draft.version!.id}/`)
      })
    ))

  it.live("keeps polling while the fake's manual clock stands still, and ends once it is advanced", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const draft = yield* Layers.create({ name: "Clocked", data: { datasources: [1] } })
          const fiber = yield* Effect.forkChild(Layers.waitForImport(draft.id, draft.version!.id, quick))
          yield* Effect.sleep("50 millis")
          const polls = fake.log.count()
          assert.isAbove(polls, 3)
          assert.strictEqual(fake.store.getLayer(draft.id)?.versions[0]?.progress, 0)
          fake.clock.advance("2 minutes")
          const done = yield* Fiber.join(fiber)
          assert.strictEqual(done.version?.status, "ok")
        }),
      { clock: "manual", importTime: "2 minutes" }
    ))

  it.live("fails with ImportFailed when the import ends in error", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const draft = yield* Layers.create({ name: "Broken", data: { datasources: [1] } })
        fake.store.failNextImport(draft.id)
        const error = yield* failure(Layers.waitForImport(draft.id, draft.version!.id, quick))
        if (error._tag !== "ImportFailed") return assert.fail(error._tag)
        assert.strictEqual(error.state, "error")
        assert.strictEqual(error.layerId, draft.id)
        assert.strictEqual(error.versionId, draft.version!.id)
      })
    ))

  it.live("gives up with TimeoutError when the schedule ends or time runs out", () =>
    withFake(
      () =>
        Effect.gen(function*() {
          const draft = yield* Layers.create({ name: "Slow", data: { datasources: [1] } })
          const ended = yield* failure(Layers.waitForImport(draft.id, draft.version!.id, { schedule: Schedule.recurs(2) }))
          if (ended._tag !== "TimeoutError") return assert.fail(ended._tag)
          assert.include(ended.operation, `layer ${draft.id}`)
          const late = yield* failure(
            Layers.waitForImport(draft.id, draft.version!.id, { schedule: Schedule.spaced("1 second"), timeout: "50 millis" })
          )
          assert.strictEqual(late._tag, "TimeoutError")
        }),
      { importTime: "1 hour" }
    ))

  it.live("stops polling when interrupted", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const draft = yield* Layers.create({ name: "Slow", data: { datasources: [1] } })
          const fiber = yield* Effect.forkChild(Layers.waitForImport(draft.id, draft.version!.id, quick))
          yield* Effect.sleep("40 millis")
          yield* Fiber.interrupt(fiber)
          yield* Effect.sleep("20 millis")
          const polls = fake.log.entries().length
          assert.isAbove(polls, 2)
          yield* Effect.sleep("40 millis")
          assert.strictEqual(fake.log.entries().length, polls)
        }),
      { importTime: "1 hour" }
    ))
})

describe("Layers drafts, imports and edits", () => {
  it.live("createDraft makes a new draft; a second one is a Conflict", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const draft = yield* Layers.createDraft(record.id)
        assert.isTrue(Layers.isDraftVersion(draft))
        assert.notStrictEqual(draft.version?.id, record.versions[0]?.id)
        assert.deepStrictEqual(fake.log.entries()[0]?.body, "{}")
        assert.strictEqual((yield* failure(Layers.createDraft(record.id)))._tag, "Conflict")
      })
    ))

  it.live("startImport imports a draft again; a published version is a Conflict", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const [published, draft] = record.versions
        const importing = yield* Layers.startImport(record.id, draft!.id)
        assert.strictEqual(importing.version?.status, "importing")
        assert.deepStrictEqual(requested(fake), [`POST ${api}/layers/${record.id}/versions/${draft!.id}/import/`])
        assert.strictEqual((yield* failure(Layers.startImport(record.id, published!.id)))._tag, "Conflict")
      })
    ))

  it.live("startUpdate reimports as a new version; with a draft present it is a Conflict", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const next = yield* Layers.startUpdate(record.id)
        assert.strictEqual(next.version?.status, "importing")
        assert.deepStrictEqual(requested(fake), [`POST ${api}/layers/${record.id}/versions/import/`])
        assert.strictEqual((yield* failure(Layers.startUpdate(record.id)))._tag, "Conflict")
      })
    ))

  it.live("update sends the changes, and data only with withData", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draftId = record.versions[1]!.id
        const edited = yield* Layers.update(record.id, draftId, {
          description: "Rebuilt",
          tags: ["roads"],
          data: { datasources: [7] }
        })
        assert.strictEqual(edited.description, "Rebuilt")
        assert.strictEqual(edited.version?.status, "ok")
        assert.deepStrictEqual(JSON.parse(fake.log.entries()[0]?.body ?? ""), { description: "Rebuilt", tags: ["roads"] })
        const reimporting = yield* Layers.update(record.id, draftId, { data: { datasources: [7] } }, { withData: true })
        assert.strictEqual(reimporting.version?.status, "importing")
        assert.deepStrictEqual(JSON.parse(fake.log.entries()[1]?.body ?? ""), { data: { datasources: [7] } })
        assert.strictEqual(fake.log.entries()[1]?.method, "PUT")
      })
    ))

  it.live("editing or deleting a published version is NotAllowed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const published = record.versions[0]!.id
        assert.strictEqual((yield* failure(Layers.update(record.id, published, { name: "x" })))._tag, "NotAllowed")
        assert.strictEqual((yield* failure(Layers.deleteVersion(record.id, published)))._tag, "NotAllowed")
        assert.strictEqual((yield* failure(Layers.setMetadata(record.id, published, "<x/>")))._tag, "NotAllowed")
      })
    ))

  it.live("deleteVersion removes a draft; deleteLayer removes the layer", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draftId = record.versions[1]!.id
        yield* Layers.deleteVersion(record.id, draftId)
        assert.strictEqual((yield* failure(Layers.getVersion(record.id, draftId)))._tag, "NotFound")
        yield* Layers.deleteLayer(record.id)
        assert.strictEqual((yield* failure(Layers.get(record.id)))._tag, "NotFound")
        assert.deepStrictEqual(requested(fake).filter((r) => r.startsWith("DELETE")), [
          `DELETE ${api}/layers/${record.id}/versions/${draftId}/`,
          `DELETE ${api}/layers/${record.id}/`
        ])
      })
    ))
})

describe("Layers.setMetadata and Metadata", () => {
  const xml = `<?xml version="1.0"?>\n<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd">Roads</gmd:MD_Metadata>\n`

  it.live("posts the XML as text/xml, and reads it back in every format", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draftId = record.versions[1]!.id
        yield* Layers.setMetadata(record.id, draftId, xml)
        const [post] = fake.log.entries()
        assert.strictEqual(post?.method, "POST")
        assert.strictEqual(post?.path, `${api}/layers/${record.id}/versions/${draftId}/metadata/`)
        assert.strictEqual(post?.headers["content-type"], "text/xml")
        assert.strictEqual(post?.body, xml)
        const draft = yield* Layers.getVersion(record.id, draftId)
        const metadata = draft.metadata!
        assert.deepStrictEqual(Metadata.formats(metadata), ["dc", "iso"])
        assert.strictEqual(yield* Metadata.getXml(metadata), xml)
        assert.strictEqual(fake.log.entries().at(-1)?.headers["accept"], "text/xml")
        assert.match(yield* Metadata.getXml(metadata, "iso"), /^<\?xml/)
        assert.match(yield* Metadata.getXml(metadata, "dc"), /dc/)
      })
    ))

  it.live("accepts bytes and streams, and streams documents back", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draftId = record.versions[1]!.id
        yield* Layers.setMetadata(record.id, draftId, new TextEncoder().encode(xml))
        assert.strictEqual(fake.log.entries()[0]?.body, xml)
        const chunks = xml.match(/.{1,16}/gs)!.map((chunk) => new TextEncoder().encode(chunk))
        const draft = yield* Layers.getVersion(record.id, draftId)
        yield* Metadata.setXml(draft.this_version!, Stream.fromIterable(chunks))
        const back = yield* Stream.runCollect(Metadata.getXmlStream(draft.metadata!))
        assert.strictEqual(new TextDecoder().decode(Buffer.concat(back)), xml)
      })
    ))
})

describe("Layers.publishVersion and Publishing", () => {
  it.live("publishes a version: the Publish completes and the version becomes the published one", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draftId = record.versions[1]!.id
        const publish = yield* Layers.publishVersion(record.id, draftId)
        assert.instanceOf(publish, Publishing.Publish)
        assert.deepStrictEqual(publish.items.map((url) => new URL(url).pathname), [
          `${api}/layers/${record.id}/versions/${draftId}/`
        ])
        const done = yield* Publishing.waitForPublish(publish.id, quick)
        assert.strictEqual(done.state, "completed")
        assert.strictEqual((yield* Layers.getPublished(record.id)).version?.id, draftId)
        assert.strictEqual(fake.log.entries()[0]?.path, `${api}/layers/${record.id}/versions/${draftId}/publish/`)
        assert.strictEqual((yield* failure(Layers.publishVersion(record.id, draftId)))._tag, "Conflict")
      })
    ))

  it.live("publishes several drafts together once their imports are done", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = yield* Layers.create({ name: "Roads", data: { datasources: [1] } })
        const rail = yield* Layers.create({ name: "Rail", data: { datasources: [2] } })
        fake.log.clear()
        const publish = yield* Publishing.create({ items: [roads, rail], publishStrategy: "together" })
        assert.deepStrictEqual(JSON.parse(fake.log.entries()[0]?.body ?? ""), {
          items: [roads.this_version, rail.this_version],
          publish_strategy: "together",
          error_strategy: "abort"
        })
        assert.include(["waiting-for-items", "publishing"], publish.state)
        const done = yield* Publishing.waitForPublish(publish.id, quick)
        assert.strictEqual(done.state, "completed")
        for (const layer of [roads, rail]) assert.isTrue(Layers.isPublishedVersion(yield* Layers.get(layer.id)))
        const items = yield* Publishing.getItems(done)
        assert.deepStrictEqual(items.map((item) => item.id), [roads.id, rail.id])
        const listed = yield* Query.collect(Publishing.list())
        assert.include(listed.map((p) => p.id), publish.id)
        assert.strictEqual((yield* Publishing.get(publish.id)).state, "completed")
      })
    ))

  it.live("an import error aborts the publish: waitForPublish fails with PublishFailed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const draft = yield* Layers.create({ name: "Broken", data: { datasources: [1] } })
        fake.store.failNextImport(draft.id)
        const publish = yield* Publishing.create({ items: [draft.this_version!], errorStrategy: "abort" })
        const error = yield* failure(Publishing.waitForPublish(publish.id, quick))
        if (error._tag !== "PublishFailed") return assert.fail(error._tag)
        assert.strictEqual(error.state, "errored")
      })
    ))

  it.live("cancel stops a scheduled publish, and a second cancel is a Conflict", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ draft: "ok" })
        const draft = yield* Layers.getDraft(record.id)
        const publishAt = new Date(Date.now() + 3_600_000)
        const publish = yield* Publishing.create({ items: [draft], publishAt })
        assert.strictEqual(publish.state, "scheduled")
        assert.strictEqual(publish.publish_at?.toISOString(), publishAt.toISOString())
        yield* Publishing.cancel(publish.id)
        assert.strictEqual(fake.log.entries().at(-1)?.method, "DELETE")
        const error = yield* failure(Publishing.waitForPublish(publish.id, quick))
        if (error._tag !== "PublishFailed") return assert.fail(error._tag)
        assert.strictEqual(error.state, "cancelled")
        assert.strictEqual((yield* failure(Publishing.cancel(publish.id)))._tag, "Conflict")
      })
    ))

  it.live("refuses a published layer object as an item, before any request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = yield* Layers.get(fake.store.addLayer().id)
        fake.log.clear()
        const error = yield* failure(Publishing.create({ items: [layer] }))
        if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
        assert.strictEqual(error.field, "items[0]")
        assert.lengthOf(fake.log.entries(), 0)
      })
    ))
})

describe("Tables", () => {
  it.live("lists tables only, and reads them with table names", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.store.addLayer({ name: "Roads" })
        const table = fake.store.addLayer({ name: "School Directory", kind: "table" })
        const tables = yield* Query.collect(Tables.list())
        assert.deepStrictEqual(tables.map((t) => t.id), [table.id])
        const read: Tables.Table = yield* Tables.get(table.id)
        assert.strictEqual(read.type, "table")
        assert.strictEqual(fake.log.entries()[0]?.path, `${api}/tables/`)
      })
    ))
})
