/**
 * The `koordinates` command end to end: the built bin run as a child process against a
 * FakeKoordinates on 127.0.0.1 — what it prints on stdout and stderr, and how it exits.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exportSha256, type FakeServer } from "../packages/testing/src/server/index.ts"
import { cliToken, lines, outputs, run, runHere, startCliFake } from "./support/cli.ts"

let fake: FakeServer
let dir: string

beforeAll(async () => {
  fake = await startCliFake(30)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-cli-"))
})

afterAll(async () => {
  await fake.close()
  fs.rmSync(dir, { recursive: true, force: true })
  // the token was in the environment or on the command line of every run, and in no output
  expect(outputs.length).toBeGreaterThan(20)
  for (const output of outputs) expect(output).not.toContain(cliToken)
  for (const output of outputs) expect(output).not.toContain("cli-wrong-token-9b2c")
})

/** The index each column starts at in a table's header. */
const columnStarts = (header: string): Array<number> => [...header.matchAll(/\S+/g)].map((match) => match.index)

describe("lists", () => {
  it("prints the catalog as an aligned table, the limit respected", async () => {
    const { code, stdout, stderr } = await run(fake, ["catalog", "list", "--limit", "5"])
    expect(code).toBe(0)
    expect(stderr).toBe("")
    const [header, ...rows] = lines(stdout)
    expect(header).toMatch(/^ID\s+KIND\s+TITLE\s+PUBLISHED$/)
    expect(rows).toHaveLength(5)
    const starts = columnStarts(header!)
    for (const row of rows) {
      expect(row).toMatch(/^\d+ /)
      // each column starts where its header does: the cell before it ends two spaces earlier at least
      for (const start of starts.slice(1, 3)) expect(row.slice(start - 2, start)).toBe("  ")
      expect(row).not.toMatch(/\s$/)
    }
  })

  it("prints NDJSON with --json: one parseable object per item, no more than --limit, one request", async () => {
    const before = fake.log.entries().length
    const { code, stdout } = await run(fake, ["catalog", "list", "--json", "--limit", "7", "--filter", "type=layer"])
    expect(code).toBe(0)
    const items = lines(stdout).map((line) => JSON.parse(line) as { id: number; _tag: string })
    expect(items).toHaveLength(7)
    for (const item of items) expect(item._tag).toBe("Layer")
    expect(fake.log.entries().slice(before).filter((entry) => entry.path.endsWith("/data/"))).toHaveLength(1)
  })

  it("streams every page of a list with --json", async () => {
    const { code, stdout } = await run(fake, ["layers", "list", "--json"])
    expect(code).toBe(0)
    const ids = lines(stdout).map((line) => (JSON.parse(line) as { id: number }).id)
    expect(ids.length).toBeGreaterThan(5)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("lists licenses, sets, sources and a layer's permissions", async () => {
    for (const args of [["licenses", "list"], ["sets", "list"], ["sources", "list"], ["permissions", "list", "--layer", "1003"]]) {
      const { code, stdout, stderr } = await run(fake, args)
      expect(code, args.join(" ")).toBe(0)
      expect(stderr).toBe("")
      expect(lines(stdout).length, args.join(" ")).toBeGreaterThan(1)
    }
  })
})

describe("single results", () => {
  it("prints a layer as field and value lines, or one JSON object", async () => {
    const table = await run(fake, ["layers", "get", "1003"])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^id\s+1003$/m)
    expect(table.stdout).toMatch(/^name\s+\S/m)
    const json = await run(fake, ["layers", "get", "1003", "--json"])
    expect(lines(json.stdout)).toHaveLength(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 1003, type: "layer" })
  })

  it("prints the current user", async () => {
    const { code, stdout } = await run(fake, ["whoami", "--json"])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ id: expect.any(Number), email: expect.any(String) })
  })

  it("prints a layer's metadata document", async () => {
    const { code, stdout } = await run(fake, ["metadata", "get", "--layer", "1003", "--format", "iso"])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^<\?xml/)
  })
})

