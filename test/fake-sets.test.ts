/**
 * Tests of FakeKoordinates' set endpoints over real HTTP: lists and drafts, versions,
 * creating and editing.
 */
import { describe, expect, it } from "vitest"
import { call, type Json, post, put, remove, request, root, useServer, versionOf } from "./support/raw.ts"

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

describe("sets", () => {
  const server = useServer({ catalogSize: 30, seed: 4, clock: "manual" })

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
    server.clock.advance("100 millis")
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
