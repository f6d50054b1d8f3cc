/**
 * The token and token-create passwords never leak. test/support/secrets.ts scans every log
 * line, span and failure of the whole suite for them, and checks that every request
 * carrying `Authorization` goes to the configured origin; these tests prove that scan can
 * fail (planted leaks are flagged in each place it looks), that it sees a real client
 * failure, that an export download sent through a third host carries the token
 * nowhere but the configured origin, and that a server repeating the token (or a
 * password) in its replies gets it masked in every error made from them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as TestConsole from "effect/testing/TestConsole"
import * as crypto from "node:crypto"
import type { IncomingMessage } from "node:http"
import { inspect } from "node:util"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as Tokens from "@koordinates-effect/client/Tokens"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { completeExport, exportAt } from "./support/exports.ts"
import { withFake } from "./support/fake.ts"
import { type Handler, hostileServer } from "./support/hostile.ts"
import { registerSecret, scanned, secretLabel, takeFindings } from "./support/secrets.ts"

const planted = "planted-4e1d9c7a"
const plantedLabel = "the planted secret"

describe("the secret scan", () => {
  it.live("flags a planted secret in a debug log line, a span attribute and event, a failure and a defect", () =>
    Effect.gen(function*() {
      registerSecret(planted, plantedLabel)
      const before = scanned()
      yield* Effect.logDebug(`retrying with ${planted}`)
      const failing = Effect.gen(function*() {
        yield* Effect.annotateCurrentSpan("planted.attribute", planted)
        const span = yield* Effect.currentSpan
        span.event("planted.event", 0n, { value: planted })
        return yield* Effect.fail(new Error(`failed with ${planted}`))
      }).pipe(Effect.withSpan("secrets.failing"))
      yield* Effect.exit(failing)
      yield* Effect.exit(Effect.die({ reason: planted }).pipe(Effect.withSpan("secrets.dying")))
      const after = scanned()
      const findings = takeFindings()

      assert.strictEqual(after.logs - before.logs, 1)
      assert.strictEqual(after.spans - before.spans, 2)
      assert.strictEqual(after.failures - before.failures, 2)
      const places = new Set(findings.map((finding) => `${finding.item} / ${finding.where.replace(/ \(.*\)$/, "")}`))
      assert.deepStrictEqual([...places].sort(), [
        "log Debug / message part 0",
        "span \"secrets.dying\" exit / Cause.pretty",
        "span \"secrets.dying\" exit / defect object",
        "span \"secrets.failing\" / attribute planted.attribute",
        "span \"secrets.failing\" / event planted.event attributes",
        "span \"secrets.failing\" exit / Cause.pretty",
        "span \"secrets.failing\" exit / failure Error"
      ])
      for (const finding of findings) {
        assert.strictEqual(finding.secret, plantedLabel)
        assert.notInclude(finding.excerpt, planted)
        assert.include(finding.excerpt, `«${plantedLabel}»`)
        assert.include(finding.test, "flags a planted secret")
      }
    }))

  it.live("flags Authorization sent to a host other than the configured one, and only that", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const before = scanned()
        const headers = { authorization: `key ${FakeKoordinates.defaultToken}` }
        yield* HttpClient.get(`${fake.origin}/services/api/v1.x/data/`, { headers })
        yield* HttpClient.get(`${fake.storageOrigin}/exports/1/planted.zip`, { headers })
        yield* HttpClient.get(`${fake.storageOrigin}/exports/1/planted.zip`)
        const findings = takeFindings()
        assert.strictEqual(scanned().requests - before.requests, 3)
        assert.deepStrictEqual(findings.map((finding) => [finding.secret, finding.where, finding.excerpt]), [[
          "Authorization",
          `request to ${fake.storageOrigin}`,
          `Authorization sent to ${fake.storageOrigin}, but the configured origin is ${fake.origin}`
        ]])
      }).pipe(Effect.provide(FetchHttpClient.layer))
    ))

  it.live("sees a failing client call: its spans, its NotFound and its request, with nothing leaked", () =>
    withFake(() =>
      Effect.gen(function*() {
        const before = scanned()
        const error = yield* failure(Layers.get(987654))
        assert.strictEqual(error._tag, "NotFound")
        const after = scanned()
        assert.isAtLeast(after.spans - before.spans, 2)
        // the NotFound, and the failure Effect ends a 4xx HTTP client span with
        assert.isAtLeast(after.failures - before.failures, 1)
        assert.strictEqual(after.requests - before.requests, 1)
        assert.deepStrictEqual(takeFindings(), [])
      })
    ))

  it.effect("captures Debug lines without printing them; the console prints what it printed before", () =>
    Effect.gen(function*() {
      const before = scanned().logs
      yield* Effect.logDebug("captured, not printed")
      yield* Effect.logInfo("captured and printed")
      yield* Effect.logDebug("printed at the test's own level").pipe(
        Effect.provideService(References.MinimumLogLevel, "Debug")
      )
      assert.strictEqual(scanned().logs - before, 3)
      const printed = JSON.stringify(yield* TestConsole.logLines)
      assert.notInclude(printed, "captured, not printed")
      assert.include(printed, "captured and printed")
      assert.include(printed, "printed at the test's own level")
    }))

  it.live("knows the fake's configured and issued keys, user passwords and the client's own token", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const { username, password } = fake.store.defaultCredentials
        assert.isDefined(secretLabel(password))
        assert.isDefined(secretLabel(FakeKoordinates.defaultToken))
        const token = yield* Tokens.create({ name: "Scan" }, { email: username, password: Redacted.make(password) })
        assert.include(secretLabel(Redacted.value(token.key!)) ?? "", "the key of the fake's token")
        const stranger = Koordinates.layer({ origin: fake.origin, token: "unknown-to-the-fake" }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
        const refused = yield* failure(Layers.get(1).pipe(Effect.provide(stranger)))
        assert.strictEqual(refused._tag, "AuthenticationError")
        assert.strictEqual(secretLabel("unknown-to-the-fake"), "the Koordinates token")
      })
    ))
})

describe("no request to a host other than the configured one carries Authorization", () => {
  it.live("an export download sent through a third host reaches storage, with the token only on the API", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const done = yield* completeExport(50_000)
        const downloadUrl = new URL(done.download_url ?? "", fake.origin)
        const signed = yield* Effect.promise(() =>
          fetch(downloadUrl, {
            redirect: "manual",
            headers: { authorization: `key ${FakeKoordinates.defaultToken}` }
          })
        ).pipe(Effect.map((response) => response.headers.get("location") ?? ""))
        assert.strictEqual(new URL(signed).origin, fake.storageOrigin)
        const relay = yield* Effect.acquireRelease(
          Effect.promise(() => FakeKoordinates.startServer({ catalogSize: 0 })),
          (server) => Effect.promise(() => server.close())
        )
        fake.inject({ path: downloadUrl.pathname, status: 302, headers: { Location: `${relay.origin}/relay/` } })
        relay.inject({ path: "/relay/", status: 307, headers: { Location: signed } })
        fake.log.clear()
        fake.storageLog.clear()

        const bytes = Buffer.concat(yield* Stream.runCollect(Exports.download(done)))

        assert.strictEqual(crypto.createHash("sha256").update(bytes).digest("hex"), FakeKoordinates.exportSha256(done.id, 50_000))
        const api = fake.log.entries()
        assert.include(api.map((entry) => entry.path), downloadUrl.pathname)
        for (const entry of api) assert.strictEqual(entry.headers["authorization"], `key ${FakeKoordinates.defaultToken}`)
        assert.deepStrictEqual(relay.log.entries().map((entry) => [entry.path, entry.headers["authorization"]]), [
          ["/relay/", undefined]
        ])
        assert.deepStrictEqual(fake.storageLog.entries().map((entry) => entry.headers["authorization"]), [undefined])
      }).pipe(Effect.scoped)
    ))
})

/** A token with characters that JSON and URLs escape, so every form of it is tried. */
const echoedToken = "echo-\"tok/en+=9f3a"
/** The forms an echoed token could take in an error's text. */
const forms = [echoedToken, JSON.stringify(echoedToken).slice(1, -1), encodeURIComponent(echoedToken)]
const echoPassword = "echo-password-7c21"

