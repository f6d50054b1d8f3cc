/**
 * `Query.nth` (the reference client's `query[n]`) against FakeKoordinates: the item at an
 * index, fetching only the pages up to it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Query from "@koordinates-effect/client/Query"
import { failure } from "./support/effect.ts"
import { requested, withFake } from "./support/fake.ts"

const data = "GET /services/api/v1.x/data/"

describe("Query.nth", () => {
  it.live("is the item at that index of the whole list, in one request of index + 1 items", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const sorted = Catalog.list().pipe(Query.orderBy("name"))
          const all = yield* Query.collect(sorted)
          fake.log.clear()
          const third = yield* Query.nth(sorted, 2)
          assert.deepStrictEqual(Option.map(third, (entry) => entry.id), Option.some(all[2]!.id))
          assert.deepStrictEqual(requested(fake), [`${data}?sort=name&page_size=3`])
          assert.deepStrictEqual(Option.map(yield* sorted.pipe(Query.nth(0)), (e) => e.id), Option.some(all[0]!.id))
        }),
      { catalogSize: 30 }
    ))

  it.live("past the end is none; with a page size it reads only the pages up to the index", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          const all = yield* Query.collect(Catalog.list())
          fake.log.clear()
          assert.isTrue(Option.isNone(yield* Query.nth(Catalog.list(), all.length)))
          fake.log.clear()
          const item = yield* Query.nth(Catalog.list().pipe(Query.pageSize(10)), 24)
          assert.deepStrictEqual(Option.map(item, (e) => e.id), Option.some(all[24]!.id))
          assert.strictEqual(fake.log.count(), 3)
        }),
      { catalogSize: 45 }
    ))

  it.live("keeps the query's own limit: an index at or past it is none", () =>
    withFake(
      (fake) =>
        Effect.gen(function*() {
          assert.isTrue(Option.isNone(yield* Query.nth(Query.limit(Catalog.list(), 3), 3)))
          assert.isTrue(Option.isSome(yield* Query.nth(Query.limit(Catalog.list(), 3), 2)))
          assert.deepStrictEqual(requested(fake), [`${data}?page_size=3`, `${data}?page_size=3`])
        }),
      { catalogSize: 10 }
    ))

  for (const index of [-1, 1.5, Number.NaN]) {
    it.live(`refuses index ${index} with ClientValidationError, before any request`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const error = yield* failure(Query.nth(Catalog.list(), index))
          if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
          assert.strictEqual(error.field, "index")
          assert.strictEqual(fake.log.count(), 0)
        })
      ))
  }

  it.live("a bad filter is refused as by the other interpreters", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const bad = Query.filter(Catalog.list(), { nonsense: 1 } as never)
        const error = yield* failure(Query.nth(bad, 0))
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(fake.log.count(), 0)
      })
    ))
})
