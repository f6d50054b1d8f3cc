/**
 * Tests of FakeKoordinates' access checks over real HTTP: which scope each write and read
 * endpoint needs (403 with the scopes headers), and 405 with Allow for other methods.
 */
import { describe, expect, it } from "vitest"
import { ALL_SCOPES } from "../packages/testing/src/server/index.ts"
import { call, useServer } from "./support/raw.ts"

describe("scopes of the write endpoints", () => {
  const server = useServer({
    catalogSize: 0,
    tokens: { "test-token": ALL_SCOPES, readers: ["layers:read", "sets:read", "tokens:read"] }
  })

  it("needs the :write scope for writes and :read for reads", async () => {
    const layer = server.store.addLayer({ draft: "ok" })
    const set = server.store.addSet()
    const version = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    const writes: ReadonlyArray<readonly [string, string, string]> = [
      ["POST", "/layers/", "layers:write"],
      ["POST", "/tables/", "layers:write"],
      ["POST", `/layers/${layer.id}/versions/`, "layers:write"],
      ["POST", `/layers/${layer.id}/versions/import/`, "layers:write"],
      ["PUT", version, "layers:write"],
      ["DELETE", version, "layers:write"],
      ["POST", `${version}import/`, "layers:write"],
      ["POST", `${version}publish/`, "layers:write"],
      ["POST", `${version}metadata/`, "layers:write"],
      ["DELETE", `/layers/${layer.id}/`, "layers:write"],
      ["POST", "/sets/", "sets:write"],
      ["POST", `/sets/${set.id}/versions/`, "sets:write"],
      ["POST", `/sets/${set.id}/metadata/`, "sets:write"],
      ["DELETE", `/sets/${set.id}/`, "sets:write"],
      ["POST", "/publish/", "layers:write"],
      ["DELETE", "/publish/1/", "layers:write"],
      ["PUT", "/tokens/1/", "tokens:write"],
      ["DELETE", "/tokens/1/", "tokens:write"]
    ]
    for (const [method, path, scope] of writes) {
      const response = await call(server, path, { method, token: "readers", body: "{}" })
      expect(response.status, `${method} ${path}`).toBe(403)
      expect(response.headers.get("accepted-oauth-scopes"), `${method} ${path}`).toBe(scope)
    }
    expect(layer.versions).toHaveLength(2)
    expect(server.store.getSet(set.id)).toBe(set)

    for (const path of ["/publish/", "/sets/", `/sets/${set.id}/versions/`, "/tokens/"]) {
      expect((await call(server, path, { token: "readers" })).status, path).toBe(200)
    }
  })

  it("answers 405 with Allow for other methods", async () => {
    const response = await call(server, "/publish/", { method: "PUT", body: "{}" })
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST")
    const tokens = await call(server, "/tokens/", { method: "DELETE", token: "nope" })
    expect(tokens.status).toBe(401)
  })
})
