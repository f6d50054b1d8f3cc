/**
 * Query: an immutable value (URL, equality, validation before any request) and its
 * interpreters over real pagination against FakeKoordinates.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Catalog from "@koordinates-effect/client/Catalog"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import type { CallError } from "@koordinates-effect/client/Errors"
import * as Query from "@koordinates-effect/client/Query"
import type { FakeServer } from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"
import { recorder } from "./support/recorder.ts"

/** The ids the fake lists at `path`, read in one raw page: the ground truth for paging. */
const allIds = (fake: FakeServer, path: string) =>
  Effect.promise(() =>
    fetch(`${fake.origin}/services/api/v1.x${path}${path.includes("?") ? "&" : "?"}page_size=1000`, {
      headers: { authorization: "key test-token" }
    }).then((r) => r.json() as Promise<Array<{ id: number }>>)
  ).pipe(Effect.map((items) => items.map((item) => item.id)), Effect.tap(() => Effect.sync(() => fake.log.clear())))

/** A layer list element. */
const summary = (id: number) => ({ id, url: "u", type: "layer", name: `Layer ${id}`, first_published_at: null, published_at: null })

describe("Query values", () => {
  it("render the first page's URL: filters in order, repeated keys repeated, then sort, extra and page size", () => {
    const q = Layers.list().pipe(
      Query.filter({ kind: "vector", "created_at.gte": new Date("2024-01-02T03:04:05Z") }),
      Query.filter({ tag: ["roads", "rail"] }),
      Query.filter({ public: true, group: 119 }),
      Query.orderBy("-created_at"),
      Query.extra({ bbox: "1,2,3,4" }),
      Query.pageSize(50)
    )
    assert.strictEqual(
      Query.toUrl(q),
      "/layers/?kind=vector&created_at.gte=2024-01-02T03%3A04%3A05.000Z&tag=roads&tag=rail&public=true&group=119" +
        "&sort=-created_at&bbox=1%2C2%2C3%2C4&page_size=50"
    )
    assert.strictEqual(Query.toUrl(Catalog.list()), "/data/")
    assert.strictEqual(Query.toUrl(Query.limit(Catalog.list(), 3)), "/data/?page_size=3")
    assert.strictEqual(Query.toUrl(Query.limit(Catalog.list(), 500)), "/data/")
  })

  it("are immutable and compare by value", () => {
    const base = Catalog.list()
    const filtered = base.pipe(Query.filter({ type: "layer" }))
    assert.strictEqual(Query.toUrl(base), "/data/")
    assert.isTrue(Equal.equals(filtered, Catalog.list().pipe(Query.filter({ type: "layer" }))))
    assert.isFalse(Equal.equals(filtered, Catalog.list().pipe(Query.filter({ type: "table" }))))
    assert.isFalse(Equal.equals(filtered, base))
    assert.isTrue(Equal.equals(Query.orderBy(base, "name"), Query.orderBy(Query.orderBy(base, "-name"), "name")))
    assert.isTrue(Equal.equals(Query.orderBy(Query.orderBy(base, "name"), undefined), base))
  })

  it("check filter and sort keys at compile time", () => {
    // @ts-expect-error: not a layer filter attribute
    Layers.list().pipe(Query.filter({ colour: "red" }))
    // @ts-expect-error: not an ordering attribute
    Layers.list().pipe(Query.orderBy("kind"))
    // @ts-expect-error: versions have no ordering attributes
    Layers.listVersions(1).pipe(Query.orderBy("created_at"))
    // @ts-expect-error: `version` is only a filter of the latest-versions catalog
    Catalog.list().pipe(Query.filter({ "version.status": "ok" }))
    Catalog.listLatest().pipe(Query.filter({ "version.status": "ok" }))
    // @ts-expect-error: an object is not a filter value
    Layers.list().pipe(Query.filter({ kind: { not: "raster" } }))
    // @ts-expect-error: null is not a filter value
    Layers.list().pipe(Query.filter({ group: null }))
    // @ts-expect-error: nor is an array inside an array
    Layers.list().pipe(Query.filter({ tag: ["roads", ["rail"]] }))
    // @ts-expect-error: extra parameters take filter values too
    Layers.list().pipe(Query.extra({ bbox: { west: 174 } }))
  })

  it("leave a value that is not a filter value out of the URL, without throwing", () => {
    const q = Layers.list().pipe(
      Query.filter({ kind: "vector", "created_at.gte": new Date(Number.NaN) }),
      Query.filter({ group: { id: 1 } as never, tag: ["roads", null as never] }),
      Query.extra({ bbox: [Infinity] })
    )
    assert.strictEqual(Query.toUrl(q), "/layers/?kind=vector&tag=roads")
  })

  const interpreters = <A, F extends string, S extends string, X>(q: Query.Query<A, F, S, X>) => [
    Query.collect(q),
    Query.count(q),
    Query.first(q)
  ]
  const bad: ReadonlyArray<readonly [string, string, ReadonlyArray<Effect.Effect<unknown, CallError, Koordinates>>]> = [
    ["unknown filter key", "filter", interpreters(Query.filter(Layers.list(), { colour: "red" } as never))],
    ["unknown dotted filter key", "filter", interpreters(Query.filter(Catalog.list(), { "versions.status": "ok" } as never))],
    ["filter on a list without it", "filter", interpreters(Query.filter(Layers.listVersions(1), { kind: "x" } as never))],
    ["unknown sort key", "orderBy", interpreters(Query.orderBy(Layers.list(), "kind" as never))],
    ["unknown descending sort key", "orderBy", interpreters(Query.orderBy(Layers.list(), "-colour" as never))],
    ["zero limit", "limit", interpreters(Query.limit(Layers.list(), 0))],
    ["fractional limit", "limit", interpreters(Query.limit(Layers.list(), 2.5))],
    ["negative page size", "pageSize", interpreters(Query.pageSize(Layers.list(), -1))],
    ["NaN page size", "pageSize", interpreters(Query.pageSize(Layers.list(), Number.NaN))],
    ["zero layer id", "layerId", interpreters(Layers.listVersions(0))],
    ["non-integer layer id", "layerId", interpreters(Layers.listVersions(1.5))]
  ]
  for (const [what, field, runs] of bad) {
    it.live(`reject a ${what} before any request (stream, count and first alike)`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          for (const run of runs) {
            const error = yield* failure(run)
            if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
            assert.strictEqual(error.field, field)
          }
          assert.lengthOf(fake.log.entries(), 0)
        })
      ))
  }
})

