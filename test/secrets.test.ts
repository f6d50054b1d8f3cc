/**
 * The token and token-create passwords never leak. test/support/secrets.ts scans every log
 * line, span and failure of the whole suite for them, and checks that every request
 * carrying `Authorization` goes to the configured origin; these tests prove that scan can
 * fail (planted leaks are flagged in each place it looks), that it sees a real client
 * failure, and that an export download sent through a third host carries the token
 * nowhere but the configured origin.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as TestConsole from "effect/testing/TestConsole"
import * as crypto from "node:crypto"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Tokens from "@koordinates-effect/client/Tokens"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"
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
        fake.store.setExportSize(50_000)
        const layer = yield* Layers.get(fake.store.addLayer({ name: "Roads" }).id)
        const created = yield* Exports.create({
          crs: "EPSG:2193",
          formats: { vector: "application/x-zipped-shp" },
          items: [{ item: layer.url }]
        })
        const done = yield* Exports.waitForExport(created.id, { schedule: Schedule.spaced("5 millis") })
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
