/**
 * `npm run docs`: the API reference of every public module of every workspace package (the
 * root package.json's `workspaces`; a module is public when the package exports it, read
 * from its `source` condition) into `docs/api/{package folder}/`, with an index page.
 *
 * TypeDoc runs on TypeScript's JavaScript API, which TypeScript 7 (the project's `tsc`, a
 * native binary) does not ship; TypeDoc 0.28 takes TypeScript ≤ 6.0. So the docs have a
 * toolchain of their own, `docs/package.json` (TypeDoc with TypeScript 6.0), installed here
 * on first use; TypeScript 6.0 checks this code as 7 does.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const docs = import.meta.dirname
const root = path.resolve(docs, "..")
const out = path.join(docs, "api")

const run = (command: string, args: ReadonlyArray<string>) => {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const typedoc = path.join(docs, "node_modules", ".bin", "typedoc")
if (!fs.existsSync(typedoc)) run("npm", ["ci", "--prefix", docs, "--no-audit", "--no-fund"])

interface Manifest {
  readonly name: string
  readonly description?: string
  readonly exports?: Record<string, string | { readonly source?: string }>
}

const workspaces = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { workspaces: ReadonlyArray<string> })
  .workspaces.flatMap((entry) =>
    entry.endsWith("/*")
      ? fs.readdirSync(path.join(root, entry.slice(0, -2))).map((name) => `${entry.slice(0, -2)}/${name}`)
      : [entry]
  )
  .filter((folder) => fs.existsSync(path.join(root, folder, "package.json")))

fs.rmSync(out, { recursive: true, force: true })
const documented: Array<{ readonly folder: string; readonly manifest: Manifest; readonly modules: number }> = []
for (const folder of workspaces) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, folder, "package.json"), "utf8")) as Manifest
  const entryPoints = Object.values(manifest.exports ?? {})
    .map((target) => (typeof target === "string" ? target : target.source))
    .filter((source): source is string => source !== undefined && source.endsWith(".ts"))
    .map((source) => path.join(folder, source))
  if (entryPoints.length === 0) {
    console.log(`${manifest.name}: no exported modules, no API reference`)
    continue
  }
  const readme = path.join(folder, "README.md")
  console.log(`${manifest.name}: ${entryPoints.length} module(s)`)
  run(typedoc, [
    "--options", path.join(docs, "typedoc.json"),
    "--name", manifest.name,
    "--readme", fs.existsSync(path.join(root, readme)) ? readme : "none",
    "--out", path.join(out, path.basename(folder)),
    ...entryPoints
  ])
  documented.push({ folder, manifest, modules: entryPoints.length })
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
fs.writeFileSync(
  path.join(out, "index.html"),
  `<!doctype html>
<meta charset="utf-8">
<title>koordinates-effect API reference</title>
<h1>koordinates-effect API reference</h1>
<ul>
${documented.map(({ folder, manifest, modules }) =>
    `  <li><a href="${path.basename(folder)}/index.html">${escape(manifest.name)}</a> (${modules} module${modules === 1 ? "" : "s"}): ${escape(manifest.description ?? "")}</li>`
  ).join("\n")}
</ul>
`
)
console.log(`API reference: ${path.relative(root, path.join(out, "index.html"))}`)
