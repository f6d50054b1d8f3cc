/**
 * Tests of FakeKoordinates' user and group endpoints over real HTTP.
 */
import { describe, expect, it } from "vitest"
import { call, type Json, request, root, useServer } from "./support/raw.ts"

describe("users and groups", () => {
  const server = useServer({ catalogSize: 0, sourceCount: 0, tokens: { "test-token": ["users:read"], catalog: ["catalog"] } })

  it("shows the token's owner in full at /users/me/ and any user at /users/{id}/", async () => {
    const me = await request(server, "/users/me/")
    expect(me.body).toEqual({
      id: 2001,
      url: `${root(server)}/users/2001/`,
      first_name: "Aroha",
      last_name: "Anderson",
      email: "aroha.anderson@example.com",
      country: "NZ",
      groups: [
        { id: 101, url: `${root(server)}/groups/101/`, name: "Land Information New Zealand", country: "NZ" },
        { id: 103, url: `${root(server)}/groups/103/`, name: "Greater Wellington Regional Council", country: "NZ" }
      ]
    })
    const other = await request(server, "/users/2149/")
    expect(other.body).toMatchObject({ id: 2149, country: "AU", email: expect.stringMatching(/@example\.com$/) })
    expect((other.body["groups"] as Array<Json>).map((group) => group["country"])).toEqual(["AU"])
    expect((await call(server, "/users/1/")).status).toBe(404)
    const denied = await call(server, "/users/me/", { token: "catalog" })
    expect(denied.status).toBe(403)
    expect(denied.headers.get("accepted-oauth-scopes")).toBe("users:read")
  })

  it("lists users and groups, searched with q", async () => {
    const users = await request<Array<Json>>(server, "/users/")
    expect(users.response.headers.get("x-resource-range")).toBe(`0-${server.store.users.length}/${server.store.users.length}`)
    expect(Object.keys(users.body[0] ?? {})).toEqual(["id", "url", "first_name", "last_name", "country"])
    const found = await request<Array<Json>>(server, "/users/?q=ROBINSON")
    expect(found.body.map((user) => user["last_name"])).toEqual(
      server.store.users.filter((user) => user.last_name === "Robinson").map(() => "Robinson")
    )
    expect(found.body.length).toBeGreaterThan(0)
    expect((await request<Array<Json>>(server, "/users/?q=ben.ngata@")).body.map((user) => user["id"])).toEqual([2038])
    const expanded = await request<Array<Json>>(server, "/users/?q=aroha", { headers: { Expand: "list" } })
    expect(expanded.body[0]?.["email"]).toBe("aroha.anderson@example.com")

    const groups = await request<Array<Json>>(server, "/groups/")
    expect(groups.body.map((group) => group["id"])).toEqual([1, ...server.store.groups.map((group) => group.id)])
    expect(groups.body[0]).toEqual({ id: 1, url: `${root(server)}/groups/1/`, name: "Everyone", country: null })
    const councils = await request<Array<Json>>(server, "/groups/?q=council")
    expect(councils.body.map((group) => group["id"])).toEqual([102, 103, 106])
    expect((await request(server, "/groups/107/")).body).toEqual({
      id: 107,
      url: `${root(server)}/groups/107/`,
      name: "Geoscience Australia",
      country: "AU",
      url_html: `${server.origin}/group/107-geoscience-australia/`
    })
    expect((await call(server, "/groups/999/")).status).toBe(404)
  })
})
