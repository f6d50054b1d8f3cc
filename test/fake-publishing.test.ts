/**
 * Tests of the fake Koordinates server's publishing lifecycle over real HTTP: creating
 * layers and tables, imports advancing as they are read, drafts, edits and deletion, sets
 * and their versions, publishes and their state machine, metadata documents, licenses
 * (Creative Commons lookups), tokens (the password grant to deletion), scopes, and the
 * store API tests use to drive all of it.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  ALL_SCOPES,
  type FakeServer,
  type LayerRecord,
  PUBLISH_STATES,
  type SetRecord,
  startServer,
  Store
} from "../packages/testing/src/server/index.ts"

import { call, type CallOptions, type Json, pathOf, post, put, remove, request, root } from "./support/raw.ts"

/** The version object of a layer or set reply. */
const versionOf = (body: Json) => body["version"] as Json


const FULL_LAYER_KEYS = [
  "id", "url", "type", "name", "first_published_at", "published_at", "description", "description_html", "group",
  "data", "url_html", "published_version", "latest_version", "this_version", "kind", "categories", "tags",
  "collected_at", "created_at", "license", "metadata", "elevation_field", "permissions"
]
const VERSION_KEYS = ["id", "url", "status", "created_at", "created_by", "reference", "progress"]
const SET_KEYS = [
  "id", "title", "url", "type", "created_at", "thumbnail_url", "description", "description_html", "latest_version",
  "published_version", "this_version", "publisher", "categories", "tags", "group", "url_html", "metadata",
  "publish_to_catalog_services", "active_publish", "permissions", "settings", "items"
]
const SET_LIST_KEYS = [
  "id", "title", "description", "description_html", "categories", "tags", "group", "items", "url", "url_html",
  "metadata", "created_at"
]
const SET_DRAFT_KEYS = ["id", "title", "url", "type", "created_at", "thumbnail_url"]
const PUBLISH_KEYS = [
  "id", "url", "state", "created_at", "created_by", "error_strategy", "publish_strategy", "publish_at", "items"
]
const TOKEN_KEYS = ["name", "key_hint", "url", "created_at", "expires_at", "scope", "referrers", "id"]

describe("creating layers and tables", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())

  it("creates a layer whose only version is a draft starting to import", async () => {
    const { status, response, body } = await post(server, "/layers/", {
      name: "Kapiti Coast Walkways",
      group: 103,
      description: "Council walkways.",
      tags: ["walking"],
      categories: ["environment"],
      license: { id: 3 },
      data: { datasources: [{ id: 144355 }, 144356] }
    })
    expect(status).toBe(201)
    expect(Object.keys(body)).toEqual(VERSION_KEYS)
    expect(body).toMatchObject({ status: "importing", progress: 0, reference: "", created_by: 2001 })
    const layer = server.store.layers().at(-1)
    expect(response.headers.get("location")).toBe(`${root(server)}/layers/${layer?.id}/versions/${body["id"]}/`)
    expect(body["url"]).toBe(response.headers.get("location"))
    expect(layer?.versions.map((version) => [version.id, version.published_at])).toEqual([[body["id"], null]])
    expect(layer?.kind).toBe("vector")
    expect(layer?.data.datasources).toEqual([{ id: 144355 }, { id: 144356 }])

    const draft = await request(server, pathOf(server, body["url"]))
    expect(draft.body).toMatchObject({
      name: "Kapiti Coast Walkways",
      description: "Council walkways.",
      tags: ["walking"],
      categories: [{ name: "Environment", slug: "environment" }],
      group: { id: 103 },
      license: { id: 3, type: "cc-by" },
      published_version: null,
      metadata: null
    })
  })

  it("defaults what the body leaves out and creates tables under /tables/", async () => {
    const layer = await post(server, "/layers/", { name: "Bare", data: { datasources: [7] }, kind: "raster" })
    const bare = await request(server, pathOf(server, layer.body["url"]))
    expect(bare.body).toMatchObject({ kind: "raster", description: "", tags: [], categories: [], group: { id: 101 } })
    expect(bare.body["license"]).toMatchObject({ id: 4, type: "cc-by", jurisdiction: "", version: "4.0" })

    const table = await post(server, "/tables/", { name: "Traffic Counts", data: { datasources: [9] } })
    expect(table.status).toBe(201)
    expect(table.response.headers.get("location")).toMatch(/\/services\/api\/v1\/tables\/\d+\/versions\/\d+\/$/)
    expect(server.store.layers().at(-1)?.kind).toBe("table")
    const wrongKind = await post(server, "/tables/", { name: "Roads", kind: "vector", data: { datasources: [9] } })
    expect(wrongKind.status).toBe(400)
    expect(wrongKind.body).toEqual({ kind: ["\"vector\" is not a valid choice."] })
  })

  it("answers 400 with field errors for invalid bodies", async () => {
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{}, { name: ["This field is required."], data: ["At least one datasource is required."] }],
      [{ name: "  ", data: { datasources: [1] } }, { name: ["This field is required."] }],
      [{ name: "A", data: { datasources: [] } }, { data: ["At least one datasource is required."] }],
      [{ name: "A", data: {} }, { data: ["At least one datasource is required."] }],
      [{ name: "A", data: { datasources: ["x"] } }, { data: ["Each datasource must be an id or an object with an id."] }],
      [{ name: "A", group: 999, data: { datasources: [1] } }, { group: ["Invalid pk \"999\" - object does not exist."] }],
      [{ name: "A", license: 999, data: { datasources: [1] } }, { license: ["Invalid pk \"999\" - object does not exist."] }],
      [{ name: "A", categories: ["nope"], data: { datasources: [1] } }, { categories: ["Object with slug=nope does not exist."] }],
      [{ name: "A", kind: "mesh", data: { datasources: [1] } }, { kind: ["\"mesh\" is not a valid choice."] }],
      [{ name: 5, tags: "x", data: { datasources: [1] } }, {
        name: ["Not a valid string."],
        tags: ["Expected a list of items but got type \"str\"."]
      }],
      [[1, 2], { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] }]
    ]
    const before = server.store.layers().length
    for (const [body, errors] of cases) {
      const reply = await post(server, "/layers/", body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body, JSON.stringify(body)).toEqual(errors)
    }
    const malformed = await post(server, "/layers/", "{\"name\": ")
    expect(malformed.status).toBe(400)
    expect(malformed.body).toEqual({ detail: "JSON parse error" })
    expect(server.store.layers()).toHaveLength(before)
  })
})

