/**
 * Tests of FakeKoordinates' layer and table endpoints over real HTTP: creating them, and
 * imports running on the clock (and, with the `per-read` clock, one step per read).
 */
import { setTimeout as sleep } from "node:timers/promises"
import { beforeEach, describe, expect, it } from "vitest"
import { type FakeServer, type LayerRecord, startServer } from "../packages/testing/src/server/index.ts"
import { type Json, pathOf, post, request, root, useServer, versionOf } from "./support/raw.ts"
import { FULL_LAYER_KEYS, VERSION_KEYS } from "./support/shapes.ts"

describe("creating layers and tables", () => {
  const server = useServer({ catalogSize: 0 })

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

/** Creates a layer through the API; its record and the path of its (importing) version. */
const createLayer = async (server: FakeServer, name = "Imported") => {
  const { body } = await post(server, "/layers/", { name, data: { datasources: [1] } })
  const layer = server.store.layers().at(-1) as LayerRecord
  return { layer, versionPath: pathOf(server, body["url"]) }
}

describe("imports with the per-read clock", () => {
  const server = useServer({ catalogSize: 0, clock: "per-read" })
  beforeEach(() => {
    server.store.importPolls = 2
  })

  it("advances one step per read: 0 → 0.5 → ok with progress 1", async () => {
    const { layer, versionPath } = await createLayer(server)
    const first = await request(server, versionPath)
    expect(versionOf(first.body)).toMatchObject({ status: "importing", progress: 0.5 })
    const second = await request(server, `/layers/${layer.id}/versions/draft/`)
    expect(versionOf(second.body)).toMatchObject({ status: "ok", progress: 1 })
    const third = await request(server, versionPath)
    expect(versionOf(third.body)).toMatchObject({ status: "ok", progress: 1 })
  })

  it("takes importPolls reads, counting every endpoint that shows the version", async () => {
    server.store.importPolls = 4
    const { layer } = await createLayer(server, "Counted Reads")
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
    const { layer } = await createLayer(server)
    for (let read = 0; read < 3; read++) {
      const drafts = await request<Array<Json>>(server, "/layers/drafts/?version.status=importing")
      expect(drafts.body.map((item) => item["id"])).toContain(layer.id)
    }
    expect(server.store.getLayer(layer.id)?.versions[0]).toMatchObject({ status: "importing", progress: 0 })
  })
})

describe("imports", () => {
  const server = useServer({ catalogSize: 0, clock: "manual", importTime: "1 second" })

  it("runs for importTime from its start, however often anything is read", async () => {
    const { layer, versionPath } = await createLayer(server, "Timed")
    const reads = [versionPath, `/layers/${layer.id}/`, `/layers/${layer.id}/versions/`, "/data/latest/", "/data/", "/layers/drafts/"]
    for (const path of [...reads, ...reads]) expect((await request(server, path)).status, path).toBe(200)
    expect(layer.versions[0]).toMatchObject({ status: "importing", progress: 0 })
    server.clock.advance("250 millis")
    expect(versionOf((await request(server, versionPath)).body)).toMatchObject({ status: "importing", progress: 0.25 })
    server.clock.advance(749)
    expect(layer.versions[0]).toMatchObject({ status: "importing", progress: 0.999 })
    server.clock.advance(1)
    expect(layer.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    expect(versionOf((await request(server, versionPath)).body)).toMatchObject({ status: "ok", progress: 1 })
  })

  it("keeps each import on its own time: a later one ends later", async () => {
    const first = await createLayer(server, "First")
    server.clock.advance("600 millis")
    const second = await createLayer(server, "Second")
    server.clock.advance("400 millis")
    expect([first.layer.versions[0]?.status, second.layer.versions[0]?.status]).toEqual(["ok", "importing"])
    expect(second.layer.versions[0]?.progress).toBeCloseTo(0.4)
    server.clock.advance("600 millis")
    expect(second.layer.versions[0]?.status).toBe("ok")
  })

  it("starts the import of an importing draft added to the store", () => {
    const layer = server.store.addLayer({ draft: "importing" })
    const draft = layer.versions[1]
    const start = draft?.progress ?? 0
    server.clock.advance("500 millis")
    expect(draft?.progress).toBeCloseTo(start + (1 - start) / 2)
    server.clock.advance("500 millis")
    expect(draft).toMatchObject({ status: "ok", progress: 1 })
  })

  it("ends by itself on the real clock, without a read", async () => {
    const real = await startServer({ catalogSize: 0, importTime: "30 millis" })
    try {
      const { layer } = await createLayer(real)
      expect(layer.versions[0]?.status).toBe("importing")
      for (let wait = 0; wait < 50 && layer.versions[0]?.status === "importing"; wait++) await sleep(10)
      expect(layer.versions[0]).toMatchObject({ status: "ok", progress: 1 })
      expect(real.clock.mode).toBe("real")
    } finally {
      await real.close()
    }
  })

  it("ends in error when told to, and completeImports finishes every import at once", async () => {
    const failing = await createLayer(server)
    const other = await createLayer(server)
    server.store.failNextImport(failing.layer.id)
    server.store.completeImports()
    expect(failing.layer.versions[0]?.status).toBe("error")
    expect(other.layer.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    const shown = await request(server, failing.versionPath)
    expect(versionOf(shown.body)).toMatchObject({ status: "error" })
    expect(() => server.store.failNextImport(999_999)).toThrow(/999999/)
  })

  it("fails every import with failImports", async () => {
    const failingServer = await startServer({ catalogSize: 0, failImports: true, clock: "manual" })
    try {
      const { body } = await post(failingServer, "/layers/", { name: "Broken", data: { datasources: [1] } })
      failingServer.clock.advance("200 millis")
      const shown = await request(failingServer, pathOf(failingServer, body["url"]))
      expect(versionOf(shown.body)).toMatchObject({ status: "error", progress: 0 })
    } finally {
      await failingServer.close()
    }
  })

  it("re-imports a version: 202 with the layer, 409 when published, 400 without datasources", async () => {
    const { layer, versionPath } = await createLayer(server)
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
