/**
 * Every ```ts block of a JSDoc `@example` in `packages/{package}/src` (every workspace
 * package), and of each package's README, compiles. The rule an example follows, one of two
 * (a README's blocks are modules):
 *
 * - **A module**: it has `import` lines. It is compiled as it is, so it imports everything
 *   it uses.
 * - **A snippet** (no imports): it is read where its documentation stands. It may use the
 *   effect modules as namespaces by their names (`Effect`, `Stream`, `Schedule`, `Option`…
 *   — the list below, with `NodeFileSystem` of `@effect/platform-node`), each public module of this repository's packages by its name
 *   (`Layers`, `Query`, `Koordinates`, `FakeKoordinates`…), an internal module it documents by
 *   its file's name capitalised (`Endpoint` in `internal/endpoint.ts`), and that module's
 *   exports by their own names (`Layer`, `LayerVersion`… in `Layers.ts`). A snippet that
 *   uses `yield*` is the body of an `Effect.gen(function*() { … })`; its `declare` lines
 *   (`declare const token: string`, for what it needs from elsewhere) are hoisted to the
 *   top.
 *
 * Each example is written as a module into a temporary folder inside the repository (so
 * `@koordinates-effect/client/…` and `effect/…` resolve as they do for users, on the
 * `source` condition) and all are type-checked in one run of the project's `tsc`, with the
 * project's strict options (`noUnusedLocals` and `noUnusedParameters` aside: an example
 * names values to show them). A failure names the file, the line and the export documented.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { root, workspaces } from "./support/workspaces.ts"

/** effect modules (and platform-node's `NodeFileSystem`) a snippet may use by name, as `import * as Name from "effect/…"`. */
const effectModules: Record<string, string> = {
  Array: "effect/Array",
  Cause: "effect/Cause",
  Chunk: "effect/Chunk",
  Clock: "effect/Clock",
  Config: "effect/Config",
  ConfigProvider: "effect/ConfigProvider",
  Console: "effect/Console",
  Context: "effect/Context",
  Data: "effect/Data",
  Duration: "effect/Duration",
  Effect: "effect/Effect",
  Equal: "effect/Equal",
  Exit: "effect/Exit",
  Fiber: "effect/Fiber",
  FileSystem: "effect/FileSystem",
  Layer: "effect/Layer",
  Option: "effect/Option",
  Redacted: "effect/Redacted",
  Ref: "effect/Ref",
  Result: "effect/Result",
  Schedule: "effect/Schedule",
  Schema: "effect/Schema",
  Scope: "effect/Scope",
  Sink: "effect/Sink",
  Stream: "effect/Stream",
  FetchHttpClient: "effect/http/FetchHttpClient",
  HttpClient: "effect/http/HttpClient",
  HttpClientRequest: "effect/http/HttpClientRequest",
  HttpClientResponse: "effect/http/HttpClientResponse",
  TestClock: "effect/testing/TestClock",
  NodeFileSystem: "@effect/platform-node/NodeFileSystem"
}

interface Manifest {
  readonly name: string
  readonly exports?: Record<string, { readonly source?: string } | string>
}

/** The public modules of the packages by the name a snippet uses: `Layers`, `FakeKoordinates`… */
const packageModules = (): Record<string, string> => {
  const modules: Record<string, string> = {}
  for (const folder of workspaces()) {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, folder, "package.json"), "utf8")) as Manifest
    for (const subpath of Object.keys(manifest.exports ?? {})) {
      if (subpath === ".") continue
      const name = subpath.slice(2)
      if (/^[A-Z]\w*$/.test(name)) modules[name] = `${manifest.name}/${name}`
    }
    if (manifest.exports?.["."] !== undefined) {
      // the root of a package with one: named after its main module (`@koordinates-effect/testing` is FakeKoordinates)
      const main = Object.keys(manifest.exports).map((subpath) => subpath.slice(2)).find((name) => /^[A-Z]/.test(name))
      if (main !== undefined) modules[main] = manifest.name
    }
  }
  return modules
}

interface Example {
  readonly file: string
  readonly line: number
  readonly name: string
  readonly code: string
}