describe("imports", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())
  beforeEach(() => {
    server.store.importPolls = 2
  })

  const createLayer = async (name = "Imported") => {
    const { body } = await post(server, "/layers/", { name, data: { datasources: [1] } })
    const layer = server.store.layers().at(-1) as LayerRecord
    return { layer, versionPath: pathOf(server, body["url"]) }
  }

  it("advances one step per read: 0 → 0.5 → ok with progress 1", async () => {
    const { layer, versionPath } = await createLayer()
    const first = await request(server, versionPath)
    expect(versionOf(first.body)).toMatchObject({ status: "importing", progress: 0.5 })
    const second = await request(server, `/layers/${layer.id}/versions/draft/`)
    expect(versionOf(second.body)).toMatchObject({ status: "ok", progress: 1 })
    const third = await request(server, versionPath)
    expect(versionOf(third.body)).toMatchObject({ status: "ok", progress: 1 })
  })

  it("takes importPolls reads, counting every endpoint that shows the version", async () => {
    server.store.importPolls = 4
    const { layer } = await createLayer("Counted Reads")
    const version = layer.versions[0]
    await request(server, `/layers/${layer.id}/`)
    expect(version).toMatchObject({ status: "importing", progress: 0.25 })
    const versions = await request<Array<Json>>(server, `/layers/${layer.id}/versions/`)
    expect(versions.body[0]).toMatchObject({ id: version?.id, status: "importing", progress: 0.5 })
    const latest = await request<Array<Json>>(server, "/data/latest/?q=counted%20reads")
    expect(latest.body.map((item) => item["id"])).toEqual([layer.id])
    expect(version).toMatchObject({ status: "importing", progress: 0.75 })
    const draft = await request(server, `/layers/${layer.id}/versions/draft/`)
    expect(versionOf(draft.body)).toMatchObject({ status: "ok", progress: 1 })
  })

  it("does not advance on the drafts list or store reads", async () => {
    const { layer } = await createLayer()
    for (let read = 0; read < 3; read++) {
      const drafts = await request<Array<Json>>(server, "/layers/drafts/?version.status=importing")
      expect(drafts.body.map((item) => item["id"])).toContain(layer.id)
    }
    expect(server.store.getLayer(layer.id)?.versions[0]).toMatchObject({ status: "importing", progress: 0 })
  })

  it("ends in error when told to, and completeImports finishes every import at once", async () => {
    const failing = await createLayer()
    const other = await createLayer()
    server.store.failNextImport(failing.layer.id)
    server.store.completeImports()
    expect(failing.layer.versions[0]?.status).toBe("error")
    expect(other.layer.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    const shown = await request(server, failing.versionPath)
    expect(versionOf(shown.body)).toMatchObject({ status: "error" })
    expect(() => server.store.failNextImport(999_999)).toThrow(/999999/)
  })

  it("fails every import with failImports", async () => {
    const failingServer = await startServer({ catalogSize: 0, failImports: true, importPolls: 1 })
    try {
      const { body } = await post(failingServer, "/layers/", { name: "Broken", data: { datasources: [1] } })
      const shown = await request(failingServer, pathOf(failingServer, body["url"]))
      expect(versionOf(shown.body)).toMatchObject({ status: "error", progress: 0 })
      expect(failingServer.store.importPolls).toBe(1)
    } finally {
      await failingServer.close()
    }
  })

  it("re-imports a version: 202 with the layer, 409 when published, 400 without datasources", async () => {
    const { layer, versionPath } = await createLayer()
    server.store.completeImports()
    const again = await post(server, `${versionPath}import/`)
    expect(again.status).toBe(202)
    expect(again.response.headers.get("location")).toBeNull()
    expect(Object.keys(again.body)).toEqual([...FULL_LAYER_KEYS, "version"])
    expect(versionOf(again.body)).toMatchObject({ id: layer.versions[0]?.id, status: "importing", progress: 0 })

    const published = server.store.addLayer()
    const conflict = await post(server, `/layers/${published.id}/versions/${published.versions[0]?.id}/import/`)
    expect(conflict.status).toBe(409)
    expect(conflict.body).toEqual({ detail: "This version is already published" })

    const empty = server.store.addLayer({ publishedVersions: 0, datasources: [] })
    const nothing = await post(server, `/layers/${empty.id}/versions/${empty.versions[0]?.id}/import/`)
    expect(nothing.status).toBe(400)
    expect(nothing.body).toEqual({ detail: "No valid datasources to import" })
    expect(empty.versions[0]?.status).toBe("ok")
  })

  it("starts an update: a new importing draft, 409 while a draft exists", async () => {
    const layer = server.store.addLayer({ publishedVersions: 1 })
    const update = await post(server, `/layers/${layer.id}/versions/import/`)
    expect(update.status).toBe(202)
    expect(update.response.headers.get("location")).toBeNull()
    expect(layer.versions).toHaveLength(2)
    expect(versionOf(update.body)).toMatchObject({ id: layer.versions[1]?.id, status: "importing", progress: 0 })
    expect(update.body["this_version"]).toBe(update.body["latest_version"])
    expect(update.body["data"]).toEqual(layer.versions[0]?.content.data)
    const again = await post(server, `/layers/${layer.id}/versions/import/`)
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ detail: "This layer already has a draft version" })
  })
})

describe("drafts, edits and deletion", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())

  it("creates a draft copying the newest version: 201 with Location, status ok, 409 for a second", async () => {
    const layer = server.store.addLayer({ name: "Coastline", tags: ["coast"] })
    const draft = await post(server, `/layers/${layer.id}/versions/`)
    expect(draft.status).toBe(201)
    const newest = layer.versions[1]
    expect(draft.response.headers.get("location")).toBe(`${root(server)}/layers/${layer.id}/versions/${newest?.id}/`)
    expect(Object.keys(draft.body)).toEqual([...FULL_LAYER_KEYS, "version"])
    expect(draft.body).toMatchObject({ name: "Coastline", tags: ["coast"], published_at: null })
    expect(versionOf(draft.body)).toMatchObject({ id: newest?.id, status: "ok", progress: 1, created_by: 2001 })
    expect(newest?.content).toEqual(layer.versions[0]?.content)

    const second = await post(server, `/layers/${layer.id}/versions/`)
    expect(second.status).toBe(409)
    expect(second.body).toEqual({ detail: "This layer already has a draft version" })
    expect(layer.versions).toHaveLength(2)
  })

  it("edits a draft without touching the published version", async () => {
    const layer = server.store.addLayer({ name: "Old Name", draft: "ok", license: 1, group: 101 })
    const draftPath = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    const edited = await put(server, draftPath, {
      name: "New Name",
      description: "Edited.",
      tags: ["edited"],
      categories: [{ name: "Hazards", slug: "hazards" }],
      license: 17,
      group: { id: 104 },
      elevation_field: "height",
      id: 1,
      url: "ignored"
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({
      id: layer.id,
      name: "New Name",
      description: "Edited.",
      description_html: "<p>Edited.</p>",
      tags: ["edited"],
      categories: [{ name: "Hazards", slug: "hazards" }],
      license: { id: 17, type: "cc-by-nc-sa", jurisdiction: "nz" },
      group: { id: 104 },
      elevation_field: "height",
      url_html: `${server.origin}/layer/${layer.id}-new-name/`
    })
    expect(versionOf(edited.body)).toMatchObject({ status: "ok" })
    const published = await request(server, `/layers/${layer.id}/`)
    expect(published.body).toMatchObject({ name: "Old Name", license: { id: 1 }, group: { id: 101 } })
    expect(layer.name).toBe("Old Name")
    expect((await request(server, draftPath)).body["name"]).toBe("New Name")
  })

  it("starts an import when an edit brings new datasources", async () => {
    const layer = server.store.addLayer({ draft: "ok" })
    const path = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    const edited = await put(server, path, { data: { datasources: [{ id: 42 }] } })
    expect(versionOf(edited.body)).toMatchObject({ status: "importing", progress: 0 })
    expect((edited.body["data"] as Json)["datasources"]).toEqual([{ id: 42 }])
    expect(layer.versions[0]?.content.data.datasources).not.toEqual([{ id: 42 }])
  })

  it("refuses to edit published versions (405), invalid fields (400) and unknown versions (404)", async () => {
    const layer = server.store.addLayer({ draft: "ok" })
    const published = await put(server, `/layers/${layer.id}/versions/${layer.versions[0]?.id}/`, { name: "X" })
    expect(published.status).toBe(405)
    expect(published.body).toEqual({ detail: "Published versions cannot be edited" })
    const draftPath = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    const invalid = await put(server, draftPath, { name: "", license: "abc", data: { datasources: [] } })
    expect(invalid.status).toBe(400)
    expect(invalid.body).toEqual({
      name: ["This field may not be blank."],
      license: ["Incorrect type. Expected pk value, received str."],
      data: ["At least one datasource is required."]
    })
    expect((await put(server, `/layers/${layer.id}/versions/1/`, { name: "X" })).status).toBe(404)
    expect((await put(server, draftPath, "[")).body).toEqual({ detail: "JSON parse error" })
  })

  it("deletes drafts (204, then 404) but not published versions (405)", async () => {
    const layer = server.store.addLayer({ draft: "ok" })
    const [published, draft] = layer.versions
    const refused = await remove(server, `/layers/${layer.id}/versions/${published?.id}/`)
    expect(refused.status).toBe(405)
    expect(refused.body).toEqual({ detail: "Published versions cannot be deleted" })
    const deleted = await remove(server, `/layers/${layer.id}/versions/${draft?.id}/`)
    expect(deleted.status).toBe(204)
    expect(deleted.body).toBeUndefined()
    expect((await request(server, `/layers/${layer.id}/versions/${draft?.id}/`)).status).toBe(404)
    expect((await request(server, `/layers/${layer.id}/versions/draft/`)).status).toBe(404)
    expect(layer.versions.map((version) => version.id)).toEqual([published?.id])
  })

  it("deleting the only version of a never-published layer deletes the layer", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    expect((await remove(server, `/layers/${layer.id}/versions/${layer.versions[0]?.id}/`)).status).toBe(204)
    expect((await request(server, `/layers/${layer.id}/`)).status).toBe(404)
    expect(server.store.getLayer(layer.id)).toBeUndefined()
  })

  it("deletes a layer: gone from its endpoints, lists, the catalog and sets", async () => {
    const layer = server.store.addLayer({ name: "Doomed", kind: "table" })
    const set = server.store.addSet({ items: [layer.id] })
    expect((await request<Array<Json>>(server, "/tables/")).body.map((item) => item["id"])).toContain(layer.id)
    const deleted = await remove(server, `/tables/${layer.id}/`)
    expect(deleted.status).toBe(204)
    for (const path of [`/tables/${layer.id}/`, `/layers/${layer.id}/`, `/layers/${layer.id}/versions/`]) {
      expect((await request(server, path)).status, path).toBe(404)
    }
    for (const path of ["/tables/", "/layers/", "/data/", "/data/latest/"]) {
      const ids = (await request<Array<Json>>(server, path)).body.map((item) => item["id"])
      expect(ids, path).not.toContain(layer.id)
    }
    expect(set.items).toEqual([])
    expect((await remove(server, `/tables/${layer.id}/`)).status).toBe(404)
  })
})

