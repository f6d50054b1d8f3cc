/**
 * The fake for browsers, over real HTTP: CORS on the API and storage origins (allowed
 * origins, preflights answered without a token, exposed headers, `Vary: Origin`, nothing
 * for an origin not allowed), and absolute URLs (`Link`, `Location`, `url` fields) built from
 * the request's `Host`, so a client behind a proxy is sent back to the proxy.
 */
import { request as httpRequest } from "node:http"
import { describe, expect, it } from "vitest"
import type { FakeServer } from "../packages/testing/src/server/index.ts"
import { post, root, useServer } from "./support/raw.ts"

interface RawReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

/** One request with exactly these headers (`Host` and `Origin` included), as a browser or a proxy sends it. */
const send = (url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers }, (incoming) => {
      const chunks: Array<Buffer> = []
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
      incoming.on("end", () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString() }))
      incoming.on("error", reject)
    })
    outgoing.on("error", reject)
    outgoing.end(body)
  })

const page = "http://localhost:5173"
const token = { authorization: "key test-token" }
const exposed = (reply: RawReply) => String(reply.headers["access-control-expose-headers"]).split(/,\s*/)

/** A complete export of a new layer on `server`: its id and its download path. */
const completeExport = async (server: FakeServer) => {
  const layer = server.store.addLayer({ name: "Roads" })
  const reply = await post(server, "/exports/", {
    crs: "EPSG:2193",
    formats: { vector: "application/x-zipped-shp" },
    items: [{ item: `${root(server)}/layers/${layer.id}/` }]
  })
  expect(reply.status).toBe(201)
  server.store.completeExports()
  const id = server.store.exports().at(-1)!.id
  return { id, download: `${root(server)}/exports/${id}/download/` }
}

describe("CORS on the fake, by default for any loopback origin", () => {
  const server = useServer({ catalogSize: 30, sourceCount: 0, defaultPageSize: 10 })

  it("answers a preflight 204 without a token: methods, request headers (Authorization, Range, If-Range…), max age", async () => {
    for (const origin of ["http://127.0.0.1:4000", "http://localhost:5173", "http://[::1]:8080"]) {
      const reply = await send(`${root(server)}/data/`, "OPTIONS", {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization,expand"
      })
      expect(reply.status, origin).toBe(204)
      expect(reply.headers["access-control-allow-origin"], origin).toBe(origin)
      expect(String(reply.headers["access-control-allow-methods"]).split(/,\s*/)).toEqual(
        expect.arrayContaining(["GET", "HEAD", "POST", "PUT", "DELETE"])
      )
      const allowed = String(reply.headers["access-control-allow-headers"]).toLowerCase().split(/,\s*/)
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "range", "if-range", "expand"]))
      expect(Number(reply.headers["access-control-max-age"])).toBeGreaterThan(0)
      expect(reply.headers["vary"]).toContain("Origin")
    }
    expect(server.log.entries().at(-1)).toMatchObject({ method: "OPTIONS", path: "/services/api/v1/data/" })
  })

  it("allows the origin of a reply and exposes the headers the client reads; Vary: Origin", async () => {
    const reply = await send(`${root(server)}/data/`, "GET", { origin: page, ...token })
    expect(reply.status).toBe(200)
    expect(reply.headers["access-control-allow-origin"]).toBe(page)
    expect(reply.headers["vary"]).toContain("Origin")
    expect(exposed(reply)).toEqual(expect.arrayContaining([
      "Link",
      "X-Resource-Range",
      "Retry-After",
      "Location",
      "Content-Disposition",
      "Content-Range",
      "Content-Length",
      "ETag",
      "Last-Modified"
    ]))
    const refused = await send(`${root(server)}/data/`, "GET", { origin: page })
    expect(refused.status).toBe(401)
    expect(refused.headers["access-control-allow-origin"]).toBe(page)
  })

  it("gives an origin it does not allow no CORS header at all, on replies and preflights", async () => {
    for (const origin of ["https://evil.example", "http://127.0.0.1.evil.example:80", "null"]) {
      const reply = await send(`${root(server)}/data/`, "GET", { origin, ...token })
      expect(reply.status).toBe(200)
      const preflight = await send(`${root(server)}/data/`, "OPTIONS", { origin, "access-control-request-method": "GET" })
      expect(preflight.status).toBe(204)
      for (const answer of [reply, preflight]) {
        expect(Object.keys(answer.headers).filter((name) => name.startsWith("access-control-")), origin).toEqual([])
        expect(answer.headers["vary"]).toContain("Origin")
      }
    }
  })

  it("lets the storage origin be read from the page, and from `null` (a request redirected there from the API)", async () => {
    const { download } = await completeExport(server)
    const location = String((await send(download, "GET", { origin: page, ...token })).headers["location"])
    expect(new URL(location).origin).toBe(server.storageOrigin)
    for (const origin of [page, "null"]) {
      const preflight = await send(location, "OPTIONS", {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "range"
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers["access-control-allow-origin"]).toBe(origin)
      expect(String(preflight.headers["access-control-allow-headers"]).toLowerCase()).toContain("if-range")
      const reply = await send(location, "GET", { origin, range: "bytes=10-" })
      expect(reply.status).toBe(206)
      expect(reply.headers["access-control-allow-origin"]).toBe(origin)
      expect(exposed(reply)).toEqual(expect.arrayContaining(["Content-Range", "Content-Disposition", "Content-Length"]))
    }
    const stranger = await send(location, "GET", { origin: "https://evil.example" })
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined()
    expect(server.storageLog.entries().every((entry) => entry.headers["authorization"] === undefined)).toBe(true)
  })
})

