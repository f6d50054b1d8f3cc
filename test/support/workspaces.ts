/**
 * The repository's workspace packages, as the root package.json lists them: a test that
 * covers every package reads them from here, so a package added to `workspaces` is covered.
 */
import * as fs from "node:fs"
import * as path from "node:path"

/** The repository root. */
export const root = path.resolve(import.meta.dirname, "../..")

/** The workspace folders of the root package.json, relative to the root; a trailing `/*` is expanded. */
export const workspaces = (): ReadonlyArray<string> => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    readonly workspaces: ReadonlyArray<string>
  }
  return manifest.workspaces.flatMap((entry) => {
    if (!entry.endsWith("/*")) return [entry]
    const parent = entry.slice(0, -2)
    return fs.readdirSync(path.join(root, parent))
      .filter((name) => fs.existsSync(path.join(root, parent, name, "package.json")))
      .map((name) => `${parent}/${name}`)
  })
}