/** Replies that repeat what the request carried: the token from its Authorization header, a password from its body. */
const echoes: ReadonlyArray<{
  readonly reply: string
  readonly handler: (secret: string, origin: string) => Handler
  readonly call: (origin: string) => Effect.Effect<unknown, unknown, Koordinates.Koordinates>
  readonly fails: string
}> = [
  {
    reply: "a 401 whose JSON detail repeats the token",
    handler: (secret) => reply(401, { detail: `Invalid token: ${secret}` }),
    call: () => Layers.get(1),
    fails: "AuthenticationError"
  },
  {
    reply: "a 400 whose field errors repeat it, in a key and a message",
    handler: (secret) => reply(400, { name: [`${secret} is taken`], [secret]: ["unknown field"] }),
    call: () => Layers.create({ name: "Roads", data: { datasources: [1] } }),
    fails: "BadRequest"
  },
  {
    reply: "a 500 whose plain-text body repeats it, JSON-escaped",
    handler: (secret) => reply(500, `failed for ${JSON.stringify(secret)}`, "text/plain"),
    call: () => Layers.get(1),
    fails: "InternalServerError"
  },
  {
    reply: "a 200 HTML page that repeats it",
    handler: (secret) => reply(200, `<html><body>Signed in with ${secret}</body></html>`, "text/html"),
    call: () => Layers.get(1),
    fails: "ResponseDecodeError"
  },
  {
    reply: "a 200 JSON object with the token where a number was due",
    handler: (secret) => reply(200, { id: secret, url: "x", type: "layer", name: "Roads" }),
    call: () => Layers.get(1),
    fails: "ResponseDecodeError"
  },
  {
    reply: "a 403 whose scope headers repeat it",
    handler: (secret) => reply(403, { detail: "forbidden" }, "application/json", { "accepted-oauth-scopes": secret, "oauth-scopes": "layers:read" }),
    call: () => Layers.get(1),
    fails: "InvalidTokenScope"
  },
  {
    reply: "a redirect to another origin with the token in its query",
    handler: (secret) => reply(302, "", "text/plain", { location: `https://elsewhere.example/?key=${encodeURIComponent(secret)}` }),
    call: () => Layers.get(1),
    fails: "RedirectError"
  },
  {
    reply: "a Link that does not parse and repeats the token",
    handler: (secret) => reply(200, [], "application/json", { link: `<http://[::1/${secret}>; rel="page-next"` }),
    call: () => Query.collect(Layers.list()),
    fails: "ResponseDecodeError"
  },
  {
    reply: "a next page on the same origin whose URL carries the token (not requested)",
    handler: (secret, origin) =>
      reply(200, [{ id: 1, url: `${origin}/layers/1/`, type: "layer", name: "Roads", first_published_at: null, published_at: null }], "application/json", {
        link: `<${origin}/services/api/v1.x/layers/?page=2&key=${encodeURIComponent(secret)}>; rel="page-next"`
      }),
    call: () => Query.collect(Layers.list()),
    fails: "RedirectError"
  },
  {
    reply: "a Content-Range that repeats the token, on a resumed download",
    handler: (secret) => (request, response, index, body) => {
      if (index === 0) {
        response.writeHead(200, { "content-type": "application/zip", "content-length": "100", etag: "\"v1\"" })
        return response.write(new Uint8Array(40), () => response.destroy())
      }
      return reply(206, "rest", "application/zip", { "content-range": `bytes ${secret}`, etag: "\"v1\"" })(request, response, index, body)
    },
    call: (origin) =>
      Stream.runDrain(Exports.download(exportAt(`${origin}/services/api/v1.x/exports/7/download/`))),
    fails: "DownloadError"
  },
  {
    reply: "a token create refused with a message that repeats the password",
    handler: () => (request, response, index, body) =>
      reply(400, { password: [`${JSON.parse(body.toString() || "{}").password} is too weak`] })(request, response, index, body),
    call: () => Tokens.create({ name: "CI" }, { email: "me@example.com", password: echoPassword }),
    fails: "BadRequest"
  }
]