describe("publishing a layer version", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())

  it("answers 201 with the publish's Location and no body, then completes on reads", async () => {
    const layer = server.store.addLayer({ name: "Rail", draft: "ok" })
    const [first, draft] = layer.versions
    const published = await post(server, `/layers/${layer.id}/versions/${draft?.id}/publish/`)
    expect(published.status).toBe(201)
    expect(published.body).toBeUndefined()
    const publish = server.store.publishes().at(-1)
    const location = `${root(server)}/publish/${publish?.id}/`
    expect(published.response.headers.get("location")).toBe(location)
    expect(publish).toMatchObject({ state: "publishing", publish_strategy: "together", error_strategy: "abort" })
    expect(draft?.published_at).toBeNull()

    const read = await request(server, location)
    expect(Object.keys(read.body)).toEqual(PUBLISH_KEYS)
    expect(read.body).toMatchObject({
      id: publish?.id,
      url: location,
      state: "completed",
      created_by: { id: 2001, first_name: "Aroha", last_name: "Anderson", url: `${root(server)}/users/2001/` },
      publish_at: null,
      items: [`${root(server)}/layers/${layer.id}/versions/${draft?.id}/`]
    })
    expect(draft?.published_at).not.toBeNull()
    const current = await request(server, `/layers/${layer.id}/`)
    expect(current.body["this_version"]).toBe(`${root(server)}/layers/${layer.id}/versions/${draft?.id}/`)
    expect(current.body["published_version"]).toBe(current.body["this_version"])
    expect(current.body["published_at"]).toBe(draft?.published_at)
    expect(current.body["first_published_at"]).toBe(first?.published_at)
    expect((await request(server, `/layers/${layer.id}/versions/draft/`)).status).toBe(404)
  })

  it("answers 409 for published, importing, failed and already-publishing versions", async () => {
    const layer = server.store.addLayer({ draft: "importing" })
    const publishPath = (id: number | undefined) => `/layers/${layer.id}/versions/${id}/publish/`
    const published = await post(server, publishPath(layer.versions[0]?.id))
    expect(published.status).toBe(409)
    expect(published.body).toEqual({ detail: "This version is already published" })
    const importing = await post(server, publishPath(layer.versions[1]?.id))
    expect(importing.status).toBe(409)
    expect(importing.body).toEqual({ detail: "This version is still importing" })

    server.store.failNextImport(layer.id)
    server.store.completeImports()
    const failed = await post(server, publishPath(layer.versions[1]?.id))
    expect(failed.status).toBe(409)
    expect(failed.body).toEqual({ detail: "This version failed to import" })

    const other = server.store.addLayer({ publishedVersions: 0, draft: "ok" })
    const path = `/layers/${other.id}/versions/${other.versions[0]?.id}/publish/`
    expect((await post(server, path)).status).toBe(201)
    const twice = await post(server, path)
    expect(twice.status).toBe(409)
    expect(twice.body["detail"]).toMatch(/is part of publish \d+, which is still under way/)
    expect((await post(server, `/layers/${layer.id}/versions/1/publish/`)).status).toBe(404)
  })

  it("refuses to delete a version or layer under an active publish", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const version = layer.versions[0]
    await post(server, `/layers/${layer.id}/versions/${version?.id}/publish/`)
    expect((await remove(server, `/layers/${layer.id}/versions/${version?.id}/`)).status).toBe(409)
    expect((await remove(server, `/layers/${layer.id}/`)).status).toBe(409)
    expect(server.store.getLayer(layer.id)).toBe(layer)
  })
})

