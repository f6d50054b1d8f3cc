/**
 * Tests of FakeKoordinates' license endpoints over real HTTP, Creative Commons lookups
 * included.
 */
import { describe, expect, it } from "vitest"
import { ALL_SCOPES } from "../packages/testing/src/server/index.ts"
import { call, type Json, request, root, useServer } from "./support/raw.ts"

describe("licenses", () => {
  const server = useServer({ catalogSize: 0, tokens: { "test-token": ALL_SCOPES, bare: [] } })

  const types = ["cc-by", "cc-by-sa", "cc-by-nd", "cc-by-nc", "cc-by-nc-sa", "cc-by-nc-nd"]

  it("lists every license with its URLs, to any valid token", async () => {
    const { response, body } = await request<Array<Json>>(server, "/licenses/?page_size=5", { token: "bare" })
    expect(response.status).toBe(200)
    expect(response.headers.get("x-resource-range")).toBe("0-5/20")
    const all = await request<Array<Json>>(server, "/licenses/", { token: "bare" })
    expect(all.body.map((license) => license["id"])).toEqual(Array.from({ length: 20 }, (_, index) => index + 1))
    expect(all.body.slice(0, 5)).toEqual(body)
    for (const license of all.body) {
      expect(license["url"]).toBe(`${root(server)}/licenses/${license["id"]}/`)
      expect(license["url_html"]).toMatch(new RegExp(`^${server.origin}/license/[a-z0-9-]+/$`))
    }
    expect((await call(server, "/licenses/", { token: null })).status).toBe(401)
  })

  it("gets one license; only Creative Commons ones have jurisdiction and version", async () => {
    const publicDomain = await request(server, "/licenses/1/", { token: "bare" })
    expect(publicDomain.body).toEqual({
      id: 1,
      title: "Public Domain",
      type: "public-domain",
      url: `${root(server)}/licenses/1/`,
      url_html: `${server.origin}/license/public-domain/`
    })
    const geodata = await request(server, "/licenses/2/")
    expect(Object.keys(geodata.body)).toEqual(["id", "title", "type", "url", "url_html"])
    const cc = await request(server, "/licenses/17/")
    expect(cc.body).toEqual({
      id: 17,
      title: "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 New Zealand",
      type: "cc-by-nc-sa",
      jurisdiction: "nz",
      version: "3.0",
      url: `${root(server)}/licenses/17/`,
      url_html: `${server.origin}/license/attribution-noncommercial-sharealike-3-0-new-zealand/`
    })
    expect((await request(server, "/licenses/99/")).status).toBe(404)
  })

  it("looks up every Creative Commons type in nz, au and unported (empty jurisdiction)", async () => {
    for (const type of types) {
      for (const [jurisdiction, version] of [["nz", "3.0"], ["au", "3.0"], ["", "4.0"]] as const) {
        const path = `/licenses/${type}/${jurisdiction}/`
        const { status, body } = await request(server, path, { token: "bare" })
        expect(status, path).toBe(200)
        expect(body, path).toMatchObject({ type, jurisdiction, version })
        expect((await request(server, `/licenses/${body["id"]}/`)).body, path).toEqual(body)
      }
    }
    const unported = await request(server, "/licenses/cc-by-nc//")
    expect(unported.body["title"]).toBe("Creative Commons Attribution-NonCommercial 4.0 International")
  })

  it("answers 404 for unknown type and jurisdiction pairs", async () => {
    for (const path of ["/licenses/cc-by/us/", "/licenses/cc-by-xx/nz/", "/licenses/public-domain//", "/licenses//nz/", "/licenses/cc-by/%E0%A4%A/"]) {
      const { status, body } = await request(server, path)
      expect(status, path).toBe(404)
      expect(body).toEqual({ detail: "Not found." })
    }
  })
})
