/**
 * Interruption against FakeKoordinates: interrupting a list stream, a download, a download
 * to a file, an upload or a wait aborts the request in flight — the fake sees the connection
 * close before the reply is complete, within 100 ms — sends nothing more, and leaves no
 * fiber running (counted through `Metric.FiberRuntimeMetrics`, which every fiber started
 * under it reports its start and end to). A `downloadToFile` interrupted leaves no file.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as Sources from "@koordinates-effect/client/Sources"
import { type FakeServer, type LoggedRequest, type RequestLog } from "@koordinates-effect/testing"
import { completeExport } from "./support/exports.ts"
import { withFake } from "./support/fake.ts"

const quick = { schedule: Schedule.spaced("5 millis") } as const
/** A reply held back far longer than any test runs: the request stays in flight until interrupted. */
const heldBack = { delayMs: 30_000, status: 200, body: [] } as const

/** Now, on the clock the fake stamps closes with (ms since the epoch). */
const now = () => performance.timeOrigin + performance.now()

/** Waits (polling every 2 ms, for at most 2 s) until `condition` holds. */
const eventually = (what: string, condition: () => boolean): Effect.Effect<void> =>
  Effect.gen(function*() {
    const deadline = Date.now() + 2_000
    while (!condition()) {
      if (Date.now() > deadline) return assert.fail(`Timed out waiting until ${what}`)
      yield* Effect.sleep("2 millis")
    }
  })

/** Every request either server of the fake received. */
const received = (fake: FakeServer) => fake.log.count() + fake.storageLog.count()

/** Waits until `log` has a request satisfying `predicate` (index: its place in the log); returns it. */
const arrival = (log: RequestLog, predicate: (entry: LoggedRequest, index: number) => boolean) =>
  Effect.andThen(
    eventually("the request arrives", () => log.entries().some(predicate)),
    Effect.sync(() => log.entries().find(predicate)!)
  )

/** What {@link interruptInFlight} interrupts and when. */
interface InFlight<A, E, R> {
  readonly fake: FakeServer
  /** The log the request in flight shows up in: `fake.log`, or `fake.storageLog` for downloads. */
  readonly log: RequestLog
  /** The operation, forked and interrupted. */
  readonly operation: Effect.Effect<A, E, R>
  /** Waits until the request to interrupt is in flight (and its body under way, if it matters); returns it. */
  readonly inFlight: Effect.Effect<LoggedRequest>
}

/**
 * Forks `operation` with its fibers counted, waits until the fake has the request in flight,
 * interrupts the fiber, and checks that the fiber ended interrupted, that the fake saw that
 * request's connection close before its reply was complete within 100 ms of the interrupt,
 * that no request reaches the fake from the interrupt to 300 ms after the close, and that every fiber the operation
 * started has ended. Returns the request that was in flight.
 */
const interruptInFlight = <A, E, R>(
  { fake, inFlight, log, operation }: InFlight<A, E, R>
): Effect.Effect<LoggedRequest, never, R> =>
  Effect.gen(function*() {
    let started = 0
    let ended = 0
    const fibers: Metric.FiberRuntimeMetricsService = {
      recordFiberStart: () => void started++,
      recordFiberEnd: () => void ended++
    }
    const fiber = yield* Effect.forkChild(operation).pipe(Effect.provideService(Metric.FiberRuntimeMetrics, fibers))
    const request = yield* inFlight
    const sent = received(fake)
    const interruptedAt = now()
    yield* Fiber.interrupt(fiber)
    const exit = yield* Fiber.await(fiber)
    const closed = yield* Effect.promise(() => log.waitForClose((entry) => entry === request)).pipe(
      Effect.timeoutOption("1 second")
    )
    if (closed._tag === "None") return assert.fail(`The fake never saw ${request.method} ${request.path} close`)
    const latency = closed.value.closedAt - interruptedAt
    assert.isTrue(closed.value.aborted, "the connection closed before the reply was complete")
    assert.isBelow(latency, 100, "ms from the interrupt to the close")
    assert.isTrue(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause), "the fiber ended interrupted")
    yield* Effect.sleep("300 millis")
    assert.strictEqual(received(fake), sent, "no request after the interrupt")
    assert.isAbove(started, 0)
    assert.strictEqual(ended, started, "every fiber the operation started has ended")
    return request
  })