describe("publishes", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())

  const versionUrl = (record: LayerRecord | SetRecord, index = -1) =>
    `${root(server)}/${record.entity === "set" ? "sets" : record.kind === "table" ? "tables" : "layers"}/${record.id}/versions/${
      record.versions.at(index)?.id
    }/`

  const state = async (location: string | null) => (await request(server, String(location))).body["state"]

  it("exports the states in order", () => {
    expect(PUBLISH_STATES).toEqual(["scheduled", "waiting-for-items", "publishing", "completed", "cancelled", "errored"])
  })

  it("waits for imports, publishes, then completes; everything goes live together", async () => {
    await post(server, "/layers/", { name: "Fresh import", data: { datasources: [1] } })
    const importing = server.store.layers().at(-1) as LayerRecord
    const table = server.store.addLayer({ kind: "table", draft: "ok" })
    const set = server.store.addSet({ publishedVersions: 0 })
    const items = [versionUrl(importing), versionUrl(table), versionUrl(set)]
    const created = await post(server, "/publish/", { items, publish_strategy: "individual", error_strategy: "ignore" })
    expect(created.status).toBe(201)
    expect(created.body).toBeUndefined()
    const location = created.response.headers.get("location")
    const publish = server.store.publishes().at(-1)
    expect(location).toBe(`${root(server)}/publish/${publish?.id}/`)
    expect(publish?.state).toBe("waiting-for-items")

    const first = await request(server, String(location))
    expect(first.body).toMatchObject({ state: "waiting-for-items", items, publish_strategy: "individual" })
    expect(importing.versions[0]).toMatchObject({ status: "importing", progress: 0.5 })
    expect(await state(location)).toBe("publishing")
    expect(importing.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    expect(table.versions[1]?.published_at).toBeNull()
    expect(await state(location)).toBe("completed")
    const stamps = [importing.versions[0], table.versions[1], set.versions[0]].map((version) => version?.published_at)
    expect(stamps[0]).not.toBeNull()
    expect(new Set(stamps)).toEqual(new Set([stamps[0]]))
    expect(await state(location)).toBe("completed")

    const catalog = (await request<Array<Json>>(server, "/data/")).body.map((item) => item["id"])
    expect(catalog).toEqual(expect.arrayContaining([importing.id, table.id, set.id]))
  })

  it("stays scheduled until publish_at passes", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const publishAt = new Date(Date.now() + 400)
    const created = await post(server, "/publish/", { items: [versionUrl(layer)], publish_at: publishAt.toISOString() })
    const location = created.response.headers.get("location")
    const scheduled = await request(server, String(location))
    expect(scheduled.body).toMatchObject({ state: "scheduled", publish_at: publishAt.toISOString() })
    expect(await state(location)).toBe("scheduled")
    await sleep(publishAt.getTime() - Date.now() + 50)
    expect(await state(location)).toBe("publishing")
    expect(layer.versions[0]?.published_at).toBeNull()
    expect(await state(location)).toBe("completed")
    expect(layer.versions[0]?.published_at).not.toBeNull()
  })

  it("errs without publishing anything when an import fails under abort", async () => {
    const failing = server.store.addLayer({ publishedVersions: 0, draft: "importing" })
    const fine = server.store.addLayer({ publishedVersions: 0 })
    server.store.failNextImport(failing.id)
    const created = await post(server, "/publish/", { items: [versionUrl(failing), versionUrl(fine)] })
    const location = created.response.headers.get("location")
    expect(await state(location)).toBe("waiting-for-items")
    expect(await state(location)).toBe("errored")
    expect(await state(location)).toBe("errored")
    expect(failing.versions[0]?.status).toBe("error")
    expect([failing, fine].map((layer) => layer.versions[0]?.published_at)).toEqual([null, null])
  })

  it("publishes the others when an import fails under ignore", async () => {
    const failing = server.store.addLayer({ publishedVersions: 0, draft: "importing" })
    const fine = server.store.addLayer({ publishedVersions: 0 })
    server.store.failNextImport(failing.id)
    server.store.completeImports()
    const created = await post(server, "/publish/", {
      items: [versionUrl(failing), versionUrl(fine)],
      error_strategy: "ignore"
    })
    const location = created.response.headers.get("location")
    expect(await state(location)).toBe("completed")
    expect(failing.versions[0]?.published_at).toBeNull()
    expect(fine.versions[0]?.published_at).not.toBeNull()
    expect((await request(server, `/layers/${failing.id}/versions/published/`)).status).toBe(404)
  })

  it("answers 400 with field errors for invalid publishes", async () => {
    const published = server.store.addLayer()
    const draft = server.store.addLayer({ publishedVersions: 0 })
    const elsewhere = versionUrl(draft).replace(server.origin, "http://example.com")
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{}, { items: ["This field is required."] }],
      [{ items: [] }, { items: ["This list may not be empty."] }],
      [{ items: "x" }, { items: ["Expected a list of items but got type \"str\"."] }],
      [{ items: [`${root(server)}/layers/${draft.id}/versions/1/`, elsewhere, 7] }, {
        items: [
          `${root(server)}/layers/${draft.id}/versions/1/ is not a known layer, table or set version`,
          `${elsewhere} is not a known layer, table or set version`,
          "7 is not a known layer, table or set version"
        ]
      }],
      [{ items: [versionUrl(published)] }, { items: [`${versionUrl(published)} is not a draft version`] }],
      [{ items: [versionUrl(draft), versionUrl(draft)] }, { items: [`${versionUrl(draft)} is listed more than once`] }],
      [{ items: [versionUrl(draft)], publish_strategy: "all", error_strategy: "retry", publish_at: "tomorrow" }, {
        publish_strategy: ["\"all\" is not a valid choice."],
        error_strategy: ["\"retry\" is not a valid choice."],
        publish_at: [
          "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
      }],
      [{ items: [versionUrl(draft)], publish_at: "2030-01-01" }, {
        publish_at: [
          "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
      }]
    ]
    const before = server.store.publishes().length
    for (const [body, errors] of cases) {
      const reply = await post(server, "/publish/", body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body, JSON.stringify(body)).toEqual(errors)
    }
    expect(server.store.publishes()).toHaveLength(before)

    await post(server, "/publish/", { items: [versionUrl(draft)], publish_at: "2999-01-01T00:00:00Z" })
    const busy = await post(server, "/publish/", { items: [versionUrl(draft)] })
    expect(busy.body).toEqual({ items: [`${versionUrl(draft)} is already being published`] })
  })

  it("cancels a publish that has not ended: 204, then 409", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const created = await post(server, "/publish/", { items: [versionUrl(layer)], publish_at: "2999-01-01T00:00:00Z" })
    const location = String(created.response.headers.get("location"))
    const cancelled = await remove(server, location)
    expect(cancelled.status).toBe(204)
    expect(await state(location)).toBe("cancelled")
    const again = await remove(server, location)
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ detail: "This publish has already ended (cancelled)" })
    expect(layer.versions[0]?.published_at).toBeNull()
    const republished = await post(server, "/publish/", { items: [versionUrl(layer)] })
    expect(republished.status).toBe(201)
    const done = String(republished.response.headers.get("location"))
    expect(await state(done)).toBe("completed")
    expect((await remove(server, done)).status).toBe(409)
    expect((await remove(server, "/publish/999999/")).status).toBe(404)
  })

  it("lists publishes newest first with pagination, advancing the ones shown", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    await post(server, "/publish/", { items: [versionUrl(layer)] })
    const all = server.store.publishes()
    const page = await request<Array<Json>>(server, "/publish/?page_size=2")
    expect(page.body.map((publish) => publish["id"])).toEqual(all.slice(-2).reverse().map((publish) => publish.id))
    expect(page.response.headers.get("x-resource-range")).toBe(`0-2/${all.length}`)
    expect(page.body[0]).toMatchObject({ state: "completed" })
    const head = await call(server, "/publish/", { method: "HEAD" })
    expect(head.headers.get("x-resource-range")).toBe(`0-${all.length}/${all.length}`)
    expect(server.store.getPublish(all[0]?.id ?? 0)).toBe(all[0])
    expect((await request(server, "/publish/999999/")).status).toBe(404)
  })
})

