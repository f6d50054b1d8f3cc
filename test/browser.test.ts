/**
 * The client in a real browser: test/browser/app.ts, bundled with esbuild for the browser
 * from the built packages, served from a loopback origin other than the fake's, run in
 * headless Chromium (driven by puppeteer-core; the system's Chromium, never a download).
 * The page lists the catalog past page 1, counts it, gets a layer, fails with NotFound,
 * downloads an export with progress — redirected to the storage origin, which must never
 * see the token — and calls a fake that does not allow its origin (a CORS block, which the
 * error names). The results are read from the page; a screenshot is saved to
 * test-artifacts/browser.png.
 *
 * Chromium is looked for at `CHROMIUM_PATH`, else /usr/bin/chromium. Without it the test
 * fails (CI installs it: .ci/run) — unless `KOORDINATES_SKIP_BROWSER=1`, which skips it.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import puppeteer, { type Browser } from "puppeteer-core"
import { describe, expect, it } from "vitest"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import { exportSha256, type FakeServer, startServer } from "../packages/testing/src/server/index.ts"
import { completeExport as exportOnFake } from "./support/exports.ts"
import { withFake } from "./support/fake.ts"
import { call, post, root } from "./support/raw.ts"

const repo = path.resolve(import.meta.dirname, "..")
const built = fs.existsSync(path.join(repo, "packages/client/dist/Layers.js"))
const chromium = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const present = fs.existsSync(chromium)
const skip = !present && process.env["KOORDINATES_SKIP_BROWSER"] === "1"
if (skip) console.warn(`browser test skipped: no Chromium at ${chromium} (KOORDINATES_SKIP_BROWSER=1)`)

const screenshot = path.join(repo, "test-artifacts/browser.png")
const exportSize = 2_000_000

/** The app, bundled as a browser app would be: the packages' own entry points, minified. */
const bundleApp = async (): Promise<string> => {
  const result = await esbuild.build({
    entryPoints: [path.join(repo, "test/browser/app.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  return result.outputFiles[0]!.text
}

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>koordinates-effect in a browser</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}td{font-family:monospace;max-width:900px;word-break:break-all}</style>
</head><body><h1>koordinates-effect in a browser</h1>
<table><thead><tr><th>call</th><th>result</th></tr></thead><tbody></tbody></table>
<pre id="results" hidden></pre><script type="module" src="/app.js"></script></body></html>`

/** Serves the page and the app on a free loopback port; resolves to its origin. */
const servePage = (app: string): Promise<{ origin: string; server: Server }> =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      const js = request.url === "/app.js"
      response.writeHead(js || request.url?.startsWith("/?") ? 200 : 404, {
        "Content-Type": js ? "text/javascript" : "text/html; charset=utf-8",
        "Cache-Control": "no-store"
      })
      response.end(js ? app : page)
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () =>
      resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }))
  })

/** A complete export of a new layer, `exportSize` bytes: its id. */
const completeExport = async (fake: FakeServer, layer: number): Promise<number> => {
  const reply = await post(fake, "/exports/", {
    crs: "EPSG:2193",
    formats: { vector: "application/x-zipped-shp" },
    items: [{ item: `${root(fake)}/layers/${layer}/` }]
  })
  expect(reply.status).toBe(201)
  fake.store.completeExports()
  const id = fake.store.exports().at(-1)!.id
  fake.store.setExportSize(exportSize, id)
  return id
}

/** Rejects after `ms`, naming what took too long. */
const within = <A>(ms: number, what: string, promise: Promise<A>): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

describe.skipIf(!built || skip)("the client in headless Chromium", () => {
  it("lists past page 1, counts, gets, fails with NotFound, downloads from storage without the token, names a CORS block", async () => {
    if (!present) {
      throw new Error(
        `No Chromium at ${chromium}: install it (apt-get install -y chromium), set CHROMIUM_PATH, ` +
          "or set KOORDINATES_SKIP_BROWSER=1 to skip this test"
      )
    }
    const fake = await startServer({ catalogSize: 25, sourceCount: 0, defaultPageSize: 10 })
    const strict = await startServer({ catalogSize: 0, sourceCount: 0, allowedOrigins: [] })
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-chromium-"))
    let served: { origin: string; server: Server } | undefined
    let browser: Browser | undefined
    const problems: Array<string> = []
    try {
      const layer = fake.store.addLayer({ name: "Roads of the browser" })
      const exportId = await completeExport(fake, layer.id)
      const range = (await call(fake, "/data/?page_size=1")).headers.get("x-resource-range") ?? ""
      const catalogSize = Number(range.split("/")[1])
      fake.log.clear()
      fake.storageLog.clear()
      served = await servePage(await within(20_000, "esbuild", bundleApp()))
      expect(new URL(served.origin).port).not.toBe(new URL(fake.origin).port)

      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        userDataDir: profile,
        timeout: 20_000,
        protocolTimeout: 20_000,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage"
        ]
      })
      const tab = await browser.newPage()
      tab.on("pageerror", (error) => problems.push(`page error: ${String(error)}`))
      tab.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`)
      })
      await tab.setViewport({ width: 1200, height: 700 })
      const query = new URLSearchParams({
        api: fake.origin,
        blocked: strict.origin,
        token: "test-token",
        layer: String(layer.id),
        missing: "999999",
        export: String(exportId)
      })
      await tab.goto(`${served.origin}/?${query}`, { timeout: 15_000, waitUntil: "load" })
      await tab.waitForSelector("body[data-done=true]", { timeout: 30_000 }).catch((error: unknown) => {
        throw new Error(`The app did not finish: ${String(error)}\n${problems.join("\n")}`)
      })
      fs.mkdirSync(path.dirname(screenshot), { recursive: true })
      await tab.screenshot({ path: screenshot as `${string}.png`, fullPage: true })
      const results = JSON.parse(await tab.$eval("#results", (element) => element.textContent ?? "")) as Record<
        string,
        any
      >

      expect(results["defect"], problems.join("\n")).toBeUndefined()
      expect(catalogSize).toBeGreaterThan(20)
      expect(results["catalog"]).toEqual({ ok: true, value: { pages: Math.ceil(catalogSize / 10), items: catalogSize } })
      expect(results["count"]).toEqual({ ok: true, value: catalogSize })
      expect(results["layer"]).toEqual({ ok: true, value: { id: layer.id, name: "Roads of the browser" } })
      expect(results["missing"]).toMatchObject({ ok: false, tag: "NotFound" })
      const name = fake.store.getExport(exportId)!.name
      expect(results["download"]).toEqual({
        ok: true,
        value: { name, size: exportSize, sha256: exportSha256(exportId, exportSize) }
      })
      expect(results["progress"].reports).toBeGreaterThanOrEqual(2)
      expect(results["progress"].first).toEqual({ received: 0, total: exportSize })
      expect(results["progress"].last).toEqual({ received: exportSize, total: exportSize })
      expect(results["blocked"]).toMatchObject({ ok: false, tag: "TransportError" })
      expect(results["blocked"].message).toContain("likely blocked by CORS")
      expect(results["blocked"].message).toContain(served.origin)

      // Pages 2 and 3 were asked for through the fake's Link URLs, on its own origin.
      const catalogPages = fake.log.entries().filter((entry) => entry.method === "GET" && entry.path.endsWith("/data/"))
      expect(catalogPages.map((entry) => new URLSearchParams(entry.query as Array<[string, string]>).get("page"))).toEqual([null, "2", "3"])
      // The download: the token went to the API (the opaque redirect, then the followed one)…
      const downloads = fake.log.entries().filter((entry) => entry.path.endsWith(`/exports/${exportId}/download/`))
      expect(downloads.filter((entry) => entry.method === "GET")).toHaveLength(2)
      for (const entry of downloads) {
        expect(entry.headers["authorization"]).toBe(entry.method === "GET" ? "key test-token" : undefined)
      }
      // Preflights came without the token.
      const preflights = fake.log.entries().filter((entry) => entry.method === "OPTIONS")
      expect(preflights.length).toBeGreaterThan(0)
      for (const entry of preflights) expect(entry.headers["authorization"]).toBeUndefined()
      // …and never to storage, which served the bytes to an opaque (redirected) origin.
      const storage = fake.storageLog.entries()
      expect(storage.filter((entry) => entry.method === "GET")).toHaveLength(1)
      for (const entry of storage) {
        expect(entry.headers["authorization"]).toBeUndefined()
        expect(JSON.stringify(entry)).not.toContain("test-token")
        expect(entry.headers["origin"]).toBe("null")
      }
      // The fake that allows no origin was asked (its reply, without CORS headers, was blocked).
      expect(strict.log.entries().length).toBeGreaterThan(0)
    } finally {
      await browser?.close().catch(() => undefined)
      if (served !== undefined) {
        const { server } = served
        const closed = new Promise((resolve) => server.close(resolve))
        server.closeAllConnections()
        await closed
      }
      await Promise.all([fake.close(), strict.close()])
      fs.rmSync(profile, { recursive: true, force: true })
    }
  }, 90_000)
})

