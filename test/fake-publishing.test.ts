/**
 * Tests of FakeKoordinates' publishes over real HTTP: the state machine on the clock
 * (scheduled, waiting for items, publishing, completed, errored), validation, cancelling
 * and lists.
 */
import { describe, expect, it } from "vitest"
import { type FakeServer, type LayerRecord, PUBLISH_STATES, type SetRecord } from "../packages/testing/src/server/index.ts"
import { call, expectFieldErrors, type Json, post, remove, request, root, useServer } from "./support/raw.ts"

/** The API URL of a version of a layer, table or set on `server` (default the newest). */
const versionUrl = (server: FakeServer, record: LayerRecord | SetRecord, index = -1) =>
  `${root(server)}/${record.entity === "set" ? "sets" : record.kind === "table" ? "tables" : "layers"}/${record.id}/versions/${
    record.versions.at(index)?.id
  }/`

/** The state a publish shows now. */
const stateOf = async (server: FakeServer, location: string | null) =>
  (await request(server, String(location))).body["state"]

describe("publishes with the per-read clock", () => {
  const server = useServer({ catalogSize: 0, clock: "per-read" })
  const state = (location: string | null) => stateOf(server, location)

  it("moves a step per read: imports advance as the publish is read, then it completes", async () => {
    await post(server, "/layers/", { name: "Fresh import", data: { datasources: [1] } })
    const importing = server.store.layers().at(-1) as LayerRecord
    const created = await post(server, "/publish/", { items: [versionUrl(server, importing)] })
    const location = created.response.headers.get("location")
    expect(server.store.publishes().at(-1)?.state).toBe("waiting-for-items")
    expect(await state(location)).toBe("waiting-for-items")
    expect(importing.versions[0]).toMatchObject({ status: "importing", progress: 0.5 })
    expect(await state(location)).toBe("publishing")
    expect(importing.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    expect(importing.versions[0]?.published_at).toBeNull()
    expect(await state(location)).toBe("completed")
    expect(importing.versions[0]?.published_at).not.toBeNull()
  })
})

describe("publishes", () => {
  const server = useServer({ catalogSize: 0, clock: "manual", importTime: "1 second", publishTime: "500 millis" })
  const state = (location: string | null) => stateOf(server, location)
  const versionOf = (record: LayerRecord | SetRecord, index = -1) => versionUrl(server, record, index)
  const at = (ms: number) => new Date(ms).toISOString()

  it("exports the states in order", () => {
    expect(PUBLISH_STATES).toEqual(["scheduled", "waiting-for-items", "publishing", "completed", "cancelled", "errored"])
  })

  it("waits for imports, publishes, then completes; everything goes live together", async () => {
    await post(server, "/layers/", { name: "Fresh import", data: { datasources: [1] } })
    const importing = server.store.layers().at(-1) as LayerRecord
    const table = server.store.addLayer({ kind: "table", draft: "ok" })
    const set = server.store.addSet({ publishedVersions: 0 })
    const items = [versionOf(importing), versionOf(table), versionOf(set)]
    const created = await post(server, "/publish/", { items, publish_strategy: "individual", error_strategy: "ignore" })
    expect(created.status).toBe(201)
    expect(created.body).toBeUndefined()
    const location = created.response.headers.get("location")
    const publish = server.store.publishes().at(-1)
    expect(location).toBe(`${root(server)}/publish/${publish?.id}/`)
    expect(publish?.state).toBe("waiting-for-items")

    const start = server.clock.now()
    const first = await request(server, String(location))
    expect(first.body).toMatchObject({ state: "waiting-for-items", items, publish_strategy: "individual" })
    for (let read = 0; read < 3; read++) expect(await state(location)).toBe("waiting-for-items")
    expect(importing.versions[0]).toMatchObject({ status: "importing", progress: 0 })
    server.clock.advance("1 second")
    expect(importing.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    expect(await state(location)).toBe("publishing")
    server.clock.advance(499)
    expect(await state(location)).toBe("publishing")
    expect(table.versions[1]?.published_at).toBeNull()
    server.clock.advance(1)
    expect(await state(location)).toBe("completed")
    const stamps = [importing.versions[0], table.versions[1], set.versions[0]].map((version) => version?.published_at)
    expect(stamps).toEqual([at(start + 1500), at(start + 1500), at(start + 1500)])
    expect(await state(location)).toBe("completed")

    const catalog = (await request<Array<Json>>(server, "/data/")).body.map((item) => item["id"])
    expect(catalog).toEqual(expect.arrayContaining([importing.id, table.id, set.id]))
  })

  it("stays scheduled until publish_at, then takes publishTime", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const publishAt = server.clock.now() + 400
    const created = await post(server, "/publish/", { items: [versionOf(layer)], publish_at: at(publishAt) })
    const location = created.response.headers.get("location")
    const scheduled = await request(server, String(location))
    expect(scheduled.body).toMatchObject({ state: "scheduled", publish_at: at(publishAt) })
    server.clock.advance(399)
    expect(await state(location)).toBe("scheduled")
    server.clock.advance(1)
    expect(await state(location)).toBe("publishing")
    expect(layer.versions[0]?.published_at).toBeNull()
    server.clock.advance("10 minutes")
    expect(server.store.getPublish(server.store.publishes().at(-1)?.id ?? 0)?.state).toBe("completed")
    expect(layer.versions[0]?.published_at).toBe(at(publishAt + 500))
  })

  it("errs without publishing anything when an import fails under abort", async () => {
    const failing = server.store.addLayer({ publishedVersions: 0, draft: "importing" })
    const fine = server.store.addLayer({ publishedVersions: 0 })
    server.store.failNextImport(failing.id)
    const created = await post(server, "/publish/", { items: [versionOf(failing), versionOf(fine)] })
    const location = created.response.headers.get("location")
    expect(await state(location)).toBe("waiting-for-items")
    server.clock.advance("1 second")
    expect(await state(location)).toBe("errored")
    server.clock.advance("1 second")
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
      items: [versionOf(failing), versionOf(fine)],
      error_strategy: "ignore"
    })
    const location = created.response.headers.get("location")
    expect(await state(location)).toBe("publishing")
    server.clock.advance("500 millis")
    expect(await state(location)).toBe("completed")
    expect(failing.versions[0]?.published_at).toBeNull()
    expect(fine.versions[0]?.published_at).not.toBeNull()
    expect((await request(server, `/layers/${failing.id}/versions/published/`)).status).toBe(404)
  })

  it("answers 400 with field errors for invalid publishes", async () => {
    const published = server.store.addLayer()
    const draft = server.store.addLayer({ publishedVersions: 0 })
    const elsewhere = versionOf(draft).replace(server.origin, "http://example.com")
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
      [{ items: [versionOf(published)] }, { items: [`${versionOf(published)} is not a draft version`] }],
      [{ items: [versionOf(draft), versionOf(draft)] }, { items: [`${versionOf(draft)} is listed more than once`] }],
      [{ items: [versionOf(draft)], publish_strategy: "all", error_strategy: "retry", publish_at: "tomorrow" }, {
        publish_strategy: ["\"all\" is not a valid choice."],
        error_strategy: ["\"retry\" is not a valid choice."],
        publish_at: [
          "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
      }],
      [{ items: [versionOf(draft)], publish_at: "2030-01-01" }, {
        publish_at: [
          "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
      }]
    ]
    const before = server.store.publishes().length
    await expectFieldErrors(server, "/publish/", cases)
    expect(server.store.publishes()).toHaveLength(before)

    await post(server, "/publish/", { items: [versionOf(draft)], publish_at: "2999-01-01T00:00:00Z" })
    const busy = await post(server, "/publish/", { items: [versionOf(draft)] })
    expect(busy.body).toEqual({ items: [`${versionOf(draft)} is already being published`] })
  })

  it("cancels a publish that has not ended: 204, then 409", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const created = await post(server, "/publish/", { items: [versionOf(layer)], publish_at: "2999-01-01T00:00:00Z" })
    const location = String(created.response.headers.get("location"))
    const cancelled = await remove(server, location)
    expect(cancelled.status).toBe(204)
    expect(await state(location)).toBe("cancelled")
    const again = await remove(server, location)
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ detail: "This publish has already ended (cancelled)" })
    expect(layer.versions[0]?.published_at).toBeNull()
    const republished = await post(server, "/publish/", { items: [versionOf(layer)] })
    expect(republished.status).toBe(201)
    const done = String(republished.response.headers.get("location"))
    server.clock.advance("500 millis")
    expect(await state(done)).toBe("completed")
    expect((await remove(server, done)).status).toBe(409)
    expect((await remove(server, "/publish/999999/")).status).toBe(404)
  })

  it("lists publishes newest first with pagination", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    await post(server, "/publish/", { items: [versionOf(layer)] })
    server.clock.advance("500 millis")
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

describe("the catalog lists every change at once, however often it was read before", () => {
  const server = useServer({ catalogSize: 30, clock: "manual", publishTime: "100 millis" })
  /** The ids `/data/` lists, every page read. */
  const listed = async (): Promise<Array<number>> => {
    const ids: Array<number> = []
    for (let page = 1; page <= 20; page++) {
      const { response, body } = await request<Array<Json>>(server, `/data/?page_size=10&page=${page}`)
      ids.push(...body.map((item) => Number(item["id"])))
      if (!(response.headers.get("link") ?? "").includes(`rel="page-next"`)) return ids
    }
    throw new Error("more than 20 pages")
  }

  it("an added item, a published draft, a new version, a removed version and a removed item", async () => {
    const before = await listed()
    expect(await listed()).toEqual(before)
    const added = server.store.addLayer({ name: "Added" })
    expect(await listed()).toEqual([...before, added.id])
    const draft = server.store.addLayer({ publishedVersions: 0, draft: "ok" })
    expect(await listed()).not.toContain(draft.id)
    const created = await post(server, "/publish/", { items: [versionUrl(server, draft)] })
    expect(created.status).toBe(201)
    server.clock.advance("100 millis")
    expect(await listed()).toContain(draft.id)
    const renewed = await post(server, `/layers/${added.id}/versions/`, {})
    expect(renewed.status).toBe(201)
    expect(await listed()).toContain(added.id)
    expect((await remove(server, `/layers/${added.id}/`)).status).toBe(204)
    expect(await listed()).toEqual([...before, draft.id])
  })
})
