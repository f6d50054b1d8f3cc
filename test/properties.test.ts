/**
 * Properties over generated input: how queries become URLs, how pagination headers are read,
 * and that decoders fed any JSON fail with a typed error instead of throwing.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import { CatalogEntry } from "@koordinates-effect/client/Catalog"
import { Layer, LayerVersion } from "@koordinates-effect/client/Layers"
import * as Layers from "@koordinates-effect/client/Layers"
import { Publish } from "@koordinates-effect/client/Publishing"
import type { CallError } from "@koordinates-effect/client/Errors"
import * as Query from "@koordinates-effect/client/Query"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import { Source } from "@koordinates-effect/client/Sources"
import { linkUrl, resourceTotal } from "../packages/client/src/internal/pagination.ts"
import { describeBody } from "../packages/client/src/internal/http.ts"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const filterValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.date({ noInvalidDate: true, min: new Date("1900-01-01"), max: new Date("2200-01-01") })
)
const text = (value: string | number | boolean | Date) => value instanceof Date ? value.toISOString() : String(value)

describe("Query.toUrl", () => {
  it("sends every filter value, in order, and nothing else", () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...Layers.layerFilterKeys), fc.array(filterValue, { minLength: 1, maxLength: 3 })), {
        maxLength: 6
      }),
      fc.option(fc.constantFrom(...Layers.layerSortKeys.flatMap((k) => [k, `-${k}` as const]))),
      (filters, sort) => {
        let q = Layers.list()
        for (const [key, values] of filters) q = Query.filter(q, { [key]: values })
        if (sort !== null) q = Query.orderBy(q, sort)
        const params = [...new URLSearchParams(Query.toUrl(q).split("?")[1] ?? "").entries()]
        const expected = [
          ...filters.flatMap(([key, values]) => values.map((v) => [key, text(v)])),
          ...(sort === null ? [] : [["sort", sort]])
        ]
        assert.deepStrictEqual(params, expected)
      }
    ))
  })

  /** Anything a filter cannot send as one of its values. */
  const badValue = fc.oneof(
    fc.constantFrom(null, new Date(Number.NaN), Number.NaN, Infinity, -Infinity),
    fc.bigInt(),
    fc.object(),
    fc.array(filterValue, { minLength: 1, maxLength: 2 })
  )
  const goodValues = fc.array(filterValue, { maxLength: 2 })

  it("leaves out any value that is not a filter value, and never throws", () => {
    fc.assert(fc.property(fc.string(), goodValues, badValue, (kind, good, bad) => {
      const base = Query.filter(Layers.list(), { kind })
      assert.strictEqual(Query.toUrl(Query.filter(base, { group: [...good, bad] as never })), Query.toUrl(Query.filter(base, { group: good })))
      if (!Array.isArray(bad)) assert.strictEqual(Query.toUrl(Query.filter(base, { group: bad as never })), Query.toUrl(base))
    }))
  })

  it.live("any value that is not a filter value is refused by every interpreter before any request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        for (const [good, bad] of fc.sample(fc.tuple(goodValues, badValue), 40)) {
          const value = good.length === 0 && !Array.isArray(bad) ? bad : [...good, bad]
          const q = Query.filter(Layers.list(), { kind: "vector", group: value as never })
          const runs: ReadonlyArray<Effect.Effect<unknown, CallError, Koordinates>> = [Query.collect(q), Query.count(q), Query.first(q)]
          for (const run of runs) {
            const error = yield* failure(run)
            if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
            assert.strictEqual(error.field, "filter")
            assert.match(error.message, /^Invalid filter value for "group": /)
          }
        }
        assert.lengthOf(fake.log.entries(), 0)
      })
    ))

  it("encodes any free text as one form parameter", () => {
    fc.assert(fc.property(fc.string(), (q) => {
      assert.strictEqual(Query.toUrl(Query.filter(Layers.list(), { q })), `/layers/?${new URLSearchParams([["q", q]])}`)
    }))
  })
})

describe("pagination headers", () => {
  const url = fc.webUrl({ withQueryParameters: true }).filter((u) => !/[<>,;]/.test(u))

  it("Link: finds page-next among any entries, in any order", () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(url, fc.constantFrom("page-previous", "page-last", "page-first", "alternate")), { maxLength: 4 }),
      url,
      fc.nat(4),
      (others, next, at) => {
        const entries = others.map(([u, rel]) => `<${u}>; rel="${rel}"`)
        entries.splice(Math.min(at, entries.length), 0, `<${next}>; rel="page-next"`)
        assert.deepStrictEqual(linkUrl(entries.join(", "), "page-next"), Option.some(next))
        assert.isTrue(Option.isNone(linkUrl(others.map(([u, rel]) => `<${u}>; rel="${rel}"`).join(", "), "page-next")))
      }
    ))
  })

  it("Link: anything at all is read without throwing", () => {
    fc.assert(fc.property(fc.string(), (header) => {
      linkUrl(header, "page-next")
    }))
  })

  it("X-Resource-Range: the total of a consistent range, nothing for anything else", () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.nat(), (a, b, c) => {
      const [start, end, total] = [a, b, c].sort((x, y) => x - y) as [number, number, number]
      assert.deepStrictEqual(resourceTotal(`${start}-${end}/${total}`), Option.some(total))
      if (end > total) assert.isTrue(Option.isNone(resourceTotal(`${start}-${total + 1 + end}/${total}`)))
    }))
    fc.assert(fc.property(fc.string(), (header) => {
      const total = resourceTotal(header)
      if (Option.isSome(total)) assert.match(header, /^\s*\d+-\d+\/\d+\s*$/)
    }))
  })
})

describe("decoders fed any JSON", () => {
  const schemas: ReadonlyArray<readonly [string, Schema.Decoder<unknown>]> = [
    ["Layer", Layer],
    ["LayerVersion", LayerVersion],
    ["CatalogEntry", CatalogEntry],
    ["Publish", Publish],
    ["Source", Source]
  ]
  for (const [name, schema] of schemas) {
    it(`${name} fails with a SchemaError, never a throw`, () => {
      const decode = Schema.decodeUnknownExit(schema)
      fc.assert(fc.property(fc.jsonValue(), (value) => {
        const exit = decode(value)
        if (Exit.isFailure(exit)) assert.isTrue(Schema.isSchemaError(exit.cause.reasons[0]?._tag === "Fail" ? exit.cause.reasons[0].error : undefined))
      }), { numRuns: 300 })
    })
  }

  it("error bodies of any shape become a message or none, never a throw", () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string()), (body) => {
      const { message } = describeBody(body)
      if (message !== undefined) assert.isString(message)
    }))
  })
})