const sourceFiles = (folder: string): ReadonlyArray<string> =>
  (fs.readdirSync(folder, { recursive: true, encoding: "utf8" }))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => path.join(folder, file))
    .sort()

/** What a doc comment documents: the export (or member) declared after it, or the module. */
const documented = (comment: string, after: string): string => {
  if (/@module\b/.test(comment)) return "(module)"
  const next = after.split("\n").find((line) => line.trim() !== "")?.trim() ?? ""
  const declared = /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+(\w+)/.exec(next)
  if (declared !== null) return declared[1]!
  const member = /^(?:readonly\s+|static\s+|get\s+|async\s+)*["']?([\w.-]+)["']?\s*[?(:<=]/.exec(next)
  return member?.[1] ?? next.slice(0, 40)
}

/** Every ```ts block of every `@example` in `file`. */
const examplesOf = (file: string): ReadonlyArray<Example> => {
  const text = fs.readFileSync(file, "utf8")
  const examples: Array<Example> = []
  for (const match of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = match[1]!
    if (!body.includes("@example")) continue
    const lines = body.split("\n").map((line) => line.replace(/^\s*\* ?/, ""))
    const name = documented(body, text.slice(match.index + match[0].length))
    const startLine = text.slice(0, match.index).split("\n").length
    let inExample = false
    let block: Array<string> | undefined
    let blockLine = 0
    lines.forEach((line, index) => {
      if (/^@\w+/.test(line.trim())) inExample = line.trim().startsWith("@example")
      if (!inExample) return
      if (block === undefined && /^```(ts|typescript)\s*$/.test(line.trim())) {
        block = []
        blockLine = startLine + index + 1
      } else if (block !== undefined && line.trim() === "```") {
        examples.push({ file, line: blockLine, name, code: block.join("\n") })
        block = undefined
      } else block?.push(line)
    })
  }
  return examples
}

/** The ```ts blocks of a package's README: whole modules, like a module example. */
const readmeExamples = (file: string): ReadonlyArray<Example> => {
  if (!fs.existsSync(file)) return []
  const text = fs.readFileSync(file, "utf8")
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => ({
    file,
    line: text.slice(0, match.index).split("\n").length + 1,
    name: "README",
    code: match[1]!
  }))
}

interface Exported {
  readonly name: string
  readonly type: boolean
}

/** The names `file` exports, and whether each is a type only. */
const exportsOf = (file: string): ReadonlyArray<Exported> => {
  const text = fs.readFileSync(file, "utf8")
  const names: Array<Exported> = []
  for (const [, kind, name] of text.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(const|let|function\*?|class|interface|type|enum)\s+(\w+)/gm)) {
    names.push({ name: name!, type: kind === "interface" || kind === "type" })
  }
  for (const [, typeOnly, list] of text.matchAll(/^export\s+(type\s+)?\{([^}]*)\}/gm)) {
    for (const item of list!.split(",").map((entry) => entry.trim()).filter(Boolean)) {
      const type = typeOnly !== undefined || item.startsWith("type ")
      const name = item.replace(/^type\s+/, "").split(/\s+as\s+/).at(-1)!.trim()
      if (/^\w+$/.test(name)) names.push({ name, type })
    }
  }
  return names
}

const uses = (code: string, name: string) => new RegExp(`(?<![\\w.$])${name}(?![\\w$])`).test(code)