describe("Query.stream", () => {
  for (const size of [1, 7, 100, 1000]) {
    it.live(`delivers every item once, in order, with page size ${size}`, () =>
      withFake(
        (fake) =>
          Effect.gen(function*() {
            const expected = yield* allIds(fake, "/data/")
            assert.isAbove(expected.length, 200)
            const ids = (yield* Query.collect(Query.pageSize(Catalog.list(), size))).map((e) => e.id)
            assert.deepStrictEqual(ids, expected)
            const pages = Math.ceil(expected.length / size)
            assert.lengthOf(fake.log.entries(), pages)
            assert.deepStrictEqual(
              fake.log.entries().map((e) => e.query.find(([k]) => k === "page")?.[1] ?? "1"),
              Array.from({ length: pages }, (_, i) => String(i + 1))
            )
          }),
        { catalogSize: 300 }
      ))
  }

  it.live("follows Link page-next verbatim, keeping filters and sort", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const q = Catalog.list().pipe(Query.filter({ type: "layer" }), Query.orderBy("-created_at"), Query.pageSize(5))
          const expected = yield* allIds(fake, "/data/?type=layer&sort=-created_at")
          const ids = (yield* Query.collect(q)).map((e) => e.id)
          assert.deepStrictEqual(ids, expected)
          for (const entry of fake.log.entries()) {
            assert.deepInclude(entry.query, ["type", "layer"])
            assert.deepInclude(entry.query, ["sort", "-created_at"])
          }
        }),
      { catalogSize: 80 }
    ))

  it.live("stops requesting as soon as the limit is reached", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const three = yield* Query.collect(Catalog.list().pipe(Query.pageSize(10), Query.limit(3)))
          assert.lengthOf(three, 3)
          assert.lengthOf(fake.log.entries(), 1)
          fake.log.clear()
          const fifteen = yield* Query.collect(Catalog.list().pipe(Query.pageSize(10), Query.limit(15)))
          assert.lengthOf(fifteen, 15)
          assert.deepStrictEqual(requested(fake).map((r) => r.replace(/^GET \/services\/api\/v1\.x/, "")), [
            "/data/?page_size=10",
            "/data/?page_size=10&page=2"
          ])
          fake.log.clear()
          const twenty = yield* Query.collect(Catalog.list().pipe(Query.pageSize(10), Query.limit(20)))
          assert.lengthOf(twenty, 20)
          assert.lengthOf(fake.log.entries(), 2)
        }),
      { catalogSize: 60 }
    ))

  it.live("is lazy: taking 5 items of a 100-item page costs one request (prefetch off), at most one cancelled more (on)", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const five = yield* Stream.runCollect(Stream.take(Query.stream(Query.prefetch(Catalog.list(), false)), 5))
          assert.lengthOf(five, 5)
          assert.lengthOf(fake.log.entries(), 1)
          fake.log.clear()
          assert.lengthOf(yield* Stream.runCollect(Stream.take(Query.stream(Catalog.list()), 5)), 5)
          yield* Effect.sleep("200 millis")
          assert.isAtMost(fake.log.entries().length, 2)
          assert.lengthOf(fake.log.closed(), fake.log.entries().length, "no request is left open")
        }),
      { catalogSize: 250 }
    ))

  it.live("sends Expand: list on every page when expanded, and decodes full objects", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const layers = yield* Query.collect(Layers.list().pipe(Query.expand, Query.pageSize(4)))
          assert.isAbove(layers.length, 4)
          for (const layer of layers) assert.instanceOf(layer, Layers.Layer)
          assert.isString(layers[0]?.data.crs)
          assert.isAbove(fake.log.entries().length, 1)
          for (const entry of fake.log.entries()) assert.strictEqual(entry.headers["expand"], "list")
          fake.log.clear()
          yield* Query.collect(Layers.list().pipe(Query.limit(2)))
          assert.isUndefined(fake.log.entries()[0]?.headers["expand"])
        }),
      { catalogSize: 40 }
    ))

  it.live("refuses a next-page Link to another origin, without calling it", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const other = yield* recorder
          fake.inject({
            path: "/services/api/v1.x/layers/",
            status: 200,
            body: [summary(1)],
            headers: { Link: `<${other.origin}/services/api/v1.x/layers/?page=2>; rel="page-next"` }
          })
          const error = yield* failure(Query.collect(Layers.list()))
          assert.strictEqual(error._tag, "RedirectError")
          assert.lengthOf(other.hits, 0)
        }).pipe(Effect.scoped),
      { catalogSize: 5 }
    ))

  it.live("fails instead of looping when page-next points back at a page already read", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const self = `${fake.origin}/services/api/v1.x/data/`
          fake.inject({ path: "/services/api/v1.x/data/", status: 200, body: [], headers: { Link: `<${self}>; rel="page-next"` } })
          const error = yield* failure(Query.collect(Catalog.list()))
          if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
          assert.strictEqual(error.path, "Link")
          assert.lengthOf(fake.log.entries(), 1)
        }),
      { catalogSize: 5 }
    ))

  it.live("fails with the item's index when one list element does not decode", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        fake.inject({
          path: "/services/api/v1.x/layers/",
          status: 200,
          body: [summary(1), { id: "2" }]
        })
        const error = yield* failure(Query.collect(Layers.list()))
        if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
        assert.strictEqual(error.path, "[1].id")
      })
    ))
})

