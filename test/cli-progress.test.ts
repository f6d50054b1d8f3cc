/**
 * The CLI's progress bars: the frames as pure functions (bytes, rate, ETA, width), and a
 * download run under a pseudo-terminal, whose bar must redraw in place and end with a
 * newline.
 */
import { execFile, execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { byteFrame, eta, formatBytes, formatDuration, rate, statusFrame } from "../packages/cli/src/progress.ts"
import type { FakeServer } from "../packages/testing/src/server/index.ts"
import { bin, cliToken, startCliFake } from "./support/cli.ts"

describe("frames", () => {
  it("formats bytes and durations for people", () => {
    expect([0, 512, 1536, 10 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes)).toEqual(["0 B", "512 B", "1.5 KiB", "10.0 MiB", "3.5 GiB"])
    expect([0, 9.2, 75, 3600 + 62].map(formatDuration)).toEqual(["0:00", "0:10", "1:15", "1:01:02"])
    expect([undefined, Infinity, -1, NaN].map(formatDuration)).toEqual(["--:--", "--:--", "--:--", "--:--"])
  })

  it("rate and ETA from bytes done over time; none before anything is measured", () => {
    expect(rate({ done: 2048, total: 8192, elapsedMillis: 2000 })).toBe(1024)
    expect(eta({ done: 2048, total: 8192, elapsedMillis: 2000 })).toBe(6)
    expect(rate({ done: 0, total: 8192, elapsedMillis: 2000 })).toBeUndefined()
    expect(eta({ done: 10, total: undefined, elapsedMillis: 2000 })).toBeUndefined()
  })

  it("a byte frame: bar, percent, bytes, rate, ETA; the time taken once done", () => {
    const half = byteFrame("download", { done: 5 * 1024 * 1024, total: 10 * 1024 * 1024, elapsedMillis: 2000 }, 100)
    expect(half).toBe(`download [${"#".repeat(15)}${"-".repeat(15)}]  50%  5.0 MiB / 10.0 MiB  2.5 MiB/s  ETA 0:02`)
    const done = byteFrame("upload", { done: 1000, total: 1000, elapsedMillis: 61_000 }, 100)
    expect(done).toMatch(/^upload   \[#{30}\] 100%  1000 B \/ 1000 B  16 B\/s  in 1:01$/)
    expect(byteFrame("download", { done: 0, total: 1000, elapsedMillis: 0 }, 100)).toContain("-- B/s  ETA --:--")
    expect(byteFrame("upload", { done: 2048, total: undefined, elapsedMillis: 1000 }, 100)).toBe("upload   2.0 KiB  2.0 KiB/s")
  })

  it("never wider than the terminal, so `\\r` can redraw it", () => {
    for (const width of [20, 40, 60, 79, 120]) {
      const frame = byteFrame("download", { done: 123_456_789, total: 987_654_321, elapsedMillis: 3_456 }, width)
      expect(frame.length, String(width)).toBeLessThanOrEqual(width)
      expect(statusFrame("import", "importing", 12_000, width).length).toBeLessThanOrEqual(width)
    }
    expect(statusFrame("scan", "processing", 12_000, 80)).toBe("scan     processing  0:12")
  })
})

const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!hasScript)("under a terminal", () => {
  let fake: FakeServer
  let dir: string
  const size = 48 * 1024 * 1024

  beforeAll(async () => {
    fake = await startCliFake(10)
    fake.store.setExportSize(size)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-cli-tty-"))
  })

  afterAll(async () => {
    await fake.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("draws the wait and the download on stderr, redrawn in place, ending with a newline", { timeout: 60_000 }, async () => {
    const command = [process.execPath, bin, "exports", "create", "--layer", "1003", "--format", "raster=image/jpeg", "--crs", "EPSG:4326", "--download", dir]
      .map((word) => `'${word}'`).join(" ")
    // `script` runs the command on a pseudo-terminal and copies what it shows to stdout
    const shown = await new Promise<string>((resolve, reject) =>
      execFile(
        "script",
        ["-qfec", command, "/dev/null"],
        { env: { PATH: process.env["PATH"] ?? "", KOORDINATES_HOST: fake.origin, KOORDINATES_TOKEN: cliToken, COLUMNS: "100" }, timeout: 50_000 },
        (error, stdout) => error === null ? resolve(stdout) : reject(error)
      )
    )
    expect(shown).not.toContain(cliToken)
    const frames = shown.split(/\r\n|\r|\n/).map((frame) => frame.replace(/\u001b\[K/g, "")).filter((frame) => frame !== "")
    const bars = frames.filter((frame) => frame.startsWith("download ["))
    // the first frame before any byte, then frames with a measured rate and an ETA, then the last one
    expect(bars[0]).toMatch(/^download \[-+\]   0%  0 B \/ 48\.0 MiB  -- B\/s  ETA --:--$/)
    expect(bars.some((bar) => /\d+%  [\d.]+ \w?i?B \/ 48\.0 MiB  [\d.]+ \w?i?B\/s  ETA \d+:\d\d$/.test(bar))).toBe(true)
    expect(bars.at(-1)).toMatch(/^download \[#+\] 100%  48\.0 MiB \/ 48\.0 MiB  [\d.]+ \w?i?B\/s  in \d+:\d\d$/)
    expect(frames.some((frame) => /^export   (waiting|processing|complete|done)/.test(frame))).toBe(true)
    // redrawn in place: each bar frame starts with a carriage return; the last one ends the line
    expect(shown).toMatch(/\rdownload \[#+\] 100%[^\r\n]*\u001b\[K\r?\n/)
    expect(shown).toMatch(/^file\s+\S+\.zip\r?$/m)
    expect(fs.readdirSync(dir)).toHaveLength(1)
  })
})
