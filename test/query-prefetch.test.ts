/**
 * Prefetch against FakeKoordinates: the next page is requested while the consumer is still
 * on the current one, never more than one page ahead, never past a limit; a stream that is
 * interrupted or ends early closes the connection of the page ahead; the page ahead's error
 * comes after every item before it; `Query.prefetch(false)` makes the requests strictly
 * one after another. Slow consumers are made with short sleeps; every wait is bounded.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { withFake } from "./support/fake.ts"

/** Waits (polling every 2 ms, for at most 2 s) until `condition` holds; fails the test otherwise. */
const until = (what: string, condition: () => boolean): Effect.Effect<void> =>
  Effect.suspend(() => condition() ? Effect.void : Effect.fail(what)).pipe(
    Effect.retry(Schedule.spaced("2 millis")),
    Effect.timeout("2 seconds"),
    Effect.catch(() => Effect.sync(() => assert.fail(`Timed out waiting until ${what}`)))
  )

const isData = (entry: FakeKoordinates.LoggedRequest) => entry.path.endsWith("/data/")
const pageOf = (entry: FakeKoordinates.LoggedRequest) => Number(entry.query.find(([name]) => name === "page")?.[1] ?? "1")

/** Now, on the clock the fake stamps closes with (ms since the epoch). */
const now = () => performance.timeOrigin + performance.now()

/** Every catalog id, in order, read with prefetch off. */
const allIds = Effect.map(Query.collect(Catalog.list().pipe(Query.pageSize(100), Query.prefetch(false))), (items) => items.map((e) => e.id))

/**
 * Streams the catalog 10 per page, with or without prefetch, through a consumer that, on the
 * first item of each page, waits until the pages up to the one it should have requested by
 * then (the next with prefetch, none without) are, then gives a further page 50 ms to show
 * up; checks that it got every item in order, that no page past that one was requested, and
 * that each page was requested once, in order.
 */
const streamPageByPage = (fake: FakeKoordinates.FakeServer, prefetch: boolean) =>
  Effect.gen(function*() {
    const expected = yield* allIds
    const pages = Math.ceil(expected.length / 10)
    assert.isAtLeast(pages, 4)
    fake.log.clear()
    const ahead = prefetch ? 1 : 0
    const ids: Array<number> = []
    const seen: Array<number> = []
    yield* Stream.runForEach(Query.stream(Catalog.list().pipe(Query.pageSize(10), Query.prefetch(prefetch))), (entry) =>
      Effect.gen(function*() {
        if (ids.length % 10 === 0) {
          const requested = Math.min(ids.length / 10 + 1 + ahead, pages)
          yield* until(`page ${requested} is requested`, () => fake.log.count(isData) >= requested)
          yield* Effect.sleep("50 millis")
          seen.push(fake.log.count(isData))
        }
        ids.push(entry.id)
      }))
    assert.deepStrictEqual(ids, expected)
    // on the first item of page p, the pages up to p + ahead had been requested, and no further
    assert.deepStrictEqual(seen, Array.from({ length: pages }, (_, i) => Math.min(i + 1 + ahead, pages)))
    assert.deepStrictEqual(fake.log.entries().map(pageOf), Array.from({ length: pages }, (_, i) => i + 1))
  })

/**
 * Serves the first `/data/` request with the first 5 catalog items and a link to page 2,
 * and answers page 2 with `second` (a rule without a path); returns the 5 ids.
 */
const cannedFirstPage = (fake: FakeKoordinates.FakeServer, second: Omit<FakeKoordinates.InjectRule, "path">) =>
  Effect.gen(function*() {
    const root = `${fake.origin}/services/api/v1.x`
    const body = yield* Effect.promise(async () =>
      (await fetch(`${root}/data/?page_size=5`, { headers: { authorization: `key ${FakeKoordinates.defaultToken}` } })).json()
    ) as Effect.Effect<Array<{ readonly id: number }>>
    fake.log.clear()
    fake.inject({ path: "/data/", status: 200, body, headers: { Link: `<${root}/data/?page=2&page_size=5>; rel="page-next"` } })
    fake.inject({ path: "/data/", ...second })
    return body.map((entry) => entry.id)
  })

/** Checks that the fake saw `request`'s connection close before its reply was complete, within 100 ms of `since`. */
const closedSoon = (fake: FakeKoordinates.FakeServer, request: FakeKoordinates.LoggedRequest, since: number) =>
  Effect.gen(function*() {
    const closed = yield* Effect.promise(() => fake.log.waitForClose((entry) => entry === request)).pipe(Effect.timeoutOption("1 second"))
    if (closed._tag === "None") return assert.fail("The fake never saw the page ahead close")
    assert.isTrue(closed.value.aborted, "closed before its reply was complete")
    assert.isBelow(closed.value.closedAt - since, 100, "ms to the close")
  })