/** The token a request carried (`key …`), or "". */
const carried = (request: IncomingMessage) => String(request.headers["authorization"] ?? "").replace(/^key /, "")

const reply = (status: number, body: unknown, type = "application/json", headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    response.writeHead(status, { "content-type": type, ...headers })
    response.end(typeof body === "string" ? body : JSON.stringify(body))
  }

describe("a server that echoes the token (or a password) gets it masked in every error", () => {
  for (const { reply: what, handler, call, fails } of echoes) {
    it.live(`${what} → ${fails}, masked`, () =>
      Effect.gen(function*() {
        let origin = ""
        const server = yield* hostileServer((request, response, index, body) =>
          handler(carried(request), origin)(request, response, index, body)
        )
        origin = server.origin
        registerSecret(echoPassword, "the echoed password")
        const client = Koordinates.layer({ origin, token: echoedToken, retry: { times: 1, base: "1 millis" } }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
        const error = (yield* failure(call(origin).pipe(Effect.provide(client)))) as { _tag: string; message: string }
        assert.strictEqual(error._tag, fails, error.message)
        const texts = [String(error), error.message, JSON.stringify(error), inspect(error, { depth: 5 }), Cause.pretty(Cause.fail(error))]
        for (const text of texts) {
          for (const form of [...forms, echoPassword]) assert.notInclude(text, form)
        }
        assert.isTrue(texts.some((text) => text.includes("<redacted>")), `the error says where the secret was: ${error.message}`)
        assert.isAtMost(server.received.length, 3)
        assert.isFalse(server.received.some((r) => r.url.includes("key=")), "no request whose URL carries the token")
        assert.deepStrictEqual(takeFindings(), [])
      }).pipe(Effect.scoped))
  }
})

describe("the secret scan: keys in data-service URLs", () => {
  it.live("flags a key of any value in ?key=, &key=, ;key= and their encoded forms, and leaves masked ones alone", () =>
    Effect.gen(function*() {
      const urls = [
        "https://example.com/services/query/v1/vector.json?key=unknown0key1&layer=1",
        "https://example.com/services/query/v1/vector.json?layer=1&key=unknown0key2",
        "https://example.com/services;key=unknown0key3/wfs",
        "https%3A%2F%2Fexample.com%2Fservices%3Bkey%3Dunknown0key4%2Fwfs"
      ]
      for (const [index, url] of urls.entries()) {
        yield* Effect.annotateCurrentSpan(`planted.url.${index}`, url).pipe(Effect.withSpan("secrets.urlKey"))
      }
      yield* Effect.annotateCurrentSpan("masked", "https://example.com/services;key=<redacted>/wfs?key=<redacted>&x=REDACTED").pipe(
        Effect.withSpan("secrets.maskedKey")
      )
      const findings = takeFindings()
      assert.deepStrictEqual(findings.map((f) => [f.item, f.where.replace(/ \(.*\)$/, ""), f.secret]), urls.map((_, index) => [
        `span "secrets.urlKey"`,
        `attribute planted.url.${index}`,
        "a key in a URL"
      ]))
      for (const finding of findings) assert.notInclude(finding.excerpt, "unknown0key")
    }))
})