describe("a request that gets no reply", () => {
  /** The error of getting a layer from a loopback port nothing listens on, with `page` as the runtime's location. */
  const refusedWith = async (page: string | undefined) => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await new Promise((resolve) => server.close(resolve))
    const live = Koordinates.layer({ origin, token: "test-token", retry: false }).pipe(Layer.provide(FetchHttpClient.layer))
    const global = globalThis as { location?: { origin: string } }
    if (page !== undefined) global.location = { origin: page === "same" ? origin : page }
    try {
      return { origin, error: await Effect.runPromise(Effect.flip(Effect.provide(Layers.get(1), live))) }
    } finally {
      delete global.location
    }
  }

  it("is a TransportError naming CORS as the likely cause only in a page on another origin", async () => {
    const inPage = await refusedWith("http://127.0.0.1:5173")
    expect(inPage.error._tag).toBe("TransportError")
    expect(inPage.error.message).toContain(`likely blocked by CORS: ${inPage.origin} must allow requests from http://127.0.0.1:5173`)
    for (const page of [undefined, "same"]) {
      const { error } = await refusedWith(page)
      expect(error._tag, String(page)).toBe("TransportError")
      expect(error.message, String(page)).not.toContain("CORS")
    }
  })
})

describe("an opaque redirect (a browser's answer to redirect: manual), in Node with a fetch that answers so", () => {
  /** Node's fetch, except that a redirect asked for with `redirect: "manual"` is hidden: status 0, no Location. */
  const browserLike: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    return init?.redirect === "manual" && response.status >= 300 && response.status < 400 ? Response.error() : response
  }
  const options = { httpClient: Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, browserLike)) }

  it("lets an export download be followed by the runtime, whose redirect to storage drops the token", () =>
    Effect.runPromise(withFake((fake) =>
      Effect.gen(function*() {
        const done = yield* exportOnFake(20_000)
        const bytes = yield* Stream.runFold(Exports.download(done), () => 0, (n, chunk) => n + chunk.length)
        expect(bytes).toBe(20_000)
        const downloads = fake.log.entries().filter((entry) => entry.path.endsWith("/download/"))
        expect(downloads.map((entry) => entry.headers["authorization"])).toEqual(["key test-token", "key test-token"])
        expect(fake.storageLog.entries()).toHaveLength(1)
        expect(fake.storageLog.entries()[0]?.headers["authorization"]).toBeUndefined()
      }), options)))

  it("is a RedirectError for any other request: its target is hidden, and it may not leave the origin", () =>
    Effect.runPromise(withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ name: "Moved" })
        fake.inject({ method: "GET", path: `/layers/${layer.id}/`, status: 302, headers: { Location: `${fake.origin}/elsewhere/` } })
        const error = yield* Effect.flip(Layers.get(layer.id))
        expect(error._tag).toBe("RedirectError")
        expect(error.message).toContain("(hidden by the runtime)")
        expect(fake.log.entries().filter((entry) => entry.path.endsWith(`/layers/${layer.id}/`))).toHaveLength(1)
      }), options)))
})
