/**
 * Tests of FakeKoordinates' store API tests use to shape the fake: adding sources, sets
 * and layers, running jobs to their end on demand, reset, and the checks on its options.
 */
import { describe, expect, it } from "vitest"
import { type DurationInput, type LayerRecord, startServer, Store } from "../packages/testing/src/server/index.ts"
import { call, post, remove, root, sha256 } from "./support/raw.ts"

/** Starts an export of one layer in the store, as `POST /exports/` would. */
const exportOf = (store: Store, layer: LayerRecord, name: string) =>
  store.createExport({
    name,
    user: store.defaultUser,
    crs: "EPSG:2193",
    formats: { vector: "application/x-zipped-shp" },
    items: [{ layer }],
    extent: null,
    options: {},
    size_estimate_zipped: 1
  })

describe("store API for sources, scans, permissions and exports", () => {
  it("adds sources with the options given, scanned unless told otherwise", () => {
    const store = new Store(3)
    const plain = store.addSource({ type: "cifs", title: "Share", group: 105, tags: ["t"], scanned: false })
    expect(plain).toMatchObject({ type: "cifs", title: "Share", tags: ["t"], datasources: [], last_scanned_at: null })
    expect(plain.group?.id).toBe(105)
    expect(plain.url_remote).toMatch(/^smb:\/\//)
    expect(store.scans(plain.id)).toEqual([])
    const files = [
      { upload_path: "a.csv", content_type: "text/csv", size: 4, sha256: sha256("a,b\n"), document: null },
      { upload_path: "a.xml", content_type: "text/xml", size: 4, sha256: sha256("<a/>"), document: Buffer.from("<a/>") }
    ]
    const scanned = store.addSource({ files, user: 2001, group: null })
    expect(scanned.files).toEqual(files)
    expect(store.datasources(scanned.id).map((datasource) => [datasource.upload_path, datasource.data_type])).toEqual([
      ["a.csv", "table"]
    ])
    expect(Buffer.from(store.datasources(scanned.id)[0]?.metadata ?? []).toString()).toBe("<a/>")
    expect(store.scans(scanned.id).at(-1)?.status).toBe("completed")
    expect(store.getSource(scanned.id)).toBe(scanned)
    expect(store.sources()).toEqual([plain, scanned])
    expect(() => store.addSource({ group: 999 })).toThrow(/group/)
    expect(() => store.failNextScan(999)).toThrow(/source/)
    expect(() => store.datasources(999)).toThrow(/source/)
    expect(() => store.permissionsOf("set", 999)).toThrow(/set/)
    expect(() => {
      store.scanPolls = 0
    }).toThrow(/scanPolls/)
    expect(() => new Store(1, { exportPolls: 1.5 })).toThrow(/exportPolls/)
  })

  it("runs scans and exports to their end on demand, and reset starts over", () => {
    const store = new Store(4)
    const layer = store.addLayer()
    const source = store.addSource({ type: "wfs", scanned: false })
    const scan = store.startScan(source)
    store.failNextScan(source.id)
    store.completeScans()
    expect(scan.status).toBe("failed")
    const record = exportOf(store, layer, "kx-test")
    expect(record).toMatchObject({ state: "processing", progress: 0, size: 65_536, created_via: "api" })
    store.completeExports()
    expect(record).toMatchObject({ state: "complete", progress: 1 })
    store.setPermissions(layer, [])
    expect(store.permissionsOf("layer", layer.id)).toEqual([])
    expect(() => store.setExportSize(10, 1)).toThrow(/export/)

    store.reset()
    expect([store.sources(), store.scans(), store.exports(), store.layers()]).toEqual([[], [], [], []])
    const again = store.addSource({ type: "wfs", scanned: false })
    expect(again.id).toBe(source.id)
  })

  it("generates the same sources for the same seed", () => {
    const a = new Store(9)
    const b = new Store(9)
    a.generateSources(6)
    b.generateSources(6)
    expect(JSON.stringify(a.sources())).toBe(JSON.stringify(b.sources()))
    const c = new Store(10)
    c.generateSources(6)
    expect(JSON.stringify(c.sources())).not.toBe(JSON.stringify(a.sources()))
    a.reset()
    a.generateSources(6)
    expect(JSON.stringify(a.sources())).toBe(JSON.stringify(b.sources()))
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

  it("checks the job options: reads only with the per-read clock, durations finite and not negative", () => {
    expect(() => new Store(1, { importPolls: 3 })).toThrow(/importPolls counts reads: it needs clock "per-read"/)
    expect(() => new Store(1, { clock: "manual", scanPolls: 3 })).toThrow(/scanPolls/)
    expect(() => new Store(1, { clock: "per-read", importPolls: 0 })).toThrow(/importPolls must be a positive integer/)
    const perRead = new Store(1, { clock: "per-read", exportPolls: 3 })
    expect([perRead.importPolls, perRead.scanPolls, perRead.exportPolls]).toEqual([2, 2, 3])
    expect(() => {
      perRead.importPolls = 1.5
    }).toThrow(/importPolls/)
    const store = new Store()
    expect(store.clock.mode).toBe("real")
    expect(() => {
      store.importPolls = 2
    }).toThrow(/per-read/)
    for (const importTime of [-1, Number.NaN, "soon" as DurationInput, "Infinity"] as const) {
      expect(() => new Store(1, { importTime }), String(importTime)).toThrow(/importTime must be a finite, non-negative duration/)
    }
    expect(() => new Store(1, { clock: "fast" as "real" })).toThrow(/clock must be one of real, manual, per-read/)
  })

  it("moves jobs on only when its clock moves: advance ends what is due, in the order it fell due", () => {
    const store = new Store(1, { clock: "manual", importTime: "1 minute", exportTime: "30 seconds" })
    const layer = store.addLayer({ draft: "importing", publishedVersions: 0 })
    const started = store.clock.now()
    const source = store.addSource({ type: "wfs", scanned: false })
    const scan = store.startScan(source)
    const record = exportOf(store, layer, "kx-clock")
    for (let look = 0; look < 3; look++) store.settle()
    expect([layer.versions[0]?.status, scan.status, record.state]).toEqual(["importing", "queued", "processing"])
    store.clock.advance("200 millis")
    expect([scan.status, record.progress]).toEqual(["completed", 0.2 / 30])
    expect(scan.completed_at?.slice(0, 23)).toBe(new Date(started + 200).toISOString().slice(0, 23))
    store.clock.advance({ seconds: 30 })
    expect(record.state).toBe("complete")
    expect(layer.versions[0]?.status).toBe("importing")
    store.clock.advance("30 seconds")
    expect(layer.versions[0]).toMatchObject({ status: "ok", progress: 1 })
    expect(store.clock.now() - started).toBe(60_200)
    expect(() => store.clock.advance(-1)).toThrow(/advance/)
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
