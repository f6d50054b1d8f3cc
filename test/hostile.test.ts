/**
 * Requests against servers that misbehave on purpose: a streamed upload is never sent
 * twice, whatever the server answers; nothing waits forever — not a body that stalls after
 * its headers, not a trickle that never ends, not an upload that is never answered.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type { ServerResponse } from "node:http"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Query from "@koordinates-effect/client/Query"
import * as Sources from "@koordinates-effect/client/Sources"
import { exportAt } from "./support/exports.ts"
import { type Handler, type Hostile, hostileServer, pattern } from "./support/hostile.ts"

const token = "hostile-test-token"
const client = (server: Hostile, options: Koordinates.RequestOptions = {}) =>
  Koordinates.layer({ origin: server.origin, token, retry: false, ...options }).pipe(Layer.provide(FetchHttpClient.layer))

/** How long `effect` took, in ms, with its outcome. */
const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = Date.now()
    const outcome = yield* Effect.result(effect)
    return { outcome, ms: Date.now() - start }
  })

const failedWith = (outcome: { readonly _tag: string; readonly failure?: { readonly _tag: string; readonly message: string } }) =>
  outcome._tag === "Failure" ? outcome.failure!._tag : "Success"

const upload = (bytes: number): Sources.NewUpload => ({
  title: "Roads",
  files: [{ stream: Stream.make(new Uint8Array(pattern(bytes))), uploadPath: "roads.csv", size: bytes }]
})

const sourceReply = (server: Hostile) => ({
  id: 9,
  url: `${server.origin}/services/api/v1.x/sources/9/`,
  title: "Roads",
  type: "upload"
})

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

describe("a streamed upload is never sent twice", () => {
  for (const status of [307, 308]) {
    it.live(`a same-origin ${status} to the upload is a RedirectError naming it, after one request`, () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response, index) =>
          index === 0
            ? (response.writeHead(status, { location: "/services/api/v1.x/sources/again/" }), response.end())
            : json(response, 201, sourceReply(server))
        )
        const { outcome } = yield* timed(Sources.createUpload(upload(4_000)).pipe(Effect.provide(client(server))))
        assert.strictEqual(failedWith(outcome), "RedirectError")
        if (outcome._tag === "Failure") {
          assert.include(outcome.failure.message, String(status))
          assert.include(outcome.failure.message, "never sent twice")
          assert.strictEqual((outcome.failure as { location?: string }).location, `${server.origin}/services/api/v1.x/sources/again/`)
        }
        assert.deepStrictEqual(server.received.map((r) => [r.method, r.url]), [["POST", "/services/api/v1.x/sources/"]])
        assert.isAbove(server.received[0]!.bodyLength, 4_000)
      }).pipe(Effect.scoped))
  }

  it.live("with retries on, a 503 or a reset after the upload is final: one request", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response, index) =>
        index === 0 ? response.destroy() : json(response, 503, { detail: "busy" })
      )
      const layer = client(server, { retry: { times: 3, base: "1 millis" } })
      const first = yield* timed(Sources.createUpload(upload(4_000)).pipe(Effect.provide(layer)))
      assert.strictEqual(failedWith(first.outcome), "TransportError")
      const second = yield* timed(Sources.createUpload(upload(4_000)).pipe(Effect.provide(layer)))
      assert.strictEqual(failedWith(second.outcome), "ServiceUnavailable")
      assert.strictEqual(server.received.length, 2)
    }).pipe(Effect.scoped))

  it.live("a JSON POST, which can be sent again, still follows a same-origin 307 with its body", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response, index) =>
        index === 0
          ? (response.writeHead(307, { location: "/services/api/v1.x/sources/again/" }), response.end())
          : json(response, 201, sourceReply(server))
      )
      const created = yield* Sources.create({ type: "arcgis", title: "Roads", url_remote: "https://gis.example.com/arcgis" }).pipe(
        Effect.provide(client(server))
      )
      assert.strictEqual(created.id, 9)
      assert.deepStrictEqual(server.received.map((r) => [r.method, r.url]), [
        ["POST", "/services/api/v1.x/sources/"],
        ["POST", "/services/api/v1.x/sources/again/"]
      ])
      assert.strictEqual(server.received[1]!.bodyLength, server.received[0]!.bodyLength)
    }).pipe(Effect.scoped))
})

/** Headers and `sent` bytes of a `length`-byte body, then silence. */
const stallAfter = (sent: number, length: number, headers: Record<string, string> = {}): Handler => (_request, response) => {
  response.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(length), ...headers })
  response.write(pattern(length).subarray(0, sent))
}

const idle = { idleTimeout: "300 millis" } as const

