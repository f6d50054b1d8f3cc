/**
 * Bundle budgets, measured with esbuild on the built packages (run `npm run build` first;
 * `npm test` does). Each entry provides `FetchHttpClient.layer` and `Koordinates.layer` as
 * an app would; marker strings prove which modules were left out.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { bundle, type BundleReport, table } from "./support/bundle.ts"

const built = fs.existsSync(path.resolve(import.meta.dirname, "../packages/client/dist/Layers.js"))

const app = (imports: string, use: string) => `
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
${imports}
const live = Koordinates.layer({ host: "labs.koordinates.com", token: "t" }).pipe(Layer.provide(FetchHttpClient.layer))
Effect.runPromise(Effect.provide(${use}, live)).then(console.log)
`

/** Strings only the named code contains. */
const markers = {
  query: ["page-next", "x-resource-range", "Invalid filter attribute"],
  catalog: ["@koordinates-effect/client/CatalogLayer", "Koordinates.Catalog.list"],
  layerLists: ["Layers.listDrafts", "/layers/drafts/"],
  writes: ["Koordinates.Layers.create", "Koordinates.Layers.waitForImport", "Gave up waiting"],
  urls: ["names nothing this client reads", "exports/croplayers/{cropLayerId}"]
}

const kilobyte = 1024
const reports: Array<BundleReport> = []

describe.skipIf(!built)("bundle size", () => {
  afterAll(() => {
    console.log(`\n${table(reports)}\n`)
  })

  const base = bundle("Layers.get", app(`import { get } from "@koordinates-effect/client/Layers"`, "get(1474)"))

  it("Layers.get alone stays within its 52.5 KiB gzip budget, request policy included, and carries no Query, Catalog, pagination or URL-reading code", async () => {
    const report = await base
    reports.push(report)
    expect(report.gzipped).toBeLessThanOrEqual(52.5 * kilobyte)
    expect(report.text).toContain("koordinates.retry")
    for (const marker of [...markers.query, ...markers.catalog, ...markers.layerLists, ...markers.writes, ...markers.urls]) {
      expect(report.text, marker).not.toContain(marker)
    }
    expect(report.text).toContain(`path:"/layers/"`)
  })

  /** One function of each API module, and strings only that module's code contains. */
  const modules: ReadonlyArray<readonly [string, string, string, ReadonlyArray<string>]> = [
    ["Layers", "get", "get(1474)", [`path:"/layers/"`]],
    ["Sets", "get", "get(933)", [`path:"/sets/"`, "@koordinates-effect/client/Set\""]],
    ["Publishing", "get", "get(2054)", ["Koordinates.Publishing.get"]],
    ["Licenses", "get", "get(9)", ["Koordinates.Licenses.get"]],
    ["Metadata", "getXml", "getXml({ iso: \"https://labs.koordinates.com/m/\" }, \"iso\")", ["Koordinates.Metadata.getXml"]],
    ["Tokens", "get", "get(1)", ["@koordinates-effect/client/Token\""]],
    ["Sources", "get", "get(21836)", ["@koordinates-effect/client/Source\""]],
    ["Permissions", "get", "get({ layer: 1474 }, \"group.everyone\")", ["Koordinates.Permissions.get"]],
    ["Exports", "get", "get(3)", ["@koordinates-effect/client/Export\""]],
    ["Users", "me", "me()", ["Koordinates.Users.me"]]
  ]
  for (const [module, fn, use, own] of modules) {
    it(`${module}.${fn} stays within 1 KiB gzip of Layers.get and carries no other module`, async () => {
      const report = module === "Layers" ? await base : await bundle(
        `${module}.${fn}`,
        app(`import { ${fn} } from "@koordinates-effect/client/${module}"`, use)
      )
      if (module !== "Layers") reports.push(report)
      expect(report.gzipped).toBeLessThanOrEqual((await base).gzipped + kilobyte)
      for (const marker of own) expect(report.text, marker).toContain(marker)
      const others = modules.filter(([name]) => name !== module).flatMap(([, , , strings]) => strings)
      for (const marker of [...others, ...markers.query, ...markers.catalog]) expect(report.text, marker).not.toContain(marker)
    })
  }

  it("VectorQuery.near alone stays within 1 KiB gzip of Layers.get and carries no WFS paging, service URL or Query code", async () => {
    const report = await bundle(
      "VectorQuery.near",
      app(`import { near } from "@koordinates-effect/client/VectorQuery"`, "near({ layers: [743], x: 174.77, y: -41.28 }, { radius: 100 })")
    )
    reports.push(report)
    expect(report.gzipped).toBeLessThanOrEqual((await base).gzipped + kilobyte)
    expect(report.text).toContain("Koordinates.VectorQuery.near")
    for (const marker of ["Koordinates.Features.stream", "numberMatched", "WMTSCapabilities", "Koordinates.RasterQuery.at", ...markers.query]) {
      expect(report.text, marker).not.toContain(marker)
    }
  })

  const lists: ReadonlyArray<readonly [string, string, ReadonlyArray<string>, ReadonlyArray<string>]> = [
    ["Layers.list + Query.collect", "Layers", markers.query.slice(0, 2), markers.catalog],
    ["Catalog.list + Query.collect", "Catalog", [...markers.query.slice(0, 2), ...markers.catalog], []]
  ]
  for (const [name, module, contains, excludes] of lists) {
    it(`${name} brings in pagination and only the models it uses`, async () => {
      const imports = `import { list } from "@koordinates-effect/client/${module}"\n` +
        `import { collect } from "@koordinates-effect/client/Query"`
      const report = await bundle(name, app(imports, "collect(list())"))
      reports.push(report)
      for (const marker of contains) expect(report.text, marker).toContain(marker)
      for (const marker of excludes) expect(report.text, marker).not.toContain(marker)
      expect(report.gzipped).toBeLessThanOrEqual(55 * kilobyte)
    })
  }
})

describe.skipIf(built)("bundle size (not built)", () => {
  it("needs the packages built: run npm run build", () => {
    expect.fail("packages/client/dist is missing: npm test builds it; run npm run build before vitest")
  })
})
