/**
 * Tests of FakeKoordinates' version lifecycle over real HTTP: drafts, edits, deletion, and
 * publishing one version.
 */
import { describe, expect, it } from "vitest"
import { type Json, post, put, remove, request, root, useServer, versionOf } from "./support/raw.ts"
import { FULL_LAYER_KEYS } from "./support/shapes.ts"

const PUBLISH_KEYS = [
  "id", "url", "state", "created_at", "created_by", "error_strategy", "publish_strategy", "publish_at", "items"
]

describe("drafts, edits and deletion", () => {
  const server = useServer({ catalogSize: 0 })

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
  const server = useServer({ catalogSize: 0, clock: "manual" })

  it("answers 201 with the publish's Location and no body, then completes after publishTime", async () => {
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
    expect((await request(server, location)).body["state"]).toBe("publishing")

    server.clock.advance("100 millis")
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