/** The example as a module of its own (see the rule above). */
const moduleOf = (example: Example, folder: string, modules: Record<string, string>): string => {
  if (/^\s*import\s/m.test(example.code)) return `${example.code}\n`
  const lines = example.code.split("\n")
  const declared = lines.filter((line) => /^declare\s/.test(line))
  const body = lines.filter((line) => !/^declare\s/.test(line))
  const imports: Array<string> = []
  const taken = new Set<string>()
  for (const [name, specifier] of Object.entries(modules)) {
    if (uses(example.code, name)) {
      imports.push(`import * as ${name} from "${specifier}"`)
      taken.add(name)
    }
  }
  const relative = path.relative(folder, example.file).split(path.sep).join("/")
  const base = path.basename(example.file, ".ts")
  const self = base.replace(/^./, (first) => first.toUpperCase())
  if (/^[a-z]/.test(base) && !taken.has(self) && uses(example.code, self)) {
    imports.push(`import * as ${self} from "${relative}"`)
    taken.add(self)
  }
  const declares = (name: string) =>
    new RegExp(`^(?:export\\s+)?(?:declare\\s+)?(?:const|let|function\\*?|class|interface|type)\\s+${name}\\b`, "m").test(example.code)
  const own = [...new Map(
    exportsOf(example.file)
      .filter((entry) => !taken.has(entry.name) && !declares(entry.name) && uses(example.code, entry.name))
      .sort((a, b) => Number(b.type) - Number(a.type))
      .map((entry) => [entry.name, entry])
  ).values()]
  if (own.length > 0) {
    imports.push(`import { ${own.map((entry) => `${entry.type ? "type " : ""}${entry.name}`).join(", ")} } from "${relative}"`)
    for (const entry of own) taken.add(entry.name)
  }
  for (const [name, specifier] of Object.entries(effectModules)) {
    if (!taken.has(name) && uses(example.code, name)) imports.push(`import * as ${name} from "${specifier}"`)
  }
  if (!/\byield\*/.test(example.code)) return [...imports, ...lines, "export {}", ""].join("\n")
  imports.push(`import * as Example__Effect from "effect/Effect"`)
  return [
    ...imports,
    ...declared,
    "export const example = Example__Effect.gen(function*() {",
    ...body.map((line) => `  ${line}`),
    "})",
    ""
  ].join("\n")
}

const folder = fs.mkdtempSync(path.join(root, ".doc-examples-"))
// DOC_EXAMPLES_KEEP=1 keeps the generated modules, to look at one that fails
const keep = process.env["DOC_EXAMPLES_KEEP"] !== undefined
afterAll(() => keep || fs.rmSync(folder, { recursive: true, force: true }))

describe("JSDoc examples", () => {
  it("every @example of every package compiles, in one tsc run", async () => {
    const modules = packageModules()
    const examples = workspaces().flatMap((workspace) => [
      ...sourceFiles(path.join(root, workspace, "src")).flatMap(examplesOf),
      ...readmeExamples(path.join(root, workspace, "README.md"))
    ])
    expect(examples.length).toBeGreaterThan(100)
    const byFile = new Map<string, Example>()
    examples.forEach((example, index) => {
      const base = path.relative(root, example.file).replace(/\.ts$/, "").replace(/[^\w]+/g, "_")
      const file = path.join(folder, `${base}__${example.line}_${index}.ts`)
      fs.writeFileSync(file, moduleOf(example, folder, modules))
      byFile.set(path.basename(file), example)
    })
    fs.writeFileSync(
      path.join(folder, "tsconfig.json"),
      JSON.stringify({
        extends: "../tsconfig.base.json",
        compilerOptions: {
          noEmit: true,
          allowImportingTsExtensions: true,
          customConditions: ["source"],
          types: ["node"],
          noUnusedLocals: false,
          noUnusedParameters: false,
          declaration: false,
          declarationMap: false,
          sourceMap: false
        },
        include: ["*.ts"]
      })
    )
    const result = await promisify(execFile)(path.join(root, "node_modules/.bin/tsc"), ["-p", folder, "--pretty", "false", "--singleThreaded"], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024
    }).then(() => "", (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`)
    const failures = new Map<string, Array<string>>()
    for (const line of result.split("\n").filter((text) => text.trim() !== "")) {
      const located = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line)
      const example = located === null ? undefined : byFile.get(path.basename(located[1]!))
      const key = example === undefined
        ? located?.[1] ?? "tsc"
        : `${path.relative(root, example.file)}:${example.line} (${example.name})${keep ? ` ${located?.[1]}` : ""}`
      failures.set(key, [...(failures.get(key) ?? []), located === null ? line : located[4]!])
    }
    const report = [...failures].map(([where, errors]) => `${where}\n${errors.map((error) => `    ${error}`).join("\n")}`)
    expect(report, `${failures.size} example(s) do not compile:\n${report.join("\n")}`).toEqual([])
  }, 120_000)
})
