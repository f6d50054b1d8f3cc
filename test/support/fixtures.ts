/**
 * Access to the recorded Koordinates responses kept beside the project (never copied into
 * it). `KOORDINATES_FIXTURES_DIR` overrides where they are looked for.
 */
import * as fs from "node:fs"
import * as path from "node:path"

/** Folder of the recorded responses. */
export const fixturesDir = process.env["KOORDINATES_FIXTURES_DIR"] ??
  path.resolve(import.meta.dirname, "../../../shared/fixtures/koordinates-recorded")

/** Whether the recorded responses are present on this machine. */
export const fixturesPresent = fs.existsSync(path.join(fixturesDir, "INDEX.md"))

/** Names of every recorded response file (not the index). */
export const fixtureFiles = (): Array<string> =>
  fixturesPresent ? fs.readdirSync(fixturesDir).filter((name) => name !== "INDEX.md").sort() : []

/** A recorded text response, exactly as recorded. */
export const readText = (name: string): string => fs.readFileSync(path.join(fixturesDir, name), "utf8")

/** A recorded JSON response, parsed. */
export const readFixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), "utf8"))

if (!fixturesPresent) {
  console.warn(`Recorded fixtures not found in ${fixturesDir}: set KOORDINATES_FIXTURES_DIR to run the fixture tests`)
}
