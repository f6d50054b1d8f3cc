/**
 * Tests of FakeKoordinates' permission endpoints over real HTTP, on layers, tables, sets
 * and sources.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { type LayerRecord, permissionId } from "../packages/testing/src/server/index.ts"
import { call, type Json, post, put, request, root, useServer } from "./support/raw.ts"

describe("permissions", () => {
  const writers = ["layers:read", "layers:write", "sets:read", "sets:write", "sources:read", "sources:write"]
  const server = useServer({ catalogSize: 0, sourceCount: 0, tokens: { "test-token": writers, "sets-only": ["sets:read"] } })
  let layer: LayerRecord
  beforeAll(() => {
    layer = server.store.addLayer({ group: 103 })
  })

  const group = (id: number, name: string, country: string | null) => ({
    id,
    url: `${root(server)}/groups/${id}/`,
    name,
    country
  })
  const everyone = () => ({ id: "group.everyone", permission: "view", group: group(1, "Everyone", null) })

  it("starts every layer, set and source with its owner as admin and everyone as viewer", async () => {
    const layerList = await request<Array<Json>>(server, `/layers/${layer.id}/permissions/`)
    expect(layerList.response.headers.get("x-resource-range")).toBe("0-2/2")
    expect(layerList.body).toEqual([
      { id: "group.103", permission: "admin", group: group(103, "Greater Wellington Regional Council", "NZ") },
      everyone()
    ])
    const set = server.store.addSet({ group: 107, items: [] })
    expect((await request<Array<Json>>(server, `/sets/${set.id}/permissions/`)).body.map((p) => p["id"]))
      .toEqual(["group.107", "group.everyone"])
    const source = server.store.addSource({ group: null, user: 2075 })
    const sourceList = await request<Array<Json>>(server, `/sources/${source.id}/permissions/`)
    expect(sourceList.body[0]).toEqual({
      id: "user.2075",
      permission: "admin",
      user: { id: 2075, url: `${root(server)}/users/2075/`, first_name: "Charlotte", last_name: "Taylor", country: "NZ" }
    })
    expect(server.store.permissionsOf("source", source.id).map(permissionId)).toEqual(["user.2075", "group.everyone"])
  })

  it("gets one permission by its id, 404 for unknown or malformed ids", async () => {
    const base = `/layers/${layer.id}/permissions/`
    expect((await request(server, `${base}group.everyone/`)).body).toEqual(everyone())
    expect((await request(server, `${base}group.103/`)).body["permission"]).toBe("admin")
    for (const id of ["group.104", "user.2001", "group.1", "108", "groups.103", "user.abc"]) {
      expect((await call(server, `${base}${id}/`)).status, id).toBe(404)
    }
    expect((await call(server, `/layers/999999/permissions/`)).status).toBe(404)
  })

  it("grants with POST (201 and Location), replacing what the holder had", async () => {
    const base = `/layers/${layer.id}/permissions/`
    const byString = await post(server, base, { group: "108", permission: "download" })
    expect(byString.status).toBe(201)
    expect(byString.response.headers.get("location")).toBe(`${root(server)}${base}group.108/`)
    expect(byString.body).toEqual({ id: "group.108", permission: "download", group: group(108, "Spatial Services NSW", "AU") })
    expect((await post(server, base, { group: 108, permission: "edit" })).body["permission"]).toBe("edit")
    const user = await post(server, base, { user: 2038, permission: "admin" })
    expect(user.response.headers.get("location")).toBe(`${root(server)}${base}user.2038/`)
    const downgraded = await post(server, base, { group: "everyone", permission: "download" })
    expect(downgraded.body["id"]).toBe("group.everyone")
    expect(server.store.permissionsOf("layer", layer.id).map((p) => `${permissionId(p)}:${p.permission}`)).toEqual([
      "group.103:admin",
      "group.everyone:download",
      "group.108:edit",
      "user.2038:admin"
    ])
  })

  it("answers 400 for unknown holders, levels and bodies naming both or neither", async () => {
    const base = `/sets/${server.store.addSet({ items: [] }).id}/permissions/`
    const cases: ReadonlyArray<readonly [unknown, Json]> = [
      [{ group: "999", permission: "view" }, { group: ["Invalid pk \"999\" - object does not exist."] }],
      [{ user: 4, permission: "view" }, { user: ["Invalid pk \"4\" - object does not exist."] }],
      [{ group: 101, permission: "own" }, { permission: ["\"own\" is not a valid choice."] }],
      [{ group: 101 }, { permission: ["This field is required."] }],
      [{ permission: "view" }, { non_field_errors: ["Give either a group or a user."] }],
      [{ group: 101, user: 2001, permission: "view" }, { non_field_errors: ["Give either a group or a user."] }]
    ]
    for (const [body, errors] of cases) {
      const reply = await post(server, base, body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.body).toEqual(errors)
    }
    expect((await request<Array<unknown>>(server, base)).body).toHaveLength(2)
  })

  it("replaces every permission with PUT, atomically", async () => {
    const source = server.store.addSource({ group: 101 })
    const base = `/sources/${source.id}/permissions/`
    const replaced = await put(server, base, [
      { permission: "view", group: "everyone" },
      { permission: "admin", user: 2001 },
      { permission: "download", group: { id: 105 } }
    ])
    expect(replaced.status).toBe(200)
    expect((replaced.body as unknown as Array<Json>).map((p) => [p["id"], p["permission"]])).toEqual([
      ["group.everyone", "view"],
      ["user.2001", "admin"],
      ["group.105", "download"]
    ])
    expect((await request(server, base)).body).toEqual(replaced.body)

    const before = server.store.permissionsOf("source", source.id)
    const refused = await put(server, base, [
      { permission: "edit", group: 102 },
      { permission: "sudo", user: 2001 },
      { permission: "view" },
      { permission: "view", group: 102 },
      "group.103"
    ])
    expect(refused.status).toBe(400)
    expect(refused.body).toEqual({
      "1": { permission: ["\"sudo\" is not a valid choice."] },
      "2": { non_field_errors: ["Give either a group or a user."] },
      "3": { non_field_errors: ["group.102 is listed more than once."] },
      "4": { non_field_errors: ["Invalid data. Expected a dictionary."] }
    })
    expect(server.store.permissionsOf("source", source.id)).toEqual(before)
    const notList = await put(server, base, { permission: "view", group: 102 })
    expect(notList.body).toEqual({ non_field_errors: ["Expected a list of items but got type \"dict\"."] })
    expect((await put(server, base, [])).body).toEqual([])
    expect(server.store.permissionsOf("source", source.id)).toEqual([])
  })

  it("serves table permissions under /tables/ too, and checks each resource's scope", async () => {
    const table = server.store.addLayer({ kind: "table" })
    const created = await post(server, `/tables/${table.id}/permissions/`, { group: 102, permission: "view" })
    expect(created.response.headers.get("location")).toBe(`${root(server)}/tables/${table.id}/permissions/group.102/`)
    expect((await request<Array<Json>>(server, `/layers/${table.id}/permissions/`)).body).toHaveLength(3)
    expect((await call(server, `/tables/${layer.id}/permissions/`)).status).toBe(404)
    const denied = await call(server, `/layers/${layer.id}/permissions/`, { token: "sets-only" })
    expect(denied.status).toBe(403)
    expect(denied.headers.get("accepted-oauth-scopes")).toBe("layers:read")
    const set = server.store.addSet({ items: [] })
    expect((await call(server, `/sets/${set.id}/permissions/`, { token: "sets-only" })).status).toBe(200)
    const write = await post(server, `/sets/${set.id}/permissions/`, { group: 101, permission: "view" }, { token: "sets-only" })
    expect(write.response.headers.get("accepted-oauth-scopes")).toBe("sets:write")
  })
})
