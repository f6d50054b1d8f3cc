/**
 * The client's public surface is its modules, one subpath each: every module of
 * `packages/client/src` (not `internal/`) is exported as `./{Module}`, pointing at its
 * source, types and build; nothing else is exported, and there is no root barrel.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const client = path.resolve(import.meta.dirname, "../packages/client")
const manifest = JSON.parse(fs.readFileSync(path.join(client, "package.json"), "utf8")) as {
  readonly exports: Record<string, { readonly source: string; readonly types: string; readonly default: string }>
}
const modules = fs.readdirSync(path.join(client, "src"))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3))
  .sort()

describe("package exports", () => {
  it("exports every public module by its subpath, and nothing else", () => {
    expect(modules.length).toBeGreaterThan(10)
    expect(Object.keys(manifest.exports).sort()).toEqual(modules.map((module) => `./${module}`))
  })

  it("exports the data-service modules", () => {
    for (const module of ["GeoJson", "VectorQuery", "RasterQuery", "SetQuery", "Features", "ServiceUrls"]) {
      expect(manifest.exports[`./${module}`], module).toBeDefined()
    }
  })

  it("points each subpath at its module's source, types and build", () => {
    for (const module of modules) {
      expect(manifest.exports[`./${module}`], module).toEqual({
        source: `./src/${module}.ts`,
        types: `./dist/${module}.d.ts`,
        default: `./dist/${module}.js`
      })
    }
  })

  it("has no root barrel: modules are read as namespaces (Layers.get), never as renamed flat names", () => {
    expect(manifest.exports["."]).toBeUndefined()
    expect(modules).not.toContain("index")
  })
})