describe("failures", () => {
  it("a NotFound: exit 3 and one line on stderr, naming the tag", async () => {
    const { code, stdout, stderr } = await run(fake, ["layers", "get", "999999"])
    expect(code).toBe(3)
    expect(stdout).toBe("")
    expect(lines(stderr)).toHaveLength(1)
    expect(stderr).toMatch(/^NotFound: .*\/layers\/999999\//)
  })

  it("no token: a usage error (exit 2) naming KOORDINATES_TOKEN, before any request", async () => {
    const before = fake.log.entries().length
    const { code, stderr } = await run(fake, ["layers", "list"], { env: { KOORDINATES_TOKEN: "" } })
    expect(code).toBe(2)
    expect(lines(stderr)).toHaveLength(1)
    expect(stderr).toContain("KOORDINATES_TOKEN")
    expect(fake.log.entries().length).toBe(before)
  })

  it("a refused token given with --token: exit 4, the token not printed", async () => {
    const { code, stdout, stderr } = await run(fake, ["--token", "cli-wrong-token-9b2c", "whoami"])
    expect(code).toBe(4)
    expect(stdout).toBe("")
    expect(stderr).toMatch(/^AuthenticationError: /)
    expect(lines(stderr)).toHaveLength(1)
  })

  it("a bad command line: exit 2, one line pointing at the command's --help", async () => {
    for (const args of [["layers", "get"], ["layers", "get", "abc"], ["layers", "list", "--bogus"], ["nope"]]) {
      const { code, stdout, stderr } = await run(fake, args)
      expect(code, args.join(" ")).toBe(2)
      expect(stdout, args.join(" ")).toBe("")
      expect(lines(stderr), args.join(" ")).toHaveLength(1)
      expect(stderr, args.join(" ")).toMatch(/^Usage: .*--help\)$/m)
    }
  })

  it("bad input the client checks: exit 2 before any request", async () => {
    const before = fake.log.entries().length
    for (const args of [["layers", "list", "--filter", "bogus=1"], ["catalog", "list", "--filter", "nokey"], ["layers", "list", "--limit", "0"]]) {
      const { code, stderr } = await run(fake, args)
      expect(code, args.join(" ")).toBe(2)
      expect(stderr, args.join(" ")).toMatch(/^ClientValidationError: /)
    }
    expect(fake.log.entries().length).toBe(before)
  })

  it("an export that fails: exit 8", async () => {
    fake.store.failNextExport()
    const { code, stdout, stderr } = await run(fake, ["exports", "create", "--layer", "1003", "--format", "raster=image/jpeg", "--crs", "EPSG:4326", "--wait"])
    expect(code).toBe(8)
    expect(stdout).toBe("")
    expect(stderr).toMatch(/^DownloadError: Export \d+ failed/)
  })
})

describe("help", () => {
  const commands = [
    [],
    ["catalog"], ["catalog", "list"],
    ["layers"], ["layers", "list"], ["layers", "get"], ["layers", "versions"], ["layers", "drafts"],
    ["layers", "create"], ["layers", "update"], ["layers", "import"],
    ["publish"], ["publish", "create"], ["publish", "list"], ["publish", "get"],
    ["sets"], ["sets", "list"], ["sets", "get"],
    ["sources"], ["sources", "upload"], ["sources", "list"], ["sources", "get"],
    ["exports"], ["exports", "create"], ["exports", "list"], ["exports", "get"],
    ["permissions"], ["permissions", "list"], ["permissions", "set"],
    ["licenses"], ["licenses", "list"], ["licenses", "get"],
    ["metadata"], ["metadata", "get"], ["metadata", "set"],
    ["features"], ["features", "list"], ["features", "count"], ["features", "changes"],
    ["query"], ["query", "vector"], ["query", "raster"],
    ["whoami"], ["fake"]
  ]

  it("the list above has every command of the tree: each group's subcommands as its help lists them", async () => {
    const listed = (help: string) =>
      [...(help.split("SUBCOMMANDS\n")[1]?.split("\n\n")[0] ?? "").matchAll(/^ {2}(\S+)/gm)].map((m) => m[1])
    const groups = listed((await runHere(["--help"])).stdout)
    expect(groups.length).toBeGreaterThan(10)
    for (const group of groups) {
      const subcommands = listed((await runHere([group!, "--help"])).stdout)
      const expected = commands.filter((c) => c[0] === group && c.length === 2).map((c) => c[1])
      expect(subcommands, group).toEqual(expected)
      expect(commands, group).toContainEqual([group])
    }
  })

  // in this process (the command tree is the bin's): 37 child processes would take a minute on a busy machine
  it("every command has --help with a usage line and examples, exit 0", async () => {
    for (const command of commands) {
      const name = ["koordinates", ...command].join(" ")
      const { code, stdout, stderr } = await runHere([...command, "--help"])
      expect(code, name).toBe(0)
      expect(stderr, name).toBe("")
      expect(stdout, name).toContain(`USAGE\n  ${name}`)
      expect(stdout, name).toMatch(/EXAMPLES\n(.*\n)*\s+koordinates /)
    }
  })

  it("the bin prints the same help", async () => {
    const { code, stdout } = await run(fake, ["layers", "create", "--help"])
    expect(code).toBe(0)
    expect(stdout).toBe((await runHere(["layers", "create", "--help"])).stdout)
  })

  it("the root help lists the exit codes and the host and token settings", async () => {
    const { stdout } = await run(fake, ["--help"])
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8]) expect(stdout).toMatch(new RegExp(`^\\s+${code} \\S`, "m"))
    expect(stdout).toContain("KOORDINATES_HOST")
    expect(stdout).toContain("KOORDINATES_TOKEN")
  })
})