describe("a body that stalls after its headers ends in TimeoutError", () => {
  it.live("a download, with retries off: TimeoutError after the idle timeout", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer(stallAfter(100, 1_000))
      const { outcome, ms } = yield* timed(Stream.runDrain(Exports.download(exportAt(`${server.origin}/download/7.zip`))).pipe(
        Effect.provide(client(server, idle))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isAtLeast(ms, 250)
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a download, with retries on: resumed from where it stalled, each resumption stalling, then TimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer(stallAfter(100, 1_000, { etag: "\"v1\"" }))
      const { outcome, ms } = yield* timed(Stream.runDrain(Exports.download(exportAt(`${server.origin}/download/7.zip`))).pipe(
        Effect.provide(client(server, { ...idle, retry: { times: 2, base: "1 millis" } }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.deepStrictEqual(server.received.map((r) => r.headers["range"]), [undefined, "bytes=100-", "bytes=100-"])
      assert.isBelow(ms, 5_000)
    }).pipe(Effect.scoped))

  it.live("a download that stalls once is resumed and completes", () =>
    Effect.gen(function*() {
      const file = pattern(1_000)
      const server = yield* hostileServer((request, response, index, body) => {
        if (index === 0) return stallAfter(100, 1_000, { etag: "\"v1\"" })(request, response, index, body)
        response.writeHead(206, { "content-type": "application/octet-stream", "content-range": "bytes 100-999/1000", etag: "\"v1\"" })
        response.end(file.subarray(100))
      })
      const bytes = yield* Stream.runCollect(Exports.download(exportAt(`${server.origin}/download/7.zip`))).pipe(
        Effect.provide(client(server, { ...idle, retry: { times: 2, base: "1 millis" } }))
      )
      assert.isTrue(Buffer.concat(bytes).equals(file))
    }).pipe(Effect.scoped))

  it.live("a download that trickles a byte every 50 ms, never idle, is stopped by the budget", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/octet-stream", "content-length": "100000" })
        const tick = setInterval(() => response.write(new Uint8Array([1])), 50)
        response.on("close", () => clearInterval(tick))
      })
      const { outcome, ms } = yield* timed(Stream.runDrain(Exports.download(exportAt(`${server.origin}/download/7.zip`))).pipe(
        Effect.provide(client(server, { ...idle, budget: "600 millis" }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      if (outcome._tag === "Failure") assert.include(outcome.failure.message, "Out of time")
      assert.isAtLeast(ms, 550)
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a scan log that stalls: TimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" })
        response.write("first line\n")
      })
      const { outcome, ms } = yield* timed(Stream.runDrain(Sources.scanLog(1, 2)).pipe(Effect.provide(client(server, idle))))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a metadata document streamed that stalls: TimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/xml" })
        response.write("<metadata>")
      })
      const metadata = new Metadata.Metadata({ native: `${server.origin}/services/api/v1.x/layers/1/metadata/` })
      const { outcome, ms } = yield* timed(Stream.runDrain(Metadata.getXmlStream(metadata)).pipe(Effect.provide(client(server, idle))))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a list page that stalls, with the attempt timeout off: TimeoutError from the idle timeout", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.write("[")
      })
      const { outcome, ms } = yield* timed(Query.collect(Layers.list()).pipe(
        Effect.provide(client(server, { ...idle, timeout: false }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a single object whose body stalls, with retries on: each attempt times out, then TimeoutError", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.write("{\"id\":")
      })
      const { outcome, ms } = yield* timed(Layers.get(1).pipe(
        Effect.provide(client(server, { ...idle, timeout: "250 millis", retry: { times: 2, base: "1 millis" } }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.strictEqual(server.received.length, 3)
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))
})

describe("a streamed upload is bounded in time", () => {
  it.live("a server that reads the whole body and never answers: TimeoutError after `timeout`, one request", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer(() => undefined)
      const { outcome, ms } = yield* timed(Sources.createUpload(upload(50_000)).pipe(
        Effect.provide(client(server, { timeout: "500 millis", retry: { times: 3, base: "1 millis" } }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      if (outcome._tag === "Failure") assert.include(outcome.failure.message, "of sending the body")
      assert.isAtLeast(ms, 450)
      assert.isBelow(ms, 3_000)
      assert.strictEqual(server.received.length, 1)
      assert.isAbove(server.received[0]!.bodyLength, 50_000)
    }).pipe(Effect.scoped))

  it.live("an upload whose own stream stalls while it is sent: TimeoutError after the idle timeout", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer(() => undefined, { readBody: false })
      const stalling: Sources.NewUpload = {
        title: "Imagery",
        files: [{ stream: Stream.concat(Stream.make(new Uint8Array(64 * 1024)), Stream.never), uploadPath: "big.tif" }]
      }
      const { outcome, ms } = yield* timed(Sources.createUpload(stalling).pipe(
        Effect.provide(client(server, { idleTimeout: "400 millis", timeout: false }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      if (outcome._tag === "Failure") assert.include(outcome.failure.message, "while sending")
      assert.isAtLeast(ms, 350)
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))

  it.live("a server that stops reading a large upload: TimeoutError, bounded by `timeout` once the body is handed over", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((request) => request.pause(), { readBody: false })
      const big: Sources.NewUpload = {
        title: "Imagery",
        files: [{ stream: Stream.range(1, 64).pipe(Stream.map(() => new Uint8Array(64 * 1024))), uploadPath: "big.tif" }]
      }
      const { outcome, ms } = yield* timed(Sources.createUpload(big).pipe(
        Effect.provide(client(server, { idleTimeout: "400 millis", timeout: "500 millis" }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isBelow(ms, 5_000)
      assert.strictEqual(server.received.length, 1)
    }).pipe(Effect.scoped))

  it.live("a budget bounds an upload that is never answered, with every timeout off", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer(() => undefined)
      const { outcome, ms } = yield* timed(Sources.createUpload(upload(10_000)).pipe(
        Effect.provide(client(server, { timeout: false, idleTimeout: false, budget: "500 millis" }))
      ))
      assert.strictEqual(failedWith(outcome), "TimeoutError")
      assert.isBelow(ms, 3_000)
    }).pipe(Effect.scoped))
})
