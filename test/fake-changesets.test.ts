/**
 * Tests of FakeKoordinates' WFS changesets over real HTTP: applying the changesets between
 * consecutive revisions to the first load rebuilds the current data; a changeset over
 * several revisions is their collapse (one row per feature); `from` is exclusive and `to`
 * inclusive, to the microsecond; a date is midnight; the three URL forms; the refusals.
 */
import { describe, expect, it } from "vitest"
import type { LayerRecord } from "../packages/testing/src/server/index.ts"
import { getData } from "./support/data.ts"
import { call, useServer } from "./support/raw.ts"

type Rows = Map<string, { readonly properties: Record<string, unknown>; readonly geometry: unknown }>

/** Microseconds since the epoch of a timestamp with up to 6 fractional digits (UTC unless zoned). */
const micros = (text: string): number => {
  const match = /^(.*?)(?:\.(\d+))?(Z)?$/.exec(text) as RegExpExecArray
  const fraction = (match[2] ?? "").padEnd(6, "0")
  return Date.parse(`${match[1]}Z`) * 1000 + Number(fraction)
}

const iso = (us: number): string =>
  `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, "0")}Z`

describe("WFS changesets", () => {
  const server = useServer({ catalogSize: 0 })
  let layer: LayerRecord
  let times: Array<string>
  const setUp = () => {
    layer ??= server.store.addLayer({ features: 80, publishedVersions: 4, primaryKey: true, geometryType: "point" })
    times ??= layer.versions.map((version) => version.published_at as string)
  }

  const changeset = async (from: string, to: string, extra: ReadonlyArray<readonly [string, string]> = []) => {
    const reply = await getData(server, "/services;key=test-token/wfs", [
      ["service", "WFS"], ["version", "2.0.0"], ["request", "GetFeature"], ["typeNames", `layer-${layer.id}-changeset`],
      ["outputFormat", "json"], ["viewparams", `from:${from};to:${to}`], ...extra
    ], { key: null })
    expect(reply.status, reply.text.slice(0, 300)).toBe(200)
    return reply.json.features as Array<any>
  }

  const current = async (): Promise<Rows> => {
    const { json } = await getData(server, "/services;key=test-token/wfs", [
      ["request", "GetFeature"], ["typeNames", `layer-${layer.id}`], ["outputFormat", "json"]
    ], { key: null })
    return new Map(json.features.map((f: any) => [String(f.id).split(".").at(-1), { properties: f.properties, geometry: f.geometry }]))
  }

  it("rebuilds the current data from the first load and the changesets between revisions", async () => {
    setUp()
    expect(times).toHaveLength(4)
    const rows: Rows = new Map()
    const first = await changeset("2000-01-01", times[0] as string)
    expect(first).toHaveLength(80)
    for (const row of first) {
      expect(row.properties.__change__).toBe("INSERT")
      const { __change__, ...properties } = row.properties
      rows.set(String(row.id).split(".").at(-1) as string, { properties, geometry: row.geometry })
    }
    const snapshot0: Rows = new Map(rows)
    const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 }
    for (let index = 1; index < times.length; index++) {
      const step = await changeset(times[index - 1] as string, times[index] as string)
      const keys = step.map((row) => String(row.id).split(".").at(-1) as string)
      expect(new Set(keys).size).toBe(keys.length)
      for (const row of step) {
        const key = String(row.id).split(".").at(-1) as string
        const { __change__: change, ...properties } = row.properties as Record<string, unknown>
        counts[change as keyof typeof counts]++
        if (change === "INSERT") expect(rows.has(key), key).toBe(false)
        else expect(rows.has(key), key).toBe(true)
        if (change === "DELETE") rows.delete(key)
        else rows.set(key, { properties, geometry: row.geometry })
      }
    }
    expect(counts.INSERT).toBeGreaterThan(0)
    expect(counts.UPDATE).toBeGreaterThan(0)
    expect(counts.DELETE).toBeGreaterThan(0)
    const now = await current()
    expect([...rows.keys()].sort()).toEqual([...now.keys()].sort())
    for (const [key, row] of now) expect(rows.get(key), key).toEqual(row)

    // over several revisions: the collapse, one row per feature
    const whole = await changeset(times[0] as string, times[3] as string)
    const expected = new Map<string, string>()
    for (const [key, row] of now) {
      const before = snapshot0.get(key)
      if (before === undefined) expected.set(key, "INSERT")
      else if (JSON.stringify(before) !== JSON.stringify(row)) expected.set(key, "UPDATE")
    }
    for (const key of snapshot0.keys()) if (!now.has(key)) expected.set(key, "DELETE")
    expect(new Map(whole.map((row) => [String(row.id).split(".").at(-1), row.properties.__change__]))).toEqual(expected)
    for (const row of whole) {
      const key = String(row.id).split(".").at(-1) as string
      const { __change__, ...properties } = row.properties
      expect(properties).toEqual((__change__ === "DELETE" ? snapshot0 : now).get(key)?.properties)
    }
  })

  it("excludes from and includes to, to the microsecond; a date is midnight UTC", async () => {
    setUp()
    const t1 = micros(times[1] as string)
    const step = await changeset(times[0] as string, times[1] as string)
    expect(step.length).toBeGreaterThan(0)
    expect(await changeset(times[1] as string, times[1] as string)).toEqual([])
    expect(await changeset(iso(t1 - 1), iso(t1))).toEqual(step)
    expect(await changeset(iso(t1 - 1), iso(t1 - 1))).toEqual([])
    expect(await changeset(iso(t1), iso(micros(times[2] as string) - 1))).toEqual([])
    const day = (times[0] as string).slice(0, 10)
    expect(await changeset("2000-01-01", day)).toEqual([])
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    expect(next <= (times[1] as string).slice(0, 10)).toBe(true)
    expect(await changeset("2000-01-01", next)).toHaveLength(80)
    // filters apply to the rows, __change__ included
    const deletes = await changeset(times[0] as string, times[3] as string, [["cql_filter", "__change__ = 'DELETE'"]])
    expect(deletes.length).toBeGreaterThan(0)
    expect(deletes.every((row) => row.properties.__change__ === "DELETE")).toBe(true)
  })

  it("answers on all three URL forms, and for tables", async () => {
    setUp()
    const view = ["viewparams", `from:2000-01-01;to:${times[0]}`] as const
    const base = [["request", "GetFeature"], ["outputFormat", "json"], ["count", "3"], view] as const
    const typed = ["typeNames", `layer-${layer.id}-changeset`] as const
    const onRoot = await getData(server, "/services;key=test-token/wfs", [...base, typed], { key: null })
    const onPath = await getData(server, `/services;key=test-token/wfs/layer-${layer.id}-changeset`, base, { key: null })
    const onBoth = await getData(server, `/services;key=test-token/wfs/layer-${layer.id}-changeset`, [...base, typed], { key: null })
    expect(onRoot.status).toBe(200)
    expect(onPath.json.features).toEqual(onRoot.json.features)
    expect(onBoth.json.features).toEqual(onRoot.json.features)
    const caps = await getData(server, `/services;key=test-token/wfs/layer-${layer.id}-changeset`, [
      ["service", "WFS"], ["request", "GetCapabilities"], view
    ], { key: null })
    expect(caps.text).toContain(`<Name>layer-${layer.id}-changeset</Name>`)

    const table = server.store.addLayer({ kind: "table", features: 12, primaryKey: true })
    const rows = await getData(server, "/services/wfs", [
      ["request", "GetFeature"], ["outputFormat", "json"], ["typeNames", `table-${table.id}-changeset`],
      ["viewparams", `from:2000-01-01;to:2100-01-01`]
    ])
    expect(rows.json.features).toHaveLength(12)
    expect(rows.json.features.every((row: any) => row.geometry === null && row.properties.__change__ === "INSERT")).toBe(true)
  })

  it("makes a revision of each version published through the API", async () => {
    const fresh = server.store.addLayer({ features: 30, primaryKey: true })
    const before = server.store.featureCount(fresh.id)
    const draft = await call(server, `/layers/${fresh.id}/versions/`, { method: "POST" })
    expect(draft.status).toBe(201)
    await draft.arrayBuffer()
    const version = fresh.versions.at(-1)?.id
    server.store.completeImports()
    const published = await call(server, `/layers/${fresh.id}/versions/${version}/publish/`, { method: "POST" })
    await published.arrayBuffer()
    expect(published.status).toBeLessThan(300)
    for (let attempt = 0; attempt < 100 && fresh.versions.at(-1)?.published_at === null; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      server.store.settle()
    }
    const at = fresh.versions.at(-1)?.published_at as string
    expect(at).not.toBeNull()
    const previous = fresh.versions.at(-2)?.published_at as string
    const { json } = await getData(server, "/services/wfs", [
      ["request", "GetFeature"], ["outputFormat", "json"], ["typeNames", `layer-${fresh.id}-changeset`],
      ["viewparams", `from:${previous};to:${at}`]
    ])
    expect(json.features.length).toBeGreaterThan(0)
    const delta = json.features.reduce(
      (sum: number, row: any) => sum + (row.properties.__change__ === "INSERT" ? 1 : row.properties.__change__ === "DELETE" ? -1 : 0),
      0
    )
    expect(server.store.featureCount(fresh.id)).toBe(before + delta)
  })

  it("refuses layers without a primary key, and missing or bad viewparams", async () => {
    setUp()
    const keyless = server.store.addLayer({ features: 10, primaryKey: false })
    const ask = (typeName: string, viewparams?: string) =>
      getData(server, "/services;key=test-token/wfs", [
        ["request", "GetFeature"], ["outputFormat", "json"], ["typeNames", typeName],
        ...(viewparams === undefined ? [] : [["viewparams", viewparams] as const])
      ], { key: null })
    const refused = await ask(`layer-${keyless.id}-changeset`, "from:2000-01-01;to:2100-01-01")
    expect(refused.status).toBe(400)
    expect(refused.text).toContain("ows:ExceptionReport")
    expect(refused.text).toContain("primary key")
    const cases: ReadonlyArray<readonly [string | undefined, string]> = [
      [undefined, "MissingParameterValue"],
      ["from:2000-01-01", "InvalidParameterValue"],
      ["from:2000-01-01;to:2020-01-01T00:00:00.1234567Z", "InvalidParameterValue"],
      ["from:2000-13-01;to:2020-01-01", "InvalidParameterValue"],
      ["from:2020-01-02;to:2020-01-01", "InvalidParameterValue"]
    ]
    for (const [viewparams, code] of cases) {
      const reply = await ask(`layer-${layer.id}-changeset`, viewparams)
      expect(reply.status, viewparams).toBe(400)
      expect(reply.text, viewparams).toContain(`exceptionCode="${code}"`)
      expect(reply.text, viewparams).toContain(`locator="viewparams"`)
    }
  })
})