describe("Query.pages, first and count", () => {
  it.live("pages report the server's total", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const total = (yield* allIds(fake, "/data/")).length
          const pages = yield* Stream.runCollect(Query.pages(Query.pageSize(Catalog.list(), 20)))
          assert.lengthOf(pages, Math.ceil(total / 20))
          for (const page of pages) assert.deepStrictEqual(page.total, Option.some(total))
          assert.strictEqual(pages.reduce((n, page) => n + page.items.length, 0), total)
          assert.include(pages[1]?.url ?? "", "page=2")
        }),
      { catalogSize: 50 }
    ))

  it.live("first is one one-item request; none on an empty list", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const first = yield* Query.first(Catalog.list().pipe(Query.orderBy("name")))
          assert.isTrue(Option.isSome(first))
          assert.deepStrictEqual(requested(fake), ["GET /services/api/v1.x/data/?sort=name&page_size=1"])
          const none = yield* Query.first(Catalog.list().pipe(Query.filter({ q: "no such thing anywhere" })))
          assert.isTrue(Option.isNone(none))
        }),
      { catalogSize: 20 }
    ))

  it.live("count is one HEAD request reading X-Resource-Range, filters included", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const tables = (yield* allIds(fake, "/data/?type=table")).length
          const count = yield* Query.count(Catalog.list().pipe(Query.filter({ type: "table" })))
          assert.strictEqual(count, tables)
          assert.deepStrictEqual(requested(fake), ["HEAD /services/api/v1.x/data/?type=table"])
          assert.strictEqual(yield* Query.count(Query.limit(Catalog.list().pipe(Query.filter({ type: "table" })), 2)), 2)
        }),
      { catalogSize: 120 }
    ))

  it.live("count falls back to reading the only page when the server gives no count", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          fake.setCountHeaders(false)
          const expected = (yield* allIds(fake, "/data/")).length
          const count = yield* Query.count(Catalog.list())
          assert.strictEqual(count, expected)
          assert.deepStrictEqual(fake.log.entries().map((e) => e.method), ["HEAD", "GET"])
        }),
      { catalogSize: 30 }
    ))

  it.live("count fails with a typed error when there is no count and several pages", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          fake.setCountHeaders(false)
          const error = yield* failure(Query.count(Query.pageSize(Catalog.list(), 10)))
          if (error._tag !== "ResponseDecodeError") return assert.fail(error._tag)
          assert.strictEqual(error.path, "X-Resource-Range")
          assert.deepStrictEqual(fake.log.entries().map((e) => e.method), ["HEAD", "GET"])
        }),
      { catalogSize: 30 }
    ))
})