describe("sets", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 30, seed: 4 })
  })
  afterAll(() => server.close())

  it("gives generated sets published versions, some with a draft on top", () => {
    const sets = server.store.sets()
    expect(sets.length).toBeGreaterThan(1)
    for (const set of sets) expect(set.versions.some((version) => version.published_at !== null)).toBe(true)
    expect(sets.map((set) => set.id)).toEqual(
      server.store.catalogItems().filter((item) => item.entity === "set").map((item) => item.id)
    )
  })

  it("lists published sets and drafts in their own shapes", async () => {
    const draftOnly = server.store.addSet({ publishedVersions: 0, title: "Draft Set" })
    const withDraft = server.store.addSet({ draft: true })
    const published = await request<Array<Json>>(server, "/sets/")
    const expected = server.store.sets().filter((set) => set.versions.some((version) => version.published_at !== null))
    expect(published.body.map((set) => set["id"])).toEqual(expected.map((set) => set.id))
    for (const set of published.body) expect(Object.keys(set)).toEqual(SET_LIST_KEYS)
    expect(published.response.headers.get("x-resource-range")).toBe(`0-${expected.length}/${expected.length}`)

    const drafts = await request<Array<Json>>(server, "/sets/drafts/")
    expect(drafts.body.map((set) => set["id"])).toEqual(
      server.store.sets().filter((set) => set.versions.at(-1)?.published_at === null).map((set) => set.id)
    )
    expect(drafts.body.map((set) => set["id"])).toEqual(expect.arrayContaining([draftOnly.id, withDraft.id]))
    for (const set of drafts.body) expect(Object.keys(set)).toEqual(SET_DRAFT_KEYS)
    const expanded = await request<Array<Json>>(server, "/sets/drafts/", { headers: { Expand: "list" } })
    for (const set of expanded.body) expect(Object.keys(set)).toEqual(SET_KEYS)
    expect((await call(server, "/sets/drafts/", { method: "HEAD" })).status).toBe(200)
  })

  it("gets a set at its published version, and at each version with a version object", async () => {
    const layer = server.store.addLayer()
    const set = server.store.addSet({ title: "Base Data", draft: true, items: [layer.id], group: 105 })
    const [published, draft] = set.versions
    const url = `${root(server)}/sets/${set.id}/`
    const single = await request(server, `/sets/${set.id}/`)
    expect(Object.keys(single.body)).toEqual(SET_KEYS)
    expect(single.body).toMatchObject({
      id: set.id,
      title: "Base Data",
      url,
      type: "set",
      this_version: `${url}versions/${published?.id}/`,
      published_version: `${url}versions/${published?.id}/`,
      latest_version: `${url}versions/${draft?.id}/`,
      items: [`${root(server)}/layers/${layer.id}/`],
      group: { id: 105 },
      active_publish: null,
      url_html: `${server.origin}/set/${set.id}-base-data/`,
      permissions: `${url}permissions/`
    })

    const versions = await request<Array<Json>>(server, `/sets/${set.id}/versions/`)
    expect(versions.body).toEqual([draft, published].map((version) => ({
      id: version?.id,
      url: `${url}versions/${version?.id}/`,
      created_at: version?.created_at
    })))
    for (const [path, version] of [["draft", draft], ["published", published], [String(published?.id), published]] as const) {
      const reply = await request(server, `/sets/${set.id}/versions/${path}/`)
      expect(Object.keys(reply.body), path).toEqual([...SET_KEYS, "version"])
      expect(versionOf(reply.body), path).toEqual({
        id: version?.id,
        url: `${url}versions/${version?.id}/`,
        created_at: version?.created_at
      })
    }
    for (const path of [`/sets/999999/`, `/sets/${set.id}/versions/1/`, `/sets/${layer.id}/`]) {
      expect((await request(server, path)).status, path).toBe(404)
    }
  })

  it("creates a set as a draft: 201 with Location, in drafts and the latest catalog only", async () => {
    const layer = server.store.addLayer()
    const table = server.store.addLayer({ kind: "table" })
    const items = [`${root(server)}/layers/${layer.id}/`, `${root(server)}/tables/${table.id}/`]
    const created = await post(server, "/sets/", {
      title: "Transport Layers",
      description: "Roads and counts.",
      group: 102,
      items,
      categories: ["transport"],
      tags: ["roads"]
    })
    expect(created.status).toBe(201)
    const set = server.store.sets().at(-1)
    expect(created.response.headers.get("location")).toBe(`${root(server)}/sets/${set?.id}/`)
    expect(Object.keys(created.body)).toEqual(SET_KEYS)
    expect(created.body).toMatchObject({
      title: "Transport Layers",
      description_html: "<p>Roads and counts.</p>",
      items,
      categories: [{ name: "Transport", slug: "transport" }],
      tags: ["roads"],
      published_version: null
    })
    expect(set?.user.id).toBe(2001)
    expect((await request<Array<Json>>(server, "/sets/")).body.map((item) => item["id"])).not.toContain(set?.id)
    expect((await request<Array<Json>>(server, "/sets/drafts/")).body.map((item) => item["id"])).toContain(set?.id)
    const catalog = (await request<Array<Json>>(server, "/data/?type=set")).body.map((item) => item["id"])
    expect(catalog).not.toContain(set?.id)
    const latest = (await request<Array<Json>>(server, "/data/latest/?type=set")).body.map((item) => item["id"])
    expect(latest).toContain(set?.id)
  })

  it("answers 400 with field errors for invalid sets", async () => {
    const missing = await post(server, "/sets/", { items: [`${root(server)}/layers/999999/`, "nonsense"] })
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({
      title: ["This field is required."],
      group: ["This field is required."],
      items: [
        `${root(server)}/layers/999999/ is not a known layer or table`,
        "nonsense is not a known layer or table"
      ]
    })
    const table = server.store.addLayer({ kind: "vector" })
    const wrongCollection = await post(server, "/sets/", {
      title: "T",
      group: 101,
      items: [`${root(server)}/tables/${table.id}/`]
    })
    expect(wrongCollection.body).toEqual({ items: [`${root(server)}/tables/${table.id}/ is not a known layer or table`] })
  })

  it("makes, edits, publishes and deletes set drafts", async () => {
    const set = server.store.addSet({ title: "Hazards Collection" })
    const draft = await post(server, `/sets/${set.id}/versions/`)
    expect(draft.status).toBe(201)
    expect(draft.response.headers.get("location")).toBeNull()
    expect(Object.keys(draft.body)).toEqual([...SET_KEYS, "version"])
    expect(versionOf(draft.body)["id"]).toBe(set.versions[1]?.id)
    const conflict = await post(server, `/sets/${set.id}/versions/`)
    expect(conflict.status).toBe(409)
    expect(conflict.body).toEqual({ detail: "This set already has a draft version" })

    const draftPath = `/sets/${set.id}/versions/${set.versions[1]?.id}/`
    const edited = await put(server, draftPath, { title: "Hazards 2024", items: [], tags: ["hazards"] })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ title: "Hazards 2024", items: [], tags: ["hazards"] })
    expect((await request(server, `/sets/${set.id}/`)).body["title"]).toBe("Hazards Collection")
    const refused = await put(server, `/sets/${set.id}/versions/${set.versions[0]?.id}/`, { title: "X" })
    expect(refused.status).toBe(405)

    const published = await post(server, `${draftPath}publish/`)
    expect(published.status).toBe(201)
    const location = String(published.response.headers.get("location"))
    expect((await request(server, `/sets/${set.id}/`)).body["active_publish"]).toMatchObject({ url: location })
    expect((await request(server, location)).body).toMatchObject({ state: "completed", items: [`${root(server)}${draftPath}`] })
    const current = await request(server, `/sets/${set.id}/`)
    expect(current.body).toMatchObject({ title: "Hazards 2024", active_publish: null })
    expect(current.body["this_version"]).toBe(`${root(server)}${draftPath}`)
    expect((await post(server, `${draftPath}publish/`)).status).toBe(409)

    expect((await remove(server, draftPath)).status).toBe(405)
    await post(server, `/sets/${set.id}/versions/`)
    const newest = set.versions.at(-1)
    expect((await remove(server, `/sets/${set.id}/versions/${newest?.id}/`)).status).toBe(204)
    expect(set.versions).toHaveLength(2)
    expect((await remove(server, `/sets/${set.id}/`)).status).toBe(204)
    expect((await request(server, `/sets/${set.id}/`)).status).toBe(404)
    expect(server.store.getSet(set.id)).toBeUndefined()
  })
})

