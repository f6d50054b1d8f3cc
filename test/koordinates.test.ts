/**
 * The Koordinates service: option validation, environment fallback, and what it resolves to.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import { failure } from "./support/effect.ts"

const build = (options: Koordinates.KoordinatesOptions) =>
  Effect.provide(
    Effect.map(Koordinates.Koordinates, (k) => k),
    Koordinates.layer(options).pipe(Layer.provide(FetchHttpClient.layer))
  )

const fromEnv = (env: Record<string, string>, options?: Koordinates.KoordinatesOptions) =>
  Effect.provide(
    Effect.map(Koordinates.Koordinates, (k) => k),
    Koordinates.layerConfig(options).pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))
    )
  )

describe("Koordinates.layer", () => {
  it.effect("resolves the API root from a host, with v1.x by default", () =>
    Effect.gen(function*() {
      const k = yield* build({ host: "labs.koordinates.com", token: "abc" })
      assert.strictEqual(k.apiRoot, "https://labs.koordinates.com/services/api/v1.x")
      assert.strictEqual(k.host, "labs.koordinates.com")
      assert.strictEqual(k.apiVersion, Koordinates.defaultApiVersion)
      assert.strictEqual(Redacted.value(k.token), "abc")
      assert.notInclude(String(k.token), "abc")
      assert.notInclude(JSON.stringify({ token: k.token }), "abc")
    }))

  const accepted: ReadonlyArray<readonly [string, string]> = [
    ["LABS.Koordinates.com", "https://labs.koordinates.com"],
    ["test.koordinates.com:8443", "https://test.koordinates.com:8443"],
    ["https://labs.koordinates.com/", "https://labs.koordinates.com"],
    ["https://labs.koordinates.com", "https://labs.koordinates.com"],
    ["https://data.linz.govt.nz/services/api/v1/", "https://data.linz.govt.nz"],
    ["  labs.koordinates.com ", "https://labs.koordinates.com"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://localhost:8080/", "http://localhost:8080"]
  ]
  for (const [host, origin] of accepted) {
    it.effect(`accepts host ${JSON.stringify(host)}`, () =>
      Effect.map(build({ host, token: "t" }), (k) => assert.strictEqual(k.origin, origin)))
  }

  const rejected = [
    "http://labs.koordinates.com",
    "labs koordinates com",
    "labs.koordinates.com/layers/",
    "ftp://labs.koordinates.com",
    "user@labs.koordinates.com",
    "labs.koordinates.com?x=1",
    "labs_koordinates.com",
    "http://10.1.2.3:8080"
  ]
  for (const host of rejected) {
    it.effect(`rejects host ${JSON.stringify(host)} naming the field`, () =>
      Effect.gen(function*() {
        const error = yield* failure(build({ host, token: "t" }))
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, "host")
        assert.include(error.message, "labs.koordinates.com")
      }))
  }

  const badRequestOptions: ReadonlyArray<readonly [Koordinates.KoordinatesOptions, string]> = [
    [{ maxConcurrent: 0 }, "maxConcurrent"],
    [{ maxConcurrent: 2.5 }, "maxConcurrent"],
    [{ retry: { times: -1 } }, "retry.times"],
    [{ retry: { base: "soon" as never } }, "retry.base"],
    [{ timeout: 0 }, "timeout"],
    [{ idleTimeout: -1 }, "idleTimeout"],
    [{ budget: "a while" as never }, "budget"]
  ]
  for (const [options, field] of badRequestOptions) {
    it.effect(`rejects request options ${JSON.stringify(options)} naming ${field}`, () =>
      Effect.gen(function*() {
        const error = yield* failure(build({ host: "labs.koordinates.com", token: "t", ...options }))
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, field)
      }))
  }

  it.effect("holds only what a user configures: the request options as given, the limit; no policy state", () =>
    Effect.gen(function*() {
      const k = yield* build({ host: "labs.koordinates.com", token: "t" })
      assert.deepStrictEqual(Object.keys(k).sort(), [
        "apiRoot", "apiVersion", "host", "httpClient", "maxConcurrent", "origin", "requestOptions", "token"
      ])
      assert.isUndefined(k.maxConcurrent)
      const off = yield* build({ host: "labs.koordinates.com", token: "t", retry: false, timeout: false, idleTimeout: "5 seconds", maxConcurrent: 4 })
      assert.strictEqual(off.requestOptions.retry, false)
      assert.strictEqual(off.requestOptions.timeout, false)
      assert.strictEqual(off.requestOptions.idleTimeout, "5 seconds")
      assert.strictEqual(off.maxConcurrent, 4)
    }))

  it.effect("accepts loopback and https origins, rejects other plain-http ones", () =>
    Effect.gen(function*() {
      for (const origin of ["http://127.0.0.1:8080", "http://localhost:3000", "https://example.org", "http://[::1]:9"]) {
        const k = yield* build({ origin, token: "t" })
        assert.strictEqual(k.apiRoot, `${new URL(origin).origin}/services/api/v1.x`)
      }
      for (const origin of ["http://example.org", "http://10.0.0.1:80", "http://127.0.0.1:8080/api", "not a url"]) {
        const error = yield* failure(build({ origin, token: "t" }))
        assert.strictEqual(error.field, "origin")
      }
    }))

  it.effect("rejects a bad API version, a token with spaces, and no token at all", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* failure(build({ host: "a.b", token: "t", apiVersion: "2" }))).field, "apiVersion")
      assert.strictEqual((yield* failure(build({ host: "a.b", token: "two words" }))).field, "token")
      const missing = yield* failure(build({ host: "a.b" }))
      assert.strictEqual(missing.field, "token")
      assert.include(missing.message, "KOORDINATES_TOKEN")
      assert.strictEqual((yield* failure(build({ host: "a.b", token: "" }))).field, "token")
      assert.strictEqual((yield* failure(build({ token: "t" }))).field, "host")
    }))

  it.effect("accepts a Redacted token and another API version", () =>
    Effect.gen(function*() {
      const k = yield* build({ host: "a.b", token: Redacted.make("secret"), apiVersion: "v1" })
      assert.strictEqual(k.apiRoot, "https://a.b/services/api/v1")
      assert.strictEqual(Redacted.value(k.token), "secret")
    }))
})

describe("Koordinates.layerConfig", () => {
  it.effect("reads host, token and API version from the environment", () =>
    Effect.gen(function*() {
      const k = yield* fromEnv({
        KOORDINATES_HOST: "test.koordinates.com",
        KOORDINATES_TOKEN: "from-env",
        KOORDINATES_API_VERSION: "v1"
      })
      assert.strictEqual(k.apiRoot, "https://test.koordinates.com/services/api/v1")
      assert.strictEqual(Redacted.value(k.token), "from-env")
    }))

  it.effect("lets explicit options win over the environment", () =>
    Effect.gen(function*() {
      const k = yield* fromEnv({ KOORDINATES_HOST: "env.example", KOORDINATES_TOKEN: "from-env" }, {
        host: "labs.koordinates.com",
        token: "explicit"
      })
      assert.strictEqual(k.host, "labs.koordinates.com")
      assert.strictEqual(Redacted.value(k.token), "explicit")
    }))

  it.effect("falls back to the environment for an empty token", () =>
    Effect.map(
      fromEnv({ KOORDINATES_HOST: "a.b", KOORDINATES_TOKEN: "env" }, { token: "" }),
      (k) => assert.strictEqual(Redacted.value(k.token), "env")
    ))

  it.effect("fails naming KOORDINATES_TOKEN when no token is anywhere", () =>
    Effect.gen(function*() {
      const error = yield* failure(fromEnv({ KOORDINATES_HOST: "a.b" }))
      assert.strictEqual(error._tag, "ClientValidationError")
      assert.include(error.message, "KOORDINATES_TOKEN")
      const noHost = yield* failure(fromEnv({ KOORDINATES_TOKEN: "t" }))
      assert.include(noHost.message, "KOORDINATES_HOST")
    }))
})