describe("Interruption aborts the request in flight", () => {
  it.live("Query.stream: interrupted while its second page is held back", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          let heldFrom = Infinity
          const isData = (entry: LoggedRequest) => entry.path.endsWith("/data/")
          const request = yield* interruptInFlight({
            fake,
            log: fake.log,
            operation: Query.stream(Catalog.list().pipe(Query.pageSize(10))).pipe(
              Stream.runForEach(() =>
                Effect.sync(() => {
                  if (heldFrom !== Infinity) return
                  heldFrom = fake.log.count()
                  fake.inject({ path: "/data/", ...heldBack })
                })
              )
            ),
            inFlight: arrival(fake.log, (entry, index) => index >= heldFrom && isData(entry))
          })
          assert.deepStrictEqual(request.query.find(([name]) => name === "page"), ["page", "2"])
          const [first, second] = fake.log.entries()
          assert.strictEqual(second, request)
          const firstEnd = fake.log.closed().find((closed) => closed.request === first)
          assert.isFalse(firstEnd?.aborted, "the first page was read to the end")
          assert.strictEqual(fake.log.count(isData), 2)
        }),
      { catalogSize: 40 }
    ))

  it.live("Exports.download: interrupted mid-body, the storage server sees the download cancelled", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const size = 64 * 1024 * 1024
        const done = yield* completeExport(size)
        let got = 0
        const download = Exports.download(done, { onProgress: ({ received }) => Effect.sync(() => void (got = received)) })
        yield* interruptInFlight({
          fake,
          log: fake.storageLog,
          operation: Stream.runForEach(download, () => Effect.sleep("5 millis")),
          inFlight: Effect.tap(
            arrival(fake.storageLog, (entry) => entry.path.startsWith("/exports/")),
            eventually("bytes arrive", () => got > 0)
          )
        })
        assert.isBelow(got, size)
        assert.strictEqual(fake.storageLog.count(), 1)
      })
    ))

  it.live("Exports.downloadToFile: interrupted mid-body, no file and no temporary file is left", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const done = yield* completeExport(64 * 1024 * 1024)
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-interrupt-"))
        let got = 0
        let partial: ReadonlyArray<string> = []
        yield* interruptInFlight({
          fake,
          log: fake.storageLog,
          operation: Exports.downloadToFile(done, directory, {
            onProgress: ({ received }) =>
              Effect.sync(() => void (got = received)).pipe(Effect.andThen(Effect.sleep("5 millis")))
          }),
          inFlight: Effect.tap(
            arrival(fake.storageLog, (entry) => entry.path.startsWith("/exports/")),
            eventually("bytes are written", () => got > 0 && (partial = fs.readdirSync(directory)).length > 0)
          )
        })
        assert.match(partial[0] ?? "", new RegExp(`^${done.name}\\.zip\\.partial-`), "bytes were being written")
        assert.deepStrictEqual(fs.readdirSync(directory), [])
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))

  it.live("Sources.createUpload: interrupted mid-upload, the fake sees the multipart body cut off", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const chunk = new Uint8Array(64 * 1024).fill(7)
        const slow = Stream.range(1, 2_000).pipe(Stream.mapEffect(() => Effect.as(Effect.sleep("2 millis"), chunk)))
        const sources = fake.store.sources().length
        let sent = 0
        yield* interruptInFlight({
          fake,
          log: fake.log,
          operation: Sources.createUpload(
            { title: "Huge", files: [{ stream: slow, uploadPath: "huge.tif", size: 2_000 * chunk.length }] },
            { onProgress: (progress) => Effect.sync(() => void (sent = progress.sent)) }
          ),
          inFlight: Effect.tap(
            arrival(fake.log, (entry) => entry.method === "POST" && entry.path.endsWith("/sources/")),
            eventually("a megabyte is sent", () => sent > 1_000_000)
          )
        })
        assert.isBelow(sent, 2_000 * chunk.length)
        assert.strictEqual(fake.store.sources().length, sources, "no source was created")
      })
    ))

  it.live("Layers.waitForImport: interrupted while a poll is held back", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const draft = yield* Layers.create({ name: "Slow", data: { datasources: [1] } })
          fake.log.clear()
          const poll = `/layers/${draft.id}/versions/${draft.version!.id}/`
          const request = yield* interruptInFlight({
            fake,
            log: fake.log,
            operation: Layers.waitForImport(draft.id, draft.version!.id, quick),
            inFlight: Effect.gen(function*() {
              yield* eventually("two polls are answered", () => fake.log.closed().length >= 2)
              const heldFrom = fake.log.count()
              fake.inject({ path: poll, ...heldBack })
              return yield* arrival(fake.log, (entry, index) => index >= heldFrom && entry.path.endsWith(poll))
            })
          })
          assert.isAtLeast(fake.log.entries().indexOf(request), 2, "earlier polls were answered")
        }),
      { importTime: "1 hour" }
    ))
})