describe("metadata", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0 })
  })
  afterAll(() => server.close())

  const document = "\uFEFF\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gmd:MD_Metadata>Tūī &amp; kererū</gmd:MD_Metadata>\n"
  const xml = { "Content-Type": "text/xml" }

  it("stores a layer version's native document byte for byte and links its formats", async () => {
    const layer = server.store.addLayer({ name: "Buildings", draft: "ok", metadata: false })
    const base = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    expect((await request(server, base)).body["metadata"]).toBeNull()
    expect((await call(server, `${base}metadata/`)).status).toBe(404)

    const stored = await post(server, `${base}metadata/`, document, { headers: xml })
    expect(stored.status).toBe(200)
    expect(stored.response.headers.get("location")).toBe(`${root(server)}${base}metadata/`)
    expect(stored.body).toEqual({
      url: `${root(server)}${base}metadata/`,
      url_html: `${server.origin}/layer/${layer.id}-buildings/metadata/`
    })
    const metadata = (await request(server, base)).body["metadata"]
    expect(metadata).toEqual({
      iso: `${root(server)}${base}metadata/iso/`,
      dc: `${root(server)}${base}metadata/dc/`,
      native: `${root(server)}${base}metadata/`
    })
    const native = await call(server, `${base}metadata/`)
    expect(native.headers.get("content-type")).toBe("text/xml; charset=utf-8")
    expect(native.headers.get("content-disposition")).toBe('attachment; filename="buildings.xml"')
    expect(new Uint8Array(await native.arrayBuffer())).toEqual(new TextEncoder().encode(document))
    expect((await request(server, `/layers/${layer.id}/`)).body["metadata"]).toBeNull()
  })

  it("keeps bytes that are not UTF-8 exactly", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const base = `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`
    const latin1 = Uint8Array.from([...Buffer.from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>"), 0xe9, ...Buffer.from("</t>")])
    expect((await post(server, base, latin1, { headers: { "Content-Type": "application/xml; charset=iso-8859-1" } })).status)
      .toBe(200)
    expect(new Uint8Array(await (await call(server, base)).arrayBuffer())).toEqual(latin1)
  })

  it("derives well-formed ISO and Dublin Core documents from the layer", async () => {
    const layer = server.store.addLayer({ name: "Roads & Tracks", description: "Formed <public> roads.", tags: ["roads"] })
    const base = `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`
    const iso = await call(server, `${base}iso/`)
    expect(iso.headers.get("content-type")).toBe("text/xml; charset=utf-8")
    expect(iso.headers.get("content-disposition")).toBe('attachment; filename="roads-tracks.iso.xml"')
    expect((await call(server, `${base}dc/`)).headers.get("content-disposition"))
      .toBe('attachment; filename="roads-tracks.dc.xml"')
    const isoText = await iso.text()
    expect(isoText).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<gmd:MD_Metadata /)
    expect(isoText).toContain("<gmd:title><gco:CharacterString>Roads &amp; Tracks</gco:CharacterString></gmd:title>")
    expect(isoText).toContain("<gco:CharacterString>Formed &lt;public&gt; roads.</gco:CharacterString>")
    expect(isoText).toContain(`<gco:DateTime>${layer.versions[0]?.published_at}</gco:DateTime>`)
    const dc = await (await call(server, `${base}dc/`)).text()
    expect(dc).toContain("<dc:title>Roads &amp; Tracks</dc:title>")
    expect(dc).toContain("<dc:subject>roads</dc:subject>")
    expect(dc).toContain(`<dc:identifier>${root(server)}/layers/${layer.id}/versions/${layer.versions[0]?.id}/</dc:identifier>`)
    const native = await (await call(server, base)).text()
    expect(native).toContain(`<gco:CharacterString>urn:koordinates:layer:${layer.id}</gco:CharacterString>`)
    for (const text of [isoText, dc, native]) {
      const opened = [...text.matchAll(/<([\w:]+)[\s>]/g)].map((match) => match[1])
      const closed = [...text.matchAll(/<\/([\w:]+)>/g)].map((match) => match[1])
      expect(closed.sort()).toEqual(opened.sort())
    }
  })

  it("refuses non-XML bodies and types (400) and published versions (405)", async () => {
    const layer = server.store.addLayer({ draft: "ok", metadata: false })
    const draft = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/metadata/`
    const json = await post(server, draft, "{\"a\": 1}", { headers: xml })
    expect(json.status).toBe(400)
    expect(json.body).toEqual({ detail: "The body is not an XML document" })
    const type = await post(server, draft, document, { headers: { "Content-Type": "application/json" } })
    expect(type.status).toBe(400)
    expect(type.body).toEqual({
      detail: "Unsupported content type \"application/json\": send metadata as text/xml or application/xml"
    })
    expect((await post(server, draft, "", { headers: xml })).status).toBe(400)
    const published = await post(server, `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`, document, {
      headers: xml
    })
    expect(published.status).toBe(405)
    expect(published.body).toEqual({ detail: "Published versions cannot be edited" })
    expect(layer.versions[1]?.content.metadata).toBeNull()
  })

  it("stores set metadata through the set and through a version", async () => {
    const set = server.store.addSet({ title: "Imagery", draft: true, metadata: false })
    const [published, draft] = set.versions
    const bySet = await post(server, `/sets/${set.id}/metadata/`, document, { headers: xml })
    expect(bySet.status).toBe(200)
    expect(bySet.body["url"]).toBe(`${root(server)}/sets/${set.id}/versions/${draft?.id}/metadata/`)
    const native = await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`)
    expect(new Uint8Array(await native.arrayBuffer())).toEqual(new TextEncoder().encode(document))
    expect((await call(server, `/sets/${set.id}/metadata/`)).status).toBe(404)

    const other = "<dc>Second</dc>"
    await post(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`, other, { headers: xml })
    expect(await (await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/dc/`)).text()).toContain(
      "<dc:title>Imagery</dc:title>"
    )
    expect(await (await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`)).text()).toBe(other)
    const refused = await post(server, `/sets/${set.id}/versions/${published?.id}/metadata/`, other, { headers: xml })
    expect(refused.status).toBe(405)
    const draftSet = await request(server, `/sets/${set.id}/versions/draft/`)
    expect((draftSet.body["metadata"] as Json)["native"]).toBe(
      `${root(server)}/sets/${set.id}/versions/${draft?.id}/metadata/`
    )
  })
})

describe("licenses", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 0, tokens: { "test-token": ALL_SCOPES, bare: [] } })
  })
  afterAll(() => server.close())

  const types = ["cc-by", "cc-by-sa", "cc-by-nd", "cc-by-nc", "cc-by-nc-sa", "cc-by-nc-nd"]

  it("lists every license with its URLs, to any valid token", async () => {
    const { response, body } = await request<Array<Json>>(server, "/licenses/?page_size=5", { token: "bare" })
    expect(response.status).toBe(200)
    expect(response.headers.get("x-resource-range")).toBe("0-5/20")
    const all = await request<Array<Json>>(server, "/licenses/", { token: "bare" })
    expect(all.body.map((license) => license["id"])).toEqual(Array.from({ length: 20 }, (_, index) => index + 1))
    expect(all.body.slice(0, 5)).toEqual(body)
    for (const license of all.body) {
      expect(license["url"]).toBe(`${root(server)}/licenses/${license["id"]}/`)
      expect(license["url_html"]).toMatch(new RegExp(`^${server.origin}/license/[a-z0-9-]+/$`))
    }
    expect((await call(server, "/licenses/", { token: null })).status).toBe(401)
  })

  it("gets one license; only Creative Commons ones have jurisdiction and version", async () => {
    const publicDomain = await request(server, "/licenses/1/", { token: "bare" })
    expect(publicDomain.body).toEqual({
      id: 1,
      title: "Public Domain",
      type: "public-domain",
      url: `${root(server)}/licenses/1/`,
      url_html: `${server.origin}/license/public-domain/`
    })
    const geodata = await request(server, "/licenses/2/")
    expect(Object.keys(geodata.body)).toEqual(["id", "title", "type", "url", "url_html"])
    const cc = await request(server, "/licenses/17/")
    expect(cc.body).toEqual({
      id: 17,
      title: "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 New Zealand",
      type: "cc-by-nc-sa",
      jurisdiction: "nz",
      version: "3.0",
      url: `${root(server)}/licenses/17/`,
      url_html: `${server.origin}/license/attribution-noncommercial-sharealike-3-0-new-zealand/`
    })
    expect((await request(server, "/licenses/99/")).status).toBe(404)
  })

  it("looks up every Creative Commons type in nz, au and unported (empty jurisdiction)", async () => {
    for (const type of types) {
      for (const [jurisdiction, version] of [["nz", "3.0"], ["au", "3.0"], ["", "4.0"]] as const) {
        const path = `/licenses/${type}/${jurisdiction}/`
        const { status, body } = await request(server, path, { token: "bare" })
        expect(status, path).toBe(200)
        expect(body, path).toMatchObject({ type, jurisdiction, version })
        expect((await request(server, `/licenses/${body["id"]}/`)).body, path).toEqual(body)
      }
    }
    const unported = await request(server, "/licenses/cc-by-nc//")
    expect(unported.body["title"]).toBe("Creative Commons Attribution-NonCommercial 4.0 International")
  })

  it("answers 404 for unknown type and jurisdiction pairs", async () => {
    for (const path of ["/licenses/cc-by/us/", "/licenses/cc-by-xx/nz/", "/licenses/public-domain//", "/licenses//nz/", "/licenses/cc-by/%E0%A4%A/"]) {
      const { status, body } = await request(server, path)
      expect(status, path).toBe(404)
      expect(body).toEqual({ detail: "Not found." })
    }
  })
})

describe("tokens", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({ catalogSize: 3, tokens: { "test-token": ALL_SCOPES, "catalog-only": ["catalog"] } })
  })
  afterAll(() => server.close())

  const signIn = (extra: Json = {}, options: CallOptions = {}) =>
    post(server, "/tokens/", {
      grant_type: "password",
      username: server.store.defaultCredentials.username,
      password: server.store.defaultCredentials.password,
      ...extra
    }, options)

  it("shows configured tokens as the default user's, with only a key hint", async () => {
    const { body } = await request<Array<Json>>(server, "/tokens/")
    const tokens = server.store.tokens()
    expect(body).toEqual(tokens.map((token) => ({
      name: "",
      key_hint: `${token.key.slice(0, 4)}xx...`,
      url: `${root(server)}/tokens/${token.id}/`,
      id: token.id
    })))
    expect(body.map((token) => token["key_hint"])).toEqual(["testxx...", "cataxx..."])
    expect(tokens.map((token) => token.user)).toEqual([server.store.defaultUser, server.store.defaultUser])
    const single = await request(server, `/tokens/${tokens[0]?.id}/`)
    expect(Object.keys(single.body)).toEqual(TOKEN_KEYS)
    expect(single.body["scope"]).toBe(ALL_SCOPES.join(" "))
    expect(server.store.defaultCredentials).toEqual({ username: "aroha.anderson@example.com", password: "password-2001" })
  })

  it("goes through its lifecycle: create, use, update, delete, refused", async () => {
    const created = await signIn(
      { name: "Nightly sync", scope: "catalog layers:read", expires_at: "2999-01-02T03:04:05Z", referrers: ["*.example.com"] },
      { token: "no-such-token" }
    )
    expect(created.status).toBe(200)
    expect(created.response.headers.get("location")).toBeNull()
    expect(Object.keys(created.body)).toEqual([...TOKEN_KEYS.slice(0, -1), "key", "id"])
    const key = String(created.body["key"])
    expect(key).toMatch(/^[0-9a-f]{32}$/)
    expect(created.body).toMatchObject({
      name: "Nightly sync",
      key_hint: `${key.slice(0, 4)}xx...`,
      scope: "catalog layers:read",
      expires_at: "2999-01-02T03:04:05.000Z",
      referrers: ["*.example.com"]
    })
    const path = `/tokens/${created.body["id"]}/`

    expect((await call(server, "/data/", { token: key })).status).toBe(200)
    const forbidden = await call(server, "/sets/", { token: key })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get("oauth-scopes")).toBe("catalog, layers:read")
    expect((await call(server, "/tokens/", { token: key })).status).toBe(403)

    const fetched = await request(server, path)
    expect(fetched.body["key"]).toBeUndefined()
    expect(fetched.body["key_hint"]).toBe(`${key.slice(0, 4)}xx...`)

    const updated = await put(server, path, {
      name: "Renamed",
      scope: "sets:read tokens:read",
      expires_at: null,
      referrers: null,
      key: "ignored"
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({ ...fetched.body, name: "Renamed", scope: "sets:read tokens:read", expires_at: null, referrers: null })
    expect((await call(server, "/sets/", { token: key })).status).toBe(200)
    expect((await call(server, "/data/", { token: key })).status).toBe(403)
    expect((await request<Array<Json>>(server, "/tokens/", { token: key })).body.map((token) => token["id"])).toContain(
      created.body["id"]
    )

    const deleted = await remove(server, path)
    expect(deleted.status).toBe(204)
    const refused = await request(server, "/sets/", { token: key })
    expect(refused.status).toBe(401)
    expect(refused.body).toEqual({ detail: "Invalid token." })
    expect((await request(server, path)).status).toBe(404)
  })

  it("needs no Authorization header to sign in, and gives every scope by default", async () => {
    const created = await signIn({}, { token: null })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ name: "", scope: ALL_SCOPES.join(" "), expires_at: null, referrers: null })
  })

  it("answers 401 for bad credentials and 400 for bad fields", async () => {
    for (const credentials of [{ password: "wrong" }, { username: "nobody@example.com" }]) {
      const reply = await signIn(credentials)
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({ detail: "Invalid username or password" })
    }
    const grant = await signIn({ grant_type: "client_credentials" })
    expect(grant.status).toBe(400)
    expect(grant.body).toEqual({ grant_type: ["Unsupported grant type \"client_credentials\": use \"password\"."] })
    const missing = await post(server, "/tokens/", { grant_type: "password" })
    expect(missing.body).toEqual({ username: ["This field is required."], password: ["This field is required."] })
    const scope = await signIn({ scope: "catalog layers:delete everything", expires_at: "soon" })
    expect(scope.status).toBe(400)
    expect(scope.body).toEqual({
      scope: ["Unknown scope: layers:delete, everything"],
      expires_at: [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
      ]
    })
    const tokens = server.store.tokens().length
    expect((await put(server, `/tokens/${server.store.tokens()[0]?.id}/`, { scope: "root" })).status).toBe(400)
    expect(server.store.tokens()).toHaveLength(tokens)
    expect(server.store.tokens()[0]?.scopes).toEqual(ALL_SCOPES)
  })

  it("signs other users in, and hides their tokens from each other", async () => {
    const user = server.store.users[3]
    const theirs = await post(server, "/tokens/", {
      grant_type: "password",
      username: user?.email.toUpperCase(),
      password: user?.password,
      name: "Theirs"
    })
    expect(theirs.status).toBe(200)
    const key = String(theirs.body["key"])
    expect((await request<Array<Json>>(server, "/tokens/", { token: key })).body.map((token) => token["name"])).toEqual(["Theirs"])
    expect((await request(server, `/tokens/${server.store.tokens()[0]?.id}/`, { token: key })).status).toBe(404)
    expect((await request(server, `/tokens/${theirs.body["id"]}/`)).status).toBe(404)
    expect((await remove(server, `/tokens/${theirs.body["id"]}/`)).status).toBe(404)
    const publish = await post(server, "/publish/", { items: [] }, { token: key })
    expect(publish.status).toBe(400)
  })

  it("refuses an expired token", async () => {
    const created = await signIn({ expires_at: new Date(Date.now() + 200).toISOString() })
    const key = String(created.body["key"])
    expect((await call(server, "/data/", { token: key })).status).toBe(200)
    await sleep(250)
    const expired = await request(server, "/data/", { token: key })
    expect(expired.status).toBe(401)
    expect(expired.body).toEqual({ detail: "Token has expired." })
  })
})

describe("scopes of the new endpoints", () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startServer({
      catalogSize: 0,
      tokens: { "test-token": ALL_SCOPES, readers: ["layers:read", "sets:read", "tokens:read"] }
    })
  })
  afterAll(() => server.close())

  it("needs the :write scope for writes and :read for reads", async () => {
    const layer = server.store.addLayer({ draft: "ok" })
    const set = server.store.addSet()
    const version = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    const writes: ReadonlyArray<readonly [string, string, string]> = [
      ["POST", "/layers/", "layers:write"],
      ["POST", "/tables/", "layers:write"],
      ["POST", `/layers/${layer.id}/versions/`, "layers:write"],
      ["POST", `/layers/${layer.id}/versions/import/`, "layers:write"],
      ["PUT", version, "layers:write"],
      ["DELETE", version, "layers:write"],
      ["POST", `${version}import/`, "layers:write"],
      ["POST", `${version}publish/`, "layers:write"],
      ["POST", `${version}metadata/`, "layers:write"],
      ["DELETE", `/layers/${layer.id}/`, "layers:write"],
      ["POST", "/sets/", "sets:write"],
      ["POST", `/sets/${set.id}/versions/`, "sets:write"],
      ["POST", `/sets/${set.id}/metadata/`, "sets:write"],
      ["DELETE", `/sets/${set.id}/`, "sets:write"],
      ["POST", "/publish/", "layers:write"],
      ["DELETE", "/publish/1/", "layers:write"],
      ["PUT", "/tokens/1/", "tokens:write"],
      ["DELETE", "/tokens/1/", "tokens:write"]
    ]
    for (const [method, path, scope] of writes) {
      const response = await call(server, path, { method, token: "readers", body: "{}" })
      expect(response.status, `${method} ${path}`).toBe(403)
      expect(response.headers.get("accepted-oauth-scopes"), `${method} ${path}`).toBe(scope)
    }
    expect(layer.versions).toHaveLength(2)
    expect(server.store.getSet(set.id)).toBe(set)

    for (const path of ["/publish/", "/sets/", `/sets/${set.id}/versions/`, "/tokens/"]) {
      expect((await call(server, path, { token: "readers" })).status, path).toBe(200)
    }
  })

  it("answers 405 with Allow for other methods", async () => {
    const response = await call(server, "/publish/", { method: "PUT", body: "{}" })
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST")
    const tokens = await call(server, "/tokens/", { method: "DELETE", token: "nope" })
    expect(tokens.status).toBe(401)
  })
})

describe("store API", () => {
  it("adds sets with the options given", () => {
    const store = new Store(3)
    const layer = store.addLayer()
    const set = store.addSet({
      title: "Water Resources",
      description: "Rivers.",
      group: 106,
      items: [layer.id],
      categories: ["hydrography"],
      tags: ["water"],
      user: 2038,
      created_at: "2021-02-03T04:05:06Z",
      publishedVersions: 2,
      draft: true,
      metadata: true
    })
    expect(store.getSet(set.id)).toBe(set)
    expect(store.getSet(layer.id)).toBeUndefined()
    expect(store.sets()).toEqual([set])
    expect(set).toMatchObject({
      title: "Water Resources",
      description: "Rivers.",
      group: { id: 106 },
      items: [layer],
      categories: [{ name: "Water", slug: "hydrography" }],
      tags: ["water"],
      user: { id: 2038 },
      created_at: "2021-02-03T04:05:06Z"
    })
    expect(set.versions.map((version) => version.published_at === null)).toEqual([false, false, true])
    expect(set.metadata).toBeInstanceOf(Uint8Array)
    expect(() => store.addSet({ items: [999] })).toThrow(/layer id 999/)
    expect(() => store.addSet({ publishedVersions: 0, draft: false })).toThrow(/version/)
  })

  it("reads content from the published version, else the draft", () => {
    const store = new Store()
    const layer = store.addLayer({ name: "Published", draft: "ok" })
    const draft = layer.versions[1]
    if (draft !== undefined) draft.content = { ...draft.content, name: "Draft" }
    expect(layer.name).toBe("Published")
    const unpublished = store.addLayer({ name: "Only draft", publishedVersions: 0 })
    expect(unpublished.name).toBe("Only draft")
  })

  it("validates importPolls", () => {
    expect(() => new Store(1, { importPolls: 0 })).toThrow(/importPolls/)
    const store = new Store()
    expect(store.importPolls).toBe(2)
    expect(() => {
      store.importPolls = 1.5
    }).toThrow(/importPolls/)
  })

  it("reset drops created tokens and publishes and restores configured tokens", async () => {
    const server = await startServer({ catalogSize: 2 })
    try {
      const layer = server.store.addLayer({ publishedVersions: 0 })
      await post(server, "/publish/", {
        items: [`${root(server)}/layers/${layer.id}/versions/${layer.versions[0]?.id}/`]
      })
      const created = await post(server, "/tokens/", {
        grant_type: "password",
        ...server.store.defaultCredentials
      })
      await remove(server, `/tokens/${server.store.tokens()[0]?.id}/`, { token: String(created.body["key"]) })
      expect(server.store.tokenForKey("test-token")).toBeUndefined()
      server.store.reset()
      expect(server.store.publishes()).toEqual([])
      expect(server.store.sets()).toEqual([])
      expect(server.store.tokens().map((token) => token.key)).toEqual(["test-token"])
      expect(server.store.tokenForKey(String(created.body["key"]))).toBeUndefined()
      expect((await call(server, "/publish/")).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
