/**
 * The request layer, driven through real API calls against FakeKoordinates: headers,
 * status → tagged error, messages from every body shape, redirects, Location follow-ups,
 * decode failures and transport failures.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpBody from "effect/http/HttpBody"
import * as fs from "node:fs"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Http from "../packages/client/src/internal/http.ts"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"
import { recorder } from "./support/recorder.ts"

const layerPath = /\/layers\/\d+\/$/
const packageVersion = JSON.parse(fs.readFileSync(new URL("../packages/client/package.json", import.meta.url), "utf8"))
  .version as string

describe("requests", () => {
  it.live("go to the API root with the token, Accept and User-Agent, and nothing else", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Wellington Roads" })
        const layer = yield* Layers.get(record.id)
        assert.strictEqual(layer.name, "Wellington Roads")
        const [entry, ...rest] = fake.log.entries()
        assert.lengthOf(rest, 0)
        assert.strictEqual(entry?.method, "GET")
        assert.strictEqual(entry?.path, `/services/api/v1.x/layers/${record.id}/`)
        assert.strictEqual(entry?.headers["authorization"], "key test-token")
        assert.strictEqual(entry?.headers["accept"], "application/json")
        assert.strictEqual(entry?.headers["user-agent"], `koordinates-effect/${packageVersion}`)
        assert.isUndefined(entry?.headers["expand"])
        assert.isUndefined(entry?.headers["traceparent"])
        assert.isUndefined(entry?.headers["b3"])
      })
    ))

  it.live("use the configured API version", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          yield* Layers.get(record.id)
          assert.strictEqual(fake.log.entries()[0]?.path, `/services/api/v1/layers/${record.id}/`)
        }),
      { apiVersion: "v1" }
    ))
})

describe("error statuses", () => {
  const table: ReadonlyArray<readonly [number, string]> = [
    [400, "BadRequest"],
    [401, "AuthenticationError"],
    [402, "ServerError"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [405, "NotAllowed"],
    [409, "Conflict"],
    [410, "Gone"],
    [418, "ServerError"],
    [422, "BadRequest"],
    [429, "RateLimitExceeded"],
    [500, "InternalServerError"],
    [501, "ServerError"],
    [502, "ServiceUnavailable"],
    [503, "ServiceUnavailable"],
    [504, "ServiceUnavailable"]
  ]
  for (const [status, tag] of table) {
    it.live(`${status} → ${tag}, with the method, the URL and the server's message`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          fake.inject({ path: layerPath, status, body: { detail: `status ${status} said so` } })
          const error = yield* failure(Layers.get(record.id))
          assert.strictEqual(error._tag, tag)
          if (error._tag === "ClientValidationError" || error._tag === "TransportError" || error._tag === "TimeoutError") return assert.fail(error._tag)
          if (error._tag === "RedirectError") return assert.fail(error._tag)
          assert.strictEqual(error.message, `status ${status} said so`)
          assert.strictEqual(error.method, "GET")
          assert.strictEqual(error.url, `${fake.origin}/services/api/v1.x/layers/${record.id}/`)
          if (error._tag !== "ResponseDecodeError") assert.strictEqual(error.status, status)
        })
      ))
  }

  const bodies: ReadonlyArray<readonly [string, unknown, string]> = [
    ["error", { error: "Layer is locked" }, "Layer is locked"],
    ["detail", { detail: "No valid datasources to import" }, "No valid datasources to import"],
    ["errors.detail", { errors: { detail: "Bad page" } }, "Bad page"],
    ["errors list", { errors: ["one", "two"] }, "one; two"],
    [
      "field errors, sorted",
      { number: ["Value must be >10", "Value must be <100"], autoupdate_schedule: "Required when autoupdate is on." },
      "autoupdate_schedule: Required when autoupdate is on.\nnumber: Value must be >10; Value must be <100"
    ],
    ["plain text", "Try again later", "Try again later"],
    ["an HTML page", "<html><body>Bad Gateway</body></html>", "HTTP 400 from GET"],
    ["an empty body", "", "HTTP 400 from GET"]
  ]
  for (const [shape, body, message] of bodies) {
    it.live(`take the message from ${shape}`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          fake.inject({ path: layerPath, status: 400, body })
          const error = yield* failure(Layers.get(record.id))
          assert.strictEqual(error._tag, "BadRequest")
          assert.include(error.message, message)
        })
      ))
  }

  it.live("keep field errors as a map on BadRequest", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 400, body: { url_remote: ["Invalid URL: Can't resolve host."] } })
        const error = yield* failure(Layers.get(record.id))
        assert.strictEqual(error._tag, "BadRequest")
        if (error._tag === "BadRequest") {
          assert.deepStrictEqual(error.fields, { url_remote: ["Invalid URL: Can't resolve host."] })
        }
      })
    ))

  it.live("429 carries Retry-After, in seconds or as an HTTP date", () =>
    Effect.gen(function*() {
      // One fake each: a 429 holds back the next request of the same client until Retry-After.
      const told = (retryAfter: string) =>
        withFake((fake) =>
          Effect.gen(function*() {
            const record = fake.store.addLayer()
            fake.inject({ path: layerPath, status: 429, headers: { "Retry-After": retryAfter }, body: { detail: "Slow down" } })
            const error = yield* failure(Layers.get(record.id))
            if (error._tag !== "RateLimitExceeded") return assert.fail(error._tag)
            assert.strictEqual(error.message, "Slow down")
            return error.retryAfter
          })
        )
      assert.strictEqual(yield* told("7"), 7)
      const dated = (yield* told(new Date(Date.now() + 30_000).toUTCString())) ?? 0
      assert.isAtLeast(dated, 28)
      assert.isAtMost(dated, 31)
    }))

  it.live("401 from the server for an unknown token", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const error = yield* failure(Layers.get(fake.store.addLayer().id))
          assert.strictEqual(error._tag, "AuthenticationError")
        }),
      { token: "not-a-token", tokens: { "real-token": ["layers:read"] } }
    ))

  it.live("403 for a token lacking the scope is InvalidTokenScope, naming both scope lists", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const error = yield* failure(Layers.get(fake.store.addLayer().id))
          if (error._tag !== "InvalidTokenScope") return assert.fail(error._tag)
          assert.deepStrictEqual(error.requiredScopes, ["layers:read"])
          assert.deepStrictEqual(error.tokenScopes, ["catalog"])
          assert.include(error.message, "layers:read")
        }),
      { tokens: { "catalog-only": ["catalog"] } }
    ))

  it.live("403 without scope headers stays Forbidden", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 403, body: { detail: "Private layer" } })
        const error = yield* failure(Layers.get(record.id))
        assert.strictEqual(error._tag, "Forbidden")
      })
    ))

  it.live("never carry the token, in fields, message, JSON or string form", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          for (const status of [400, 401, 404, 429, 503]) {
            fake.inject({ path: layerPath, status, body: { detail: "no" } })
            const error = yield* failure(Layers.get(record.id))
            for (const text of [JSON.stringify(error), String(error), error.message, JSON.stringify({ ...error })]) {
              assert.notInclude(text, "sekret-token-value")
            }
          }
        }),
      { token: "sekret-token-value", tokens: { "sekret-token-value": ["layers:read"] } }
    ))
})

describe("redirects", () => {
  it.live("on the same origin are followed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Moved" })
        fake.inject({
          path: "/services/api/v1.x/layers/999999/",
          status: 301,
          headers: { Location: `/services/api/v1.x/layers/${record.id}/` }
        })
        const layer = yield* Layers.get(999999)
        assert.strictEqual(layer.name, "Moved")
        assert.deepStrictEqual(fake.log.entries().map((e) => e.path), [
          "/services/api/v1.x/layers/999999/",
          `/services/api/v1.x/layers/${record.id}/`
        ])
        assert.strictEqual(fake.log.entries()[1]?.headers["authorization"], "key test-token")
      })
    ))

  it.live("to another origin fail with RedirectError, and the other origin is never called", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const other = yield* recorder
        const record = fake.store.addLayer()
        fake.inject({ path: layerPath, status: 302, headers: { Location: `${other.origin}/steal/` } })
        const error = yield* failure(Layers.get(record.id))
        if (error._tag !== "RedirectError") return assert.fail(error._tag)
        assert.strictEqual(error.location, `${other.origin}/steal/`)
        assert.include(error.message, other.origin)
        assert.lengthOf(other.hits, 0)
      }).pipe(Effect.scoped)
    ))

  it.live("stop after 5 hops", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const path = `/services/api/v1.x/layers/${record.id}/`
        fake.inject({ path, status: 307, headers: { Location: path }, times: 10 })
        const error = yield* failure(Layers.get(record.id))
        assert.strictEqual(error._tag, "RedirectError")
        assert.lengthOf(fake.log.entries(), 6)
      })
    ))
})

describe("POST follow-up", () => {
  const post = (path: string) =>
    Http.send({ method: "POST", path, body: HttpBody.jsonUnsafe({ name: "x" }) }).pipe(
      Effect.flatMap((response) => Http.decodeJson(response, Layers.Layer))
    )

  it.live("201 with Location is followed by a GET of the location", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Created" })
        fake.inject({
          method: "POST",
          path: "/services/api/v1.x/layers/",
          status: 201,
          headers: { Location: `${fake.origin}/services/api/v1.x/layers/${record.id}/` }
        })
        const layer = yield* post("/layers/")
        assert.strictEqual(layer.name, "Created")
        const [sent, followed] = fake.log.entries()
        assert.strictEqual(sent?.method, "POST")
        assert.strictEqual(sent?.body, JSON.stringify({ name: "x" }))
        assert.strictEqual(sent?.headers["content-type"], "application/json")
        assert.strictEqual(followed?.method, "GET")
        assert.strictEqual(followed?.path, `/services/api/v1.x/layers/${record.id}/`)
      })
    ))

  it.live("a Location on another origin is refused", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const other = yield* recorder
        fake.inject({ method: "POST", path: "/services/api/v1.x/layers/", status: 202, headers: { Location: other.origin } })
        const error = yield* failure(post("/layers/"))
        assert.strictEqual(error._tag, "RedirectError")
        assert.lengthOf(other.hits, 0)
      }).pipe(Effect.scoped)
    ))

  it.live("200 with Location, and PUT with 201, are not followed", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Body" })
        const body = yield* Effect.promise(() =>
          fetch(`${fake.origin}/services/api/v1.x/layers/${record.id}/`, {
            headers: { authorization: "key test-token" }
          }).then((r) => r.json())
        )
        fake.clearInjections()
        fake.log.clear()
        const location = { Location: `${fake.origin}/services/api/v1.x/layers/1/` }
        fake.inject({ method: "POST", path: "/services/api/v1.x/layers/", status: 200, headers: location, body })
        fake.inject({ method: "PUT", path: "/services/api/v1.x/layers/", status: 201, headers: location, body })
        assert.strictEqual((yield* post("/layers/")).name, "Body")
        const put = yield* Http.json({ method: "PUT", path: "/layers/" }, Layers.Layer)
        assert.strictEqual(put.name, "Body")
        assert.deepStrictEqual(fake.log.entries().map((e) => e.method), ["POST", "PUT"])
      })
    ))
})

describe("bad replies", () => {
  const rawLayer = (origin: string, id: number) =>
    Effect.promise(() =>
      fetch(`${origin}/services/api/v1.x/layers/${id}/`, { headers: { authorization: "key test-token" } }).then((r) =>
        r.json() as Promise<Record<string, unknown>>
      )
    )

  it.live("a value that does not match the model names where", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const body = yield* rawLayer(fake.origin, record.id)
        fake.inject({ path: layerPath, status: 200, body: { ...body, group: { ...(body["group"] as object), id: "119" } } })
        const error = yield* failure(Layers.get(record.id))
        if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
        assert.strictEqual(error.path, "group.id")
        assert.include(error.message, "Expected number")
        assert.include(error.message, `"119"`)
        assert.strictEqual(error.status, 200)
      })
    ))

  it.live("a timestamp the API never sends is refused at its path", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer()
        const body = yield* rawLayer(fake.origin, record.id)
        fake.inject({ path: layerPath, status: 200, body: { ...body, created_at: "yesterday" } })
        const error = yield* failure(Layers.get(record.id))
        if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
        assert.strictEqual(error.path, "created_at")
      })
    ))

  for (const [what, body] of [["HTML", "<html>oops</html>"], ["truncated JSON", "{\"id\": 1, \"na"], ["empty", ""]]) {
    it.live(`a ${what} body where JSON was due is a ResponseDecodeError`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const record = fake.store.addLayer()
          fake.inject({ path: layerPath, status: 200, body: body!, headers: { "content-type": "text/html" } })
          const error = yield* failure(Layers.get(record.id))
          if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
          assert.include(error.message, "not JSON")
        })
      ))
  }

  it.live("JSON is read whatever the Content-Type says", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addLayer({ name: "Plain" })
        const body = yield* rawLayer(fake.origin, record.id)
        fake.inject({ path: layerPath, status: 200, body: JSON.stringify(body), headers: { "content-type": "text/plain" } })
        assert.strictEqual((yield* Layers.get(record.id)).name, "Plain")
      })
    ))

  it.live("no server at all is a TransportError", () =>
    Effect.gen(function*() {
      const error = yield* failure(Layers.get(1).pipe(
        Effect.provide(
          Koordinates.layer({ origin: "http://127.0.0.1:9", token: "t" }).pipe(Layer.provide(FetchHttpClient.layer))
        )
      ))
      if (error._tag !== "TransportError") return assert.fail(error._tag)
      assert.strictEqual(error.url, "http://127.0.0.1:9/services/api/v1.x/layers/1/")
      assert.strictEqual(error.method, "GET")
    }))
})
