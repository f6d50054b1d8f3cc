/**
 * The fake's command line: it stops on SIGINT and SIGTERM within a bound, open keep-alive
 * connections and all — run directly, and through `npm run fake` when only npm gets the
 * signal (as from a process manager, or a terminal that signals the foreground process
 * alone) — and the catalog size it prints is what `/data/` lists.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as http from "node:http"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "..")
const bin = path.join(root, "packages/testing/dist/bin.js")
const token = "bin-test-token"
const started: Array<ChildProcess> = []

interface Running {
  readonly child: ChildProcess
  readonly origin: string
  readonly output: () => string
}

/** Spawns a command in a process group of its own and waits for the fake's banner. */
const start = (command: string, args: ReadonlyArray<string>): Promise<Running> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args, "--port", "0", "--catalog", "50", "--token", token], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"]
    })
    started.push(child)
    let output = ""
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${output}`)), 20_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const origin = /KOORDINATES_HOST=(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (origin !== undefined && output.includes("Sign in")) {
        clearTimeout(timer)
        resolve({ child, origin, output: () => output })
      }
    }
    child.stdout?.on("data", read)
    child.stderr?.on("data", read)
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`exited (${code ?? signal}) before its banner:\n${output}`))
    })
  })

/** A GET on a keep-alive connection that stays open afterwards; resolves with the reply. */
const get = (agent: http.Agent, url: string) =>
  new Promise<{ readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: string }>(
    (resolve, reject) => {
      http.get(url, { agent, headers: { authorization: `key ${token}` } }, (response) => {
        let body = ""
        response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      }).on("error", reject)
    }
  )

/** Resolves with how long the process took to exit, or rejects after `bound` ms. */
const exited = (child: ChildProcess, bound: number) =>
  new Promise<number>((resolve, reject) => {
    const begun = Date.now()
    if (child.exitCode !== null || child.signalCode !== null) return resolve(0)
    const timer = setTimeout(() => reject(new Error(`still running after ${bound} ms`)), bound)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve(Date.now() - begun)
    })
  })

/** Whether anything still accepts connections at `origin`. */
const listening = (origin: string) =>
  new Promise<boolean>((resolve) => {
    const request = http.get(`${origin}/`, { agent: false }, (response) => {
      response.resume()
      resolve(true)
    })
    request.on("error", () => resolve(false))
    request.setTimeout(1_000, () => {
      request.destroy()
      resolve(true)
    })
  })

afterEach(() => {
  // the whole process group: a server that outlived npm is in it too
  for (const child of started.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
})

describe("fake-koordinates bin", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`stops on ${signal} within 3 s, with a keep-alive connection open`, async () => {
      const fake = await start(process.execPath, [bin])
      const agent = new http.Agent({ keepAlive: true })
      const reply = await get(agent, `${fake.origin}/services/api/v1.x/layers/?page_size=1`)
      expect(reply.status).toBe(200)
      expect(reply.headers["connection"]).not.toBe("close")
      fake.child.kill(signal)
      expect(await exited(fake.child, 3_000)).toBeLessThan(3_000)
      expect(fake.child.exitCode).toBe(0)
      expect(fake.output()).toContain(`${signal}: stopping`)
      expect(await listening(fake.origin)).toBe(false)
      agent.destroy()
    })
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`npm run fake stops, server and all, when npm alone gets ${signal}`, async () => {
      const fake = await start("npm", ["run", "--silent", "fake", "--"])
      const agent = new http.Agent({ keepAlive: true })
      expect((await get(agent, `${fake.origin}/services/api/v1.x/data/`)).status).toBe(200)
      fake.child.kill(signal)
      await exited(fake.child, 5_000)
      // npm is gone; the server it started must be too, not left behind as an orphan
      const deadline = Date.now() + 3_000
      while (await listening(fake.origin) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(await listening(fake.origin)).toBe(false)
      agent.destroy()
    })
  }

  it("prints the catalog size /data/ lists, and how many generated items are drafts only", async () => {
    const fake = await start(process.execPath, [bin])
    const agent = new http.Agent({ keepAlive: false })
    const reply = await get(agent, `${fake.origin}/services/api/v1.x/data/?page_size=1000`)
    const listed = (JSON.parse(reply.body) as ReadonlyArray<unknown>).length
    const total = Number(/\/(\d+)$/.exec(String(reply.headers["x-resource-range"]))?.[1])
    expect(total).toBe(listed)
    const line = /Catalog: (\d+) published items listed by \/data\/, of (\d+) generated \((\d+) never published/.exec(
      fake.output()
    )
    expect(line, fake.output()).not.toBeNull()
    expect(Number(line?.[1])).toBe(listed)
    expect(Number(line?.[2])).toBe(50)
    expect(Number(line?.[2]) - Number(line?.[3])).toBe(listed)
    fake.child.kill("SIGTERM")
    await exited(fake.child, 3_000)
  })
})