/** A reply held back far longer than any test runs. */
const heldBack = { delayMs: 30_000, status: 200, body: [] } as const

describe("Query prefetch", () => {
  it("is a field of the query value: on by default, off through Query.prefetch(false)", () => {
    const q = Catalog.list().pipe(Query.pageSize(10))
    assert.isTrue(q.prefetch)
    assert.isTrue(Equal.equals(q.pipe(Query.prefetch(true)), q))
    assert.isFalse(Equal.equals(Query.prefetch(q, false), q))
    assert.isFalse(Query.prefetch(q, false).prefetch)
    assert.strictEqual(Query.toUrl(Query.prefetch(q, false)), Query.toUrl(q))
  })

  it.live("requests the next page while the consumer is on the current one, one page ahead and never two", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          yield* streamPageByPage(fake, true)
        }),
      { catalogSize: 60 }
    ), 20_000)

  it.live("Query.prefetch(false): each page is requested only once the one before is consumed, one request at a time", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          yield* streamPageByPage(fake, false)
          const [entries, closed] = [fake.log.entries(), fake.log.closed()]
          assert.lengthOf(closed, entries.length)
          for (let i = 1; i < entries.length; i++) {
            const before = closed.find((c) => c.request === entries[i - 1])
            assert.isAtMost(before!.closedAt, entries[i]!.at + 1, `request ${i + 1} came after request ${i} ended`)
          }
        }),
      { catalogSize: 60 }
    ), 20_000)

  for (const [limit, requests] of [[10, 1], [15, 2], [20, 2], [21, 3]] as const) {
    it.live(`a limit of ${limit} (10 per page) takes ${requests} request(s), none for a page past it`, () =>
      withFake(
        (fake) =>
          Effect.gen(function*() {
            yield* allIds
            fake.log.clear()
            const query = Catalog.list().pipe(Query.pageSize(10), Query.limit(limit))
            const items = yield* Stream.runCollect(Query.stream(query).pipe(Stream.tap(() => Effect.sleep("2 millis"))))
            assert.lengthOf(items, limit)
            yield* Effect.sleep("200 millis")
            assert.deepStrictEqual(fake.log.entries().map(pageOf), Array.from({ length: requests }, (_, i) => i + 1))
          }),
        { catalogSize: 80 }
      ))
  }

  it.live("interrupted while the page ahead is held back: its connection closes within 100 ms, nothing more is sent", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          yield* cannedFirstPage(fake, heldBack)
          const fiber = yield* Effect.forkChild(Stream.runForEach(Query.stream(Catalog.list()), () => Effect.never))
          yield* until("page 2 is requested", () => fake.log.count() === 2)
          const ahead = fake.log.entries()[1]!
          assert.strictEqual(pageOf(ahead), 2)
          const interruptedAt = now()
          yield* Fiber.interrupt(fiber)
          const exit = yield* Fiber.await(fiber)
          assert.isTrue(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause), "the stream ended interrupted")
          yield* closedSoon(fake, ahead, interruptedAt)
          yield* Effect.sleep("300 millis")
          assert.strictEqual(fake.log.count(), 2, "no request after the interrupt")
        }),
      { catalogSize: 20 }
    ))

  it.live("a stream that ends early (Stream.take) cancels the page ahead", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const ids = yield* cannedFirstPage(fake, heldBack)
          const taken = yield* Query.stream(Catalog.list()).pipe(
            Stream.tap(() => until("page 2 is requested", () => fake.log.count() === 2)),
            Stream.take(3),
            Stream.runCollect,
            Effect.timeoutOption("2 seconds")
          )
          if (taken._tag === "None") return assert.fail("The stream did not end when its 3 items were taken")
          const endedAt = now()
          assert.deepStrictEqual(taken.value.map((e) => e.id), ids.slice(0, 3))
          yield* closedSoon(fake, fake.log.entries()[1]!, endedAt)
        }),
      { catalogSize: 20 }
    ))

  it.live("the page ahead's error comes after every item before it, even when it failed first", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const ids = yield* cannedFirstPage(fake, { status: 503, body: { error: "down" } })
          const delivered: Array<number> = []
          const exit = yield* Effect.exit(Stream.runForEach(Query.stream(Catalog.list()), (entry) =>
            Effect.gen(function*() {
              // the first item waits until page 2 has failed on the server
              if (delivered.length === 0) yield* until("page 2 has been answered", () => fake.log.closed().length === 2)
              delivered.push(entry.id)
            })))
          assert.deepStrictEqual(delivered, ids)
          if (Exit.isSuccess(exit)) return assert.fail("expected the stream to fail")
          const [reason] = exit.cause.reasons
          assert.isTrue(reason !== undefined && Cause.isFailReason(reason) && reason.error._tag === "ServiceUnavailable")
        }),
      { catalogSize: 20 }
    ))
})
