/**
 * Permissions on layers, sets and sources, and Users & Groups, against FakeKoordinates.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Groups from "@koordinates-effect/client/Groups"
import * as Permissions from "@koordinates-effect/client/Permissions"
import * as Query from "@koordinates-effect/client/Query"
import * as Users from "@koordinates-effect/client/Users"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"

describe("Permissions", () => {
  it.live("list, create, get and set on a layer, a set and a source", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const targets: ReadonlyArray<readonly [Permissions.Target, string]> = [
          [{ layer: fake.store.addLayer().id }, "layers"],
          [{ set: fake.store.addSet().id }, "sets"],
          [{ source: fake.store.addSource({ type: "wfs" }).id }, "sources"]
        ]
        for (const [target, collection] of targets) {
          fake.log.clear()
          const id = Object.values(target)[0]
          const initial = yield* Query.collect(Permissions.list(target))
          assert.include(initial.map((p) => p.id), "group.everyone")
          const created = yield* Permissions.create(target, { group: 108, permission: "download" })
          assert.instanceOf(created, Permissions.Permission)
          assert.strictEqual(created.id, "group.108")
          assert.strictEqual(created.group?.id, 108)
          assert.strictEqual((yield* Permissions.get(target, "group.108")).permission, "download")
          const replaced = yield* Permissions.set(target, [
            { group: "everyone", permission: "view" },
            { user: fake.store.users[0]!.id, permission: "admin" }
          ])
          assert.deepStrictEqual(replaced.map((p) => [p.id, p.permission]), [
            ["group.everyone", "view"],
            [`user.${fake.store.users[0]!.id}`, "admin"]
          ])
          assert.deepStrictEqual(requested(fake).map((r) => r.split(" ")[0]), ["GET", "POST", "GET", "GET", "PUT"])
          assert.include(requested(fake)[4], `${api}/${collection}/${id}/permissions/`)
          assert.deepStrictEqual(JSON.parse(fake.log.entries()[4]?.body ?? ""), [
            { group: "everyone", permission: "view" },
            { user: fake.store.users[0]!.id, permission: "admin" }
          ])
        }
      })
    ))

  it.live("a set the server refuses changes nothing", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const target = { layer: fake.store.addLayer().id }
        const before = yield* Query.collect(Permissions.list(target))
        const error = yield* failure(Permissions.set(target, [{ group: "everyone", permission: "view" }, { user: 999999, permission: "view" }]))
        assert.strictEqual(error._tag, "BadRequest")
        const after = yield* Query.collect(Permissions.list(target))
        assert.deepStrictEqual(after.map((p) => [p.id, p.permission]), before.map((p) => [p.id, p.permission]))
      })
    ))
})

describe("Users & Groups", () => {
  it.live("me, get, list; groups get and list", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const me = yield* Users.me()
        assert.instanceOf(me, Users.User)
        assert.strictEqual(me.id, fake.store.defaultUser.id)
        const user = yield* Users.get(fake.store.users[1]!.id)
        assert.strictEqual(user.first_name, fake.store.users[1]!.first_name)
        const users = yield* Query.collect(Users.list())
        for (const known of fake.store.users) assert.include(users.map((u) => u.id), known.id)
        const group = yield* Groups.get(fake.store.groups[0]!.id)
        assert.strictEqual(group.name, fake.store.groups[0]!.name)
        const groups = yield* Query.collect(Groups.list())
        for (const known of fake.store.groups) assert.include(groups.map((g) => g.id), known.id)
        assert.deepStrictEqual(requested(fake).slice(0, 2), [`GET ${api}/users/me/`, `GET ${api}/users/${user.id}/`])
        assert.strictEqual((yield* failure(Users.get(999999)))._tag, "NotFound")
      })
    ))
})
