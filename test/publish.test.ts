/**
 * Every workspace package (as the root package.json lists them) packs into a tarball that
 * publint and arethetypeswrong (ESM-only profile) find nothing wrong with, and that carries
 * its LICENSE and README. Runs on the built packages (`npm test` builds first).
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { root, workspaces } from "./support/workspaces.ts"

const run = promisify(execFile)
const bin = (name: string) => path.join(root, "node_modules/.bin", name)

interface Packed {
  readonly name: string
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

const folders = workspaces()
const destination = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-pack-"))
let packed: ReadonlyArray<Packed> = []

beforeAll(async () => {
  const { stdout } = await run(
    "npm",
    ["pack", "--json", "--pack-destination", destination, ...folders.flatMap((folder) => ["-w", folder])],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 }
  )
  packed = JSON.parse(stdout) as ReadonlyArray<Packed>
}, 60_000)

afterAll(() => fs.rmSync(destination, { recursive: true, force: true }))

/** Runs a tool; resolves with its exit code and everything it printed. */
const tool = (command: string, args: ReadonlyArray<string>) =>
  run(command, [...args], { cwd: destination, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } })
    .then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }))
    .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === "number" ? error.code : 1,
      output: `${error.stdout ?? ""}${error.stderr ?? ""}`
    }))

describe("publishing", () => {
  it("packs every workspace package, the client and the testing kit among them", () => {
    expect(folders).toContain("packages/client")
    expect(folders).toContain("packages/testing")
    const names = folders.map((folder) =>
      (JSON.parse(fs.readFileSync(path.join(root, folder, "package.json"), "utf8")) as { name: string }).name
    )
    expect(packed.map((entry) => entry.name).sort()).toEqual([...names].sort())
  })

  for (const folder of folders) {
    it(`${folder}: the tarball carries LICENSE, README.md and the build, and no build info`, () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, folder, "package.json"), "utf8")) as { name: string }
      const entry = packed.find((candidate) => candidate.name === manifest.name)
      expect(entry, folder).toBeDefined()
      const files = entry?.files.map((file) => file.path) ?? []
      expect(files).toContain("LICENSE")
      expect(files).toContain("README.md")
      expect(files).toContain("package.json")
      expect(files.some((file) => file.startsWith("dist/") && file.endsWith(".d.ts"))).toBe(true)
      expect(files.filter((file) => file.endsWith(".tsbuildinfo"))).toEqual([])
    })

    it(`${folder}: publint (strict) and arethetypeswrong (ESM only) find no problem`, async () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, folder, "package.json"), "utf8")) as { name: string }
      const tarball = path.join(destination, packed.find((entry) => entry.name === manifest.name)?.filename ?? "")
      const [publint, attw] = await Promise.all([
        tool(bin("publint"), ["run", tarball, "--strict", "--level", "suggestion"]),
        tool(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"])
      ])
      expect(publint.code, publint.output).toBe(0)
      expect(publint.output, publint.output).toContain("All good!")
      expect(attw.code, attw.output).toBe(0)
    }, 60_000)
  }
})
