/**
 * Licenses and Tokens against FakeKoordinates.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Query from "@koordinates-effect/client/Query"
import * as Tokens from "@koordinates-effect/client/Tokens"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"

describe("Licenses", () => {
  it.live("list, get, and Creative Commons lookups with and without a jurisdiction", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const all = yield* Query.collect(Licenses.list())
        assert.strictEqual(all.length, fake.store.licenses.length)
        const byNcNz = yield* Licenses.getCreativeCommons("cc-by-nc", "nz")
        assert.strictEqual(byNcNz.type, "cc-by-nc")
        assert.strictEqual(byNcNz.jurisdiction, "nz")
        const international = yield* Licenses.getCreativeCommons("cc-by-sa")
        assert.strictEqual(international.jurisdiction, "")
        assert.strictEqual(international.version, "4.0")
        const byId = yield* Licenses.get(byNcNz.id)
        assert.strictEqual(byId.title, byNcNz.title)
        assert.deepStrictEqual(requested(fake).slice(1), [
          `GET ${api}/licenses/cc-by-nc/nz/`,
          `GET ${api}/licenses/cc-by-sa//`,
          `GET ${api}/licenses/${byNcNz.id}/`
        ])
        assert.strictEqual((yield* failure(Licenses.getCreativeCommons("cc-by", "xx")))._tag, "NotFound")
      })
    ))
})

describe("Tokens", () => {
  it.live("create with email and password, use the new key, update it, delete it", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { username, password } = fake.store.defaultCredentials
        const token = yield* Tokens.create(
          { name: "Nightly", scopes: ["tokens:read", "tokens:write", "layers:read"], referrers: ["*.example.com"] },
          { email: username, password: Redacted.make(password) }
        )
        assert.instanceOf(token, Tokens.Token)
        assert.deepStrictEqual(token.scopes, ["tokens:read", "tokens:write", "layers:read"])
        const key = Redacted.value(token.key!)
        assert.match(key, /^[0-9a-f]{32}$/)
        assert.notInclude(JSON.stringify(token), key)
        assert.notInclude(String(token), key)
        const [post] = fake.log.entries()
        assert.deepStrictEqual(JSON.parse(post?.body ?? ""), {
          grant_type: "password",
          username,
          password,
          name: "Nightly",
          scope: "tokens:read tokens:write layers:read",
          referrers: ["*.example.com"]
        })
        const withNewKey = Koordinates.layer({ origin: fake.origin, token: token.key! }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
        const mine = yield* Tokens.get(token.id).pipe(Effect.provide(withNewKey))
        assert.strictEqual(mine.name, "Nightly")
        assert.isUndefined(mine.key)
        assert.strictEqual(fake.log.entries().at(-1)?.headers["authorization"], `key ${key}`)
        const updated = yield* Tokens.update(token.id, { scopes: ["catalog"], expiresAt: new Date("2030-01-01T00:00:00Z") })
          .pipe(Effect.provide(withNewKey))
        assert.deepStrictEqual(updated.scopes, ["catalog"])
        assert.strictEqual(updated.expires_at?.toISOString(), "2030-01-01T00:00:00.000Z")
        assert.include((yield* Query.collect(Tokens.list())).map((t) => t.id), token.id)
        yield* Tokens.delete(token.id)
        const refused = yield* failure(Tokens.get(token.id).pipe(Effect.provide(withNewKey)))
        assert.strictEqual(refused._tag, "AuthenticationError")
      })
    ))

  it.live("a wrong password is an AuthenticationError that does not carry the password", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const error = yield* failure(
          Tokens.create({ name: "x" }, { email: fake.store.defaultCredentials.username, password: "wrong-horse" })
        )
        assert.strictEqual(error._tag, "AuthenticationError")
        assert.notInclude(JSON.stringify(error), "wrong-horse")
        assert.notInclude(String(error), "wrong-horse")
      })
    ))
})
