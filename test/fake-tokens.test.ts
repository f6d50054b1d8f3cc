/**
 * Tests of FakeKoordinates' token endpoints over real HTTP: the password grant, the
 * lifecycle, expiry.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { ALL_SCOPES } from "../packages/testing/src/server/index.ts"
import { call, type CallOptions, type Json, post, put, remove, request, root, useServer } from "./support/raw.ts"

const TOKEN_KEYS = ["name", "key_hint", "url", "created_at", "expires_at", "scope", "referrers", "id"]

describe("tokens", () => {
  const server = useServer({ catalogSize: 3, tokens: { "test-token": ALL_SCOPES, "catalog-only": ["catalog"] } })

  const signIn = (extra: Json = {}, options: CallOptions = {}) =>
    post(server, "/tokens/", {
      grant_type: "password",
      username: server.store.defaultCredentials.username,
      password: server.store.defaultCredentials.password,
      ...extra
    }, options)

  it("shows configured tokens as the default user's, with only a key hint", async () => {
    const { body } = await request<Array<Json>>(server, "/tokens/")
    const tokens = server.store.tokens()
    expect(body).toEqual(tokens.map((token) => ({
      name: "",
      key_hint: `${token.key.slice(0, 4)}xx...`,
      url: `${root(server)}/tokens/${token.id}/`,
      id: token.id
    })))
    expect(body.map((token) => token["key_hint"])).toEqual(["testxx...", "cataxx..."])
    expect(tokens.map((token) => token.user)).toEqual([server.store.defaultUser, server.store.defaultUser])
    const single = await request(server, `/tokens/${tokens[0]?.id}/`)
    expect(Object.keys(single.body)).toEqual(TOKEN_KEYS)
    expect(single.body["scope"]).toBe(ALL_SCOPES.join(" "))
    expect(server.store.defaultCredentials).toEqual({ username: "aroha.anderson@example.com", password: "password-2001" })
  })

  it("goes through its lifecycle: create, use, update, delete, refused", async () => {
    const created = await signIn(
      { name: "Nightly sync", scope: "catalog layers:read", expires_at: "2999-01-02T03:04:05Z", referrers: ["*.example.com"] },
      { token: "no-such-token" }
    )
    expect(created.status).toBe(200)
    expect(created.response.headers.get("location")).toBeNull()
    expect(Object.keys(created.body)).toEqual([...TOKEN_KEYS.slice(0, -1), "key", "id"])
    const key = String(created.body["key"])
    expect(key).toMatch(/^[0-9a-f]{32}$/)
    expect(created.body).toMatchObject({
      name: "Nightly sync",
      key_hint: `${key.slice(0, 4)}xx...`,
      scope: "catalog layers:read",
      expires_at: "2999-01-02T03:04:05.000Z",
      referrers: ["*.example.com"]
    })
    const path = `/tokens/${created.body["id"]}/`

    expect((await call(server, "/data/", { token: key })).status).toBe(200)
    const forbidden = await call(server, "/sets/", { token: key })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get("oauth-scopes")).toBe("catalog, layers:read")
    expect((await call(server, "/tokens/", { token: key })).status).toBe(403)

    const fetched = await request(server, path)
    expect(fetched.body["key"]).toBeUndefined()
    expect(fetched.body["key_hint"]).toBe(`${key.slice(0, 4)}xx...`)

    const updated = await put(server, path, {
      name: "Renamed",
      scope: "sets:read tokens:read",
      expires_at: null,
      referrers: null,
      key: "ignored"
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({ ...fetched.body, name: "Renamed", scope: "sets:read tokens:read", expires_at: null, referrers: null })
    expect((await call(server, "/sets/", { token: key })).status).toBe(200)
    expect((await call(server, "/data/", { token: key })).status).toBe(403)
    expect((await request<Array<Json>>(server, "/tokens/", { token: key })).body.map((token) => token["id"])).toContain(
      created.body["id"]
    )

    const deleted = await remove(server, path)
    expect(deleted.status).toBe(204)
    const refused = await request(server, "/sets/", { token: key })
    expect(refused.status).toBe(401)
    expect(refused.body).toEqual({ detail: "Invalid token." })
    expect((await request(server, path)).status).toBe(404)
  })

  it("needs no Authorization header to sign in, and gives every scope by default", async () => {
    const created = await signIn({}, { token: null })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ name: "", scope: ALL_SCOPES.join(" "), expires_at: null, referrers: null })
  })

  it("answers 401 for bad credentials and 400 for bad fields", async () => {
    for (const credentials of [{ password: "wrong" }, { username: "nobody@example.com" }]) {
      const reply = await signIn(credentials)
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({ detail: "Invalid username or password" })
    }
    const grant = await signIn({ grant_type: "client_credentials" })
    expect(grant.status).toBe(400)
    expect(grant.body).toEqual({ grant_type: ["Unsupported grant type \"client_credentials\": use \"password\"."] })
    const missing = await post(server, "/tokens/", { grant_type: "password" })
    expect(missing.body).toEqual({ username: ["This field is required."], password: ["This field is required."] })
    const scope = await signIn({ scope: "catalog layers:delete everything", expires_at: "soon" })
    expect(scope.status).toBe(400)
    expect(scope.body).toEqual({
      scope: ["Unknown scope: layers:delete, everything"],
      expires_at: [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
      ]
    })
    const tokens = server.store.tokens().length
    expect((await put(server, `/tokens/${server.store.tokens()[0]?.id}/`, { scope: "root" })).status).toBe(400)
    expect(server.store.tokens()).toHaveLength(tokens)
    expect(server.store.tokens()[0]?.scopes).toEqual(ALL_SCOPES)
  })

  it("signs other users in, and hides their tokens from each other", async () => {
    const user = server.store.users[3]
    const theirs = await post(server, "/tokens/", {
      grant_type: "password",
      username: user?.email.toUpperCase(),
      password: user?.password,
      name: "Theirs"
    })
    expect(theirs.status).toBe(200)
    const key = String(theirs.body["key"])
    expect((await request<Array<Json>>(server, "/tokens/", { token: key })).body.map((token) => token["name"])).toEqual(["Theirs"])
    expect((await request(server, `/tokens/${server.store.tokens()[0]?.id}/`, { token: key })).status).toBe(404)
    expect((await request(server, `/tokens/${theirs.body["id"]}/`)).status).toBe(404)
    expect((await remove(server, `/tokens/${theirs.body["id"]}/`)).status).toBe(404)
    const publish = await post(server, "/publish/", { items: [] }, { token: key })
    expect(publish.status).toBe(400)
  })

  it("refuses an expired token", async () => {
    const created = await signIn({ expires_at: new Date(Date.now() + 200).toISOString() })
    const key = String(created.body["key"])
    expect((await call(server, "/data/", { token: key })).status).toBe(200)
    await sleep(250)
    const expired = await request(server, "/data/", { token: key })
    expect(expired.status).toBe(401)
    expect(expired.body).toEqual({ detail: "Token has expired." })
  })
})