describe("workflows", () => {
  it("creates a layer from a datasource and waits for its import, then publishes it", async () => {
    const datasource = fake.store.datasources(fake.store.sources()[0]!.id)[0]!.id
    const created = await run(fake, ["layers", "create", "--name", "CLI Roads", "--datasource", String(datasource), "--wait", "--json"])
    expect(created.code).toBe(0)
    expect(created.stderr).toBe("")
    const layer = JSON.parse(created.stdout) as { id: number; version: { id: number; status: string } }
    expect(layer.version.status).toBe("ok")
    const published = await run(fake, ["publish", "create", "--layer", `${layer.id}:${layer.version.id}`, "--wait", "--json"])
    expect(published.code).toBe(0)
    expect(JSON.parse(published.stdout)).toMatchObject({ state: "completed" })
    const versions = await run(fake, ["layers", "versions", String(layer.id), "--json"])
    expect(lines(versions.stdout).map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ id: layer.version.id }))
  })

  it("reimports a layer as a new version and waits", async () => {
    const { code, stdout } = await run(fake, ["layers", "update", "1003", "--wait", "--json"])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ id: 1003, version: { status: "ok" } })
  })

  it("uploads files and waits for the scan; nothing on stderr when it is not a terminal", async () => {
    const file = path.join(dir, "roads.csv")
    fs.writeFileSync(file, "id,name\n1,Main Street\n2,High Street\n")
    const { code, stdout, stderr } = await run(fake, ["sources", "upload", file, "--title", "CLI Roads upload", "--wait", "--json"])
    expect(code).toBe(0)
    expect(stderr).toBe("")
    const source = JSON.parse(stdout) as { id: number; title: string; last_scanned_at: string | null }
    expect(source.title).toBe("CLI Roads upload")
    expect(source.last_scanned_at).not.toBeNull()
    expect(fake.store.scans(source.id).map((scan) => scan.status)).toContain("completed")
  })

  it("exports a layer and downloads it into a directory, resuming a cut download", async () => {
    const target = fs.mkdtempSync(path.join(dir, "download-"))
    fake.store.setExportSize(300_000)
    fake.store.truncateNextDownload(100_000)
    const { code, stdout, stderr } = await run(fake, [
      "exports", "create", "--layer", "1003", "--format", "raster=image/jpeg", "--crs", "EPSG:4326", "--download", target, "--json"
    ])
    expect(stderr).toBe("")
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as { id: number; state: string; file: string }
    expect(result.state).toBe("complete")
    expect(path.dirname(result.file)).toBe(fs.realpathSync(target))
    expect(fs.readdirSync(target)).toEqual([path.basename(result.file)])
    const bytes = fs.readFileSync(result.file)
    expect(bytes.length).toBe(300_000)
    const { createHash } = await import("node:crypto")
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(exportSha256(result.id, 300_000))
    expect(fake.storageLog.entries().some((entry) => entry.headers["range"] === "bytes=100000-")).toBe(true)
  })

  it("replaces a layer's permissions", async () => {
    const { code, stdout } = await run(fake, ["permissions", "set", "--layer", "1004", "group.everyone=download", "--json"])
    expect(code).toBe(0)
    expect(lines(stdout).map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ id: "group.everyone", permission: "download" })])
    const bad = await run(fake, ["permissions", "set", "--layer", "1004", "--set", "1", "group.everyone=view"])
    expect(bad.code).toBe(2)
  })
})