describe("CORS on the fake, for the origins it is given", () => {
  const allowed = "https://app.example.com"
  const server = useServer({ catalogSize: 0, sourceCount: 0, allowedOrigins: [allowed] })

  it("allows exactly those origins, on the API and on storage; loopback is no longer allowed", async () => {
    const { download } = await completeExport(server)
    const ok = await send(download, "GET", { origin: allowed, ...token })
    expect(ok.status).toBe(302)
    expect(ok.headers["access-control-allow-origin"]).toBe(allowed)
    const loopback = await send(download, "GET", { origin: page, ...token })
    expect(loopback.headers["access-control-allow-origin"]).toBeUndefined()
    const location = String(ok.headers["location"])
    expect((await send(location, "GET", { origin: allowed })).headers["access-control-allow-origin"]).toBe(allowed)
    expect((await send(location, "GET", { origin: page })).headers["access-control-allow-origin"]).toBeUndefined()
  })
})

describe("absolute URLs from the request's Host", () => {
  const server = useServer({ catalogSize: 30, sourceCount: 0, defaultPageSize: 10 })
  const proxy = "proxy.test:8443"

  it("builds Link URLs, url fields and Location on the host the request named; storage stays its own origin", async () => {
    const list = await send(`${root(server)}/layers/?page_size=5`, "GET", { host: proxy, ...token })
    expect(list.status).toBe(200)
    const links = String(list.headers["link"])
    expect(links).toContain(`<http://${proxy}/services/api/v1/layers/?page_size=5&page=2>; rel="page-next"`)
    expect(links).not.toContain(server.origin)
    const items = JSON.parse(list.body) as Array<{ url: string }>
    expect(items.length).toBe(5)
    for (const item of items) expect(item.url).toMatch(new RegExp(`^http://${proxy.replace(".", "\\.")}/services/api/v1/(layers|tables)/`))

    const layer = server.store.addLayer({ name: "Proxied" })
    const created = await send(`${root(server)}/layers/${layer.id}/versions/`, "POST", { host: proxy, ...token })
    expect(created.status).toBe(201)
    expect(String(created.headers["location"])).toMatch(
      new RegExp(`^http://${proxy.replace(".", "\\.")}/services/api/v1/layers/${layer.id}/versions/\\d+/$`)
    )

    const { download } = await completeExport(server)
    const storage = await send(download, "GET", { host: proxy, ...token })
    expect(new URL(String(storage.headers["location"])).origin).toBe(server.storageOrigin)
  })

  it("takes the server's own origin when Host is not a host", async () => {
    for (const host of ["bad host", "a/b", "[zz]"]) {
      const list = await send(`${root(server)}/layers/?page_size=5`, "GET", { host, ...token })
      expect(list.status, host).toBe(200)
      expect(String(list.headers["link"]), host).toContain(`<${server.origin}/services/api/v1/layers/?`)
    }
  })

  it("resolves URLs sent back on the request's host (a set's items through the proxy)", async () => {
    const layer = server.store.addLayer({ name: "Item" })
    const item = `http://${proxy}/services/api/v1/layers/${layer.id}/`
    const body = JSON.stringify({ title: "Through the proxy", group: 105, items: [item] })
    const reply = await send(`${root(server)}/sets/`, "POST", { host: proxy, ...token, "content-type": "application/json" }, body)
    expect(reply.status, reply.body).toBe(201)
    expect(JSON.parse(reply.body)).toMatchObject({ items: [item] })
    expect(String(reply.headers["location"]).startsWith(`http://${proxy}/services/api/v1/sets/`)).toBe(true)
  })
})
