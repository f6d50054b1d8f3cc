/**
 * The data-service modules against servers that misbehave on purpose: bad input refused
 * before any request, replies that are not what was asked for (an HTML page, an OGC
 * exception report, GeoJSON that is not, a page that lies in numberMatched or ignores
 * startIndex), a stall, an interrupted stream whose connection the server sees close —
 * and the key never in a URL, an error or a span.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type { ServerResponse } from "node:http"
import { inspect } from "node:util"
import * as Features from "@koordinates-effect/client/Features"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as RasterQuery from "@koordinates-effect/client/RasterQuery"
import * as ServiceUrls from "@koordinates-effect/client/ServiceUrls"
import * as SetQuery from "@koordinates-effect/client/SetQuery"
import * as VectorQuery from "@koordinates-effect/client/VectorQuery"
import { type Handler, type Hostile, hostileServer } from "./support/hostile.ts"

const token = "data-services-hostile-key"
const client = (server: Hostile, options: Koordinates.RequestOptions = {}) =>
  Koordinates.layer({ origin: server.origin, token, retry: false, ...options }).pipe(Layer.provide(FetchHttpClient.layer))

const reply = (response: ServerResponse, status: number, type: string, body: string) => {
  response.writeHead(status, { "content-type": type })
  response.end(body)
}
const json = (response: ServerResponse, body: unknown, type = "application/json") => reply(response, 200, type, JSON.stringify(body))

/** Runs `effect` against a server answering with `handler`, and gives its outcome with the server. */
const against = <A, E>(
  handler: Handler,
  effect: Effect.Effect<A, E, Koordinates.Koordinates>,
  options: Koordinates.RequestOptions = {}
) =>
  Effect.gen(function*() {
    const server = yield* hostileServer(handler)
    const outcome = yield* Effect.result(effect.pipe(Effect.provide(client(server, options))))
    return { outcome, server }
  }).pipe(Effect.scoped)

type Outcome = { readonly _tag: string; readonly failure?: unknown; readonly success?: unknown }
const failure = (outcome: Outcome) => {
  if (outcome._tag !== "Failure") return assert.fail(`expected a failure, got ${inspect(outcome.success)}`)
  return outcome.failure as { readonly _tag: string; readonly message: string; readonly path?: string; readonly field?: string; readonly url?: string; readonly code?: string }
}

const success = (outcome: Outcome): unknown => {
  if (outcome._tag !== "Success") return assert.fail(`expected a success, got ${inspect(outcome.failure)}`)
  return outcome.success
}

const point = { layers: [743], x: 174.7762, y: -41.2865 }
const feature = (id: number) => ({
  type: "Feature",
  id: `layer-9.${id}`,
  geometry: { type: "Point", coordinates: [174 + id / 1000, -41] },
  properties: { n: id }
})
const collection = (features: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
  type: "FeatureCollection",
  features,
  ...extra
})

describe("point queries: input checked before any request", () => {
  const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Koordinates.Koordinates>, string]> = [
    ["x out of range", VectorQuery.near({ ...point, x: 181 }), "x"],
    ["y out of range", VectorQuery.near({ ...point, y: -90.5 }), "y"],
    ["x not a number", VectorQuery.near({ ...point, x: Number.NaN }), "x"],
    ["no layers", VectorQuery.near({ ...point, layers: [] }), "layers"],
    ["a layer id of 0", VectorQuery.near({ ...point, layers: [743, 0] }), "layers[1]"],
    ["a fractional layer id", RasterQuery.at({ ...point, layers: [1.5] }), "layers[0]"],
    ["a negative radius", VectorQuery.near(point, { radius: -1 }), "radius"],
    ["0 results", VectorQuery.near(point, { maxResults: 0 }), "maxResults"],
    ["101 results", VectorQuery.near(point, { maxResults: 101 }), "maxResults"],
    ["a set id of -3", SetQuery.near({ set: -3, x: 0, y: 0 }), "set"],
    ["a set query's latitude", SetQuery.near({ set: 3, x: 0, y: 91 }), "y"]
  ]
  for (const [name, effect, field] of cases) {
    it.live(`${name}: ClientValidationError at ${field}, nothing sent`, () =>
      Effect.gen(function*() {
        const { outcome, server } = yield* against((_q, response) => json(response, {}), effect)
        const error = failure(outcome)
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, field)
        assert.lengthOf(server.received, 0)
      }))
  }
})

describe("point queries: replies", () => {
  for (const type of ["application/vnd.koordinates.vectorQuery+json", "application/vnd.koordinates.setQuery+json", "application/json; charset=utf-8"]) {
    it.live(`a vector reply typed ${type} is read; layer repeated, key only in the header`, () =>
      Effect.gen(function*() {
        const { outcome, server } = yield* against(
          (_q, response) =>
            json(response, {
              vectorQuery: {
                layers: {
                  "743": { features: [{ ...feature(2), distance: 40 }, { ...feature(1), distance: 3.5 }] },
                  "744": { features: [] }
                }
              }
            }, type),
          VectorQuery.near({ ...point, layers: [744, 743] }, { radius: 100, maxResults: 5, geometry: true, withFieldNames: true })
        )
        assert.strictEqual(outcome._tag, "Success")
        const results = success(outcome) as ReadonlyArray<VectorQuery.LayerFeatures>
        assert.deepStrictEqual(results.map((r) => r.layerId), [744, 743])
        assert.deepStrictEqual(results[1]!.features.map((f) => f.distance), [3.5, 40])
        const sent = server.received[0]!
        const url = new URL(sent.url, server.origin)
        assert.strictEqual(url.pathname, "/services/query/v1/vector.json")
        assert.deepStrictEqual(url.searchParams.getAll("layer"), ["744", "743"])
        assert.deepStrictEqual(
          [...url.searchParams].filter(([name]) => name !== "layer"),
          [["x", "174.7762"], ["y", "-41.2865"], ["radius", "100"], ["max_results", "5"], ["geometry", "true"], ["with_field_names", "true"]]
        )
        assert.strictEqual(sent.headers["authorization"], `key ${token}`)
        assert.notInclude(sent.url, token)
      }))
  }

  it.live("an HTML page is a ResponseDecodeError at Content-Type, its URL without the key", () =>
    Effect.gen(function*() {
      const { outcome } = yield* against(
        (_q, response) => reply(response, 200, "text/html", "<!doctype html><p>Sign in</p>"),
        VectorQuery.near(point)
      )
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.path, "Content-Type")
      assert.notInclude(inspect(error), token)
    }))

  it.live("a feature whose geometry is not GeoJSON is a ResponseDecodeError naming where", () =>
    Effect.gen(function*() {
      const bad = { ...feature(1), geometry: { type: "Point", coordinates: ["east", "north"] }, distance: 1 }
      const { outcome } = yield* against(
        (_q, response) => json(response, { vectorQuery: { layers: { "743": { features: [bad] } } } }),
        VectorQuery.near(point)
      )
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.match(error.path ?? "", /^vectorQuery\.layers\.743\.features\[0\]\.geometry/)
    }))

  it.live("raster values per layer and band, in the order asked; a layer left out is missing", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(
        (_q, response) =>
          json(response, { rasterQuery: { layers: { "51768": { status: "ok", bands: [{ value: 12.5 }, { value: null }] } } } }),
        RasterQuery.at({ layers: [51768, 9], x: 172.6, y: -43.5 })
      )
      assert.strictEqual(outcome._tag, "Success")
      const [dem, none] = success(outcome) as ReadonlyArray<RasterQuery.LayerValues>
      assert.deepStrictEqual(dem!.bands.map((b) => b.value), [12.5, null])
      assert.deepStrictEqual([none!.layerId, none!.status, none!.bands.length], [9, "missing", 0])
      assert.strictEqual(new URL(server.received[0]!.url, server.origin).pathname, "/services/query/v1/raster.json")
    }))

  it.live("set layers come in the set's order, vector and raster alike", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(
        (_q, response) =>
          json(response, {
            setQuery: {
              layers: [
                { id: 2, title: "Elevation", type: "raster", status: "ok", bands: [{ value: 3 }] },
                { id: 1, title: "Schools", type: "vector", features: [{ ...feature(1), distance: 9 }] }
              ]
            }
          }, "application/vnd.koordinates.setQuery+json"),
        SetQuery.near({ set: 77, x: 174.7, y: -41.2 }, { radius: 10 })
      )
      assert.strictEqual(outcome._tag, "Success")
      const layers = success(outcome) as ReadonlyArray<SetQuery.SetLayer>
      assert.deepStrictEqual(layers.map((l) => [l.id, l.title, l.features.length, l.bands.length]), [[2, "Elevation", 0, 1], [1, "Schools", 1, 0]])
      const url = new URL(server.received[0]!.url, server.origin)
      assert.strictEqual(url.pathname, "/services/query/v1/set.json")
      assert.strictEqual(url.searchParams.get("set"), "77")
    }))
})

describe("Features: input checked before any request", () => {
  const cases: ReadonlyArray<readonly [string, Features.Features, string]> = [
    ["a layer id of 0", Features.layer(0), "id"],
    ["a page size of 0", Features.layer(1).pipe(Features.pageSize(0)), "pageSize"],
    ["a limit of 1.5", Features.layer(1).pipe(Features.limit(1.5)), "limit"],
    ["a box with min > max", Features.layer(1).pipe(Features.bbox([2, 0, 1, 1])), "bbox"],
    ["a box in a CRS that is not one", Features.layer(1).pipe(Features.bbox([0, 0, 1, 1], "WGS84")), "bbox.crs"],
    ["a box and a filter", Features.layer(1).pipe(Features.bbox([0, 0, 1, 1]), Features.filter("a=1")), "bbox"],
    ["an empty filter", Features.layer(1).pipe(Features.filter(" ")), "filter"],
    ["a property name with a comma", Features.layer(1).pipe(Features.propertyNames(["a,b"])), "propertyNames"],
    ["an srsName that is not a CRS", Features.layer(1).pipe(Features.srsName("mercator")), "srsName"]
  ]
  for (const [name, features, field] of cases) {
    it.live(`${name}: ClientValidationError at ${field}, nothing sent`, () =>
      Effect.gen(function*() {
        const { outcome, server } = yield* against((_q, response) => json(response, collection([])), Features.collect(features))
        const error = failure(outcome)
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, field)
        assert.lengthOf(server.received, 0)
      }))
  }

  const ranges: ReadonlyArray<readonly [string, Features.ChangeRange, string]> = [
    ["from after to", { from: "2020-02-01", to: "2020-01-01" }, "from"],
    ["an invalid Date", { from: new Date("nope"), to: new Date() }, "from"],
    ["a text that is no instant", { from: "2020-01-01", to: "yesterday" }, "to"],
    ["seven fractional digits", { from: "2020-01-01T00:00:00.1234567Z", to: "2020-02-01" }, "from"]
  ]
  for (const [name, range, field] of ranges) {
    it.live(`changes with ${name}: ClientValidationError at ${field}, nothing sent`, () =>
      Effect.gen(function*() {
        const { outcome, server } = yield* against((_q, response) => json(response, collection([])), Stream.runCollect(Features.changes(5, range)))
        const error = failure(outcome)
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, field)
        assert.lengthOf(server.received, 0)
      }))
  }
})

describe("Features: paging and bad replies", () => {
  /** A layer of `total` features served in pages by count/startIndex, numberMatched as `matched` says. */
  const layerOf = (total: number, matched: (total: number) => unknown = (t) => t): Handler => (request, response) => {
    const url = new URL(request.url ?? "", "http://x")
    const count = Number(url.searchParams.get("count"))
    const start = Number(url.searchParams.get("startIndex"))
    const ids = Array.from({ length: Math.max(0, Math.min(count, total - start)) }, (_, i) => start + i)
    json(response, collection(ids.map(feature), { numberMatched: matched(total), numberReturned: ids.length }))
  }

  it.live("pages with count and startIndex until a short page; features decode as GeoJSON", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(layerOf(25), Features.collect(Features.layer(9).pipe(Features.pageSize(10), Features.srsName("EPSG:4326"))))
      assert.strictEqual(outcome._tag, "Success")
      const features = success(outcome) as ReadonlyArray<{ readonly id?: unknown; readonly geometry: { readonly type: string } | null }>
      assert.lengthOf(features, 25)
      assert.strictEqual(features[24]!.id, "layer-9.24")
      assert.strictEqual(features[0]!.geometry?.type, "Point")
      const pages = server.received.map((r) => new URL(r.url, server.origin).searchParams)
      assert.deepStrictEqual(pages.map((p) => [p.get("count"), p.get("startIndex")]), [["10", "0"], ["10", "10"], ["10", "20"]])
      assert.deepStrictEqual(
        [pages[0]!.get("service"), pages[0]!.get("version"), pages[0]!.get("request"), pages[0]!.get("typeNames"), pages[0]!.get("srsName")],
        ["WFS", "2.0.0", "GetFeature", "layer-9", "EPSG:4326"]
      )
      assert.isTrue(server.received.every((r) => r.headers["authorization"] === `key ${token}` && !r.url.includes(token)))
    }))

  it.live("a limit stops requesting: the last page asks only for what is wanted", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(layerOf(1000), Features.collect(Features.layer(9).pipe(Features.pageSize(10), Features.limit(15))))
      assert.lengthOf(success(outcome) as ReadonlyArray<unknown>, 15)
      assert.deepStrictEqual(server.received.map((r) => new URL(r.url, server.origin).searchParams.get("count")), ["10", "5"])
    }))

  it.live("count reads numberMatched from a one-feature request", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(layerOf(4321), Features.count(Features.layer(9)))
      assert.strictEqual(success(outcome), 4321)
      assert.strictEqual(new URL(server.received[0]!.url, server.origin).searchParams.get("count"), "1")
    }))

  it.live("a page that lies in numberMatched (fewer than it holds) is a ResponseDecodeError at numberMatched", () =>
    Effect.gen(function*() {
      const { outcome } = yield* against(layerOf(30, () => 5), Features.collect(Features.layer(9).pipe(Features.pageSize(10))))
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.path, "numberMatched")
    }))

  it.live("a service that ignores startIndex cannot page forever: ResponseDecodeError at startIndex", () =>
    Effect.gen(function*() {
      const { outcome, server } = yield* against(
        (_q, response) => json(response, collection([feature(0), feature(1)])),
        Features.collect(Features.layer(9).pipe(Features.pageSize(2)))
      )
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.path, "startIndex")
      assert.isAtMost(server.received.length, 3)
    }))

  it.live("an OGC exception report is a ServiceException with its code and locator", () =>
    Effect.gen(function*() {
      const report = `<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0">` +
        `<ows:Exception exceptionCode="InvalidParameterValue" locator="typeNames"><ows:ExceptionText>Unknown type layer-9 &amp; more</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`
      const { outcome } = yield* against((_q, response) => reply(response, 200, "application/xml", report), Features.collect(Features.layer(9)))
      const error = failure(outcome) as { _tag: string; code?: string; locator?: string; message: string; url?: string }
      assert.strictEqual(error._tag, "ServiceException")
      assert.deepStrictEqual([error.code, error.locator, error.message], ["InvalidParameterValue", "typeNames", "Unknown type layer-9 & more"])
      assert.include(error.url, "/services/wfs?")
    }))

  it.live("an exception report with status 400 is a BadRequest carrying the report's text", () =>
    Effect.gen(function*() {
      const report = `<ServiceExceptionReport><ServiceException code="InvalidParameterValue">Illegal property name: nme</ServiceException></ServiceExceptionReport>`
      const { outcome } = yield* against((_q, response) => reply(response, 400, "text/xml", report), Features.collect(Features.layer(9)))
      const error = failure(outcome)
      assert.strictEqual(error._tag, "BadRequest")
      assert.include(error.message, "Illegal property name: nme")
    }))

  it.live("a key a server repeats in its error, in a URL of any form, is masked in the error", () =>
    Effect.gen(function*() {
      const echoed = "Key not valid at https://example.com/services;key=someone0elses0key/wfs?key=someone0elses0key"
      const { outcome } = yield* against((_q, response) => reply(response, 403, "text/plain", echoed), Features.collect(Features.layer(9)))
      const error = failure(outcome)
      assert.strictEqual(error._tag, "Forbidden")
      assert.strictEqual(error.message, "Key not valid at https://example.com/services;key=<redacted>/wfs?key=<redacted>")
    }))

  it.live("an HTML page is a ResponseDecodeError that says so", () =>
    Effect.gen(function*() {
      const { outcome } = yield* against((_q, response) => reply(response, 200, "text/html", "<html><body>Maintenance</body></html>"), Features.collect(Features.layer(9)))
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.include(error.message, "HTML page")
    }))

  it.live("JSON that is not a FeatureCollection, or a feature that is not GeoJSON, names where", () =>
    Effect.gen(function*() {
      const notCollection = yield* against((_q, response) => json(response, { features: "none" }), Features.collect(Features.layer(9)))
      assert.strictEqual(failure(notCollection.outcome).path, "type")
      const bad = { ...feature(3), geometry: { type: "Polygon", coordinates: [[[0, 0], [1]]] } }
      const badFeature = yield* against((_q, response) => json(response, collection([feature(1), bad])), Features.collect(Features.layer(9)))
      const error = failure(badFeature.outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.match(error.path ?? "", /^features\[1\]\.geometry/)
    }))

  it.live("a stalled page is a TimeoutError, not a wait forever", () =>
    Effect.gen(function*() {
      const start = Date.now()
      const { outcome } = yield* against(
        (_q, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.write(`{"type":"FeatureCollection","features":[`)
        },
        Features.collect(Features.layer(9)),
        { idleTimeout: "300 millis", timeout: "2 seconds" }
      )
      assert.strictEqual(failure(outcome)._tag, "TimeoutError")
      assert.isBelow(Date.now() - start, 3_000)
    }))

  it.live("interrupting the stream aborts the request under way: the server sees the connection close", () =>
    Effect.gen(function*() {
      let closed: ((value: boolean) => void) | undefined
      const sawClose = new Promise<boolean>((resolve) => (closed = resolve))
      const server = yield* hostileServer((request, response, index) => {
        if (index === 0) return json(response, collection(Array.from({ length: 5 }, (_, i) => feature(i))))
        response.writeHead(200, { "content-type": "application/json" })
        response.write(`{"type":"FeatureCollection","features":[`)
        request.socket.on("close", () => closed?.(!response.writableFinished))
      })
      const taken: Array<unknown> = []
      const fiber = yield* Features.stream(Features.layer(9).pipe(Features.pageSize(5))).pipe(
        Stream.runForEach((f) => Effect.sync(() => taken.push(f))),
        Effect.provide(client(server)),
        Effect.forkChild
      )
      for (let wait = 0; wait < 300 && server.received.length < 2; wait++) yield* Effect.sleep("10 millis")
      yield* Effect.sleep("50 millis")
      const interruptedAt = Date.now()
      yield* Fiber.interrupt(fiber)
      const aborted = yield* Effect.promise(() => sawClose).pipe(Effect.timeout("1 second"))
      assert.isTrue(aborted, "the connection closed before the reply was complete")
      assert.isBelow(Date.now() - interruptedAt, 500)
      assert.lengthOf(taken, 5)
    }).pipe(Effect.scoped))

  it.live("a page or a point query redirected to another origin is a RedirectError: nothing, the key least of all, reaches it", () =>
    Effect.gen(function*() {
      const elsewhere = yield* hostileServer((_q, response) => json(response, collection([])))
      const redirecting: Handler = (request, response) => {
        response.writeHead(302, { location: `${elsewhere.origin}${request.url}` })
        response.end()
      }
      for (const effect of [Features.collect(Features.layer(9)), VectorQuery.near(point)] as const) {
        const { outcome, server } = yield* against(redirecting, effect as Effect.Effect<unknown, unknown, Koordinates.Koordinates>)
        const error = failure(outcome)
        assert.strictEqual(error._tag, "RedirectError")
        assert.notInclude(JSON.stringify(error), token)
        assert.lengthOf(server.received, 1)
      }
      assert.lengthOf(elsewhere.received, 0)
    }).pipe(Effect.scoped))
})

describe("Features.changes", () => {
  it.live("asks for the changeset type with viewparams, and splits __change__ from the properties", () =>
    Effect.gen(function*() {
      const rows = [
        { ...feature(1), properties: { __change__: "INSERT", n: 1 } },
        { ...feature(2), geometry: null, properties: { __change__: "DELETE", n: 2 } }
      ]
      const { outcome, server } = yield* against(
        (_q, response) => json(response, collection(rows)),
        Stream.runCollect(Features.changes(Features.table(12), { from: "2018-08-25T07:33:06.274671Z", to: new Date("2018-09-01T07:35:20.049Z") }))
      )
      assert.strictEqual(outcome._tag, "Success")
      const changes = success(outcome) as ReadonlyArray<Features.Change>
      assert.deepStrictEqual(changes.map((c) => [c.change, c.feature.properties]), [["INSERT", { n: 1 }], ["DELETE", { n: 2 }]])
      const params = new URL(server.received[0]!.url, server.origin).searchParams
      assert.strictEqual(params.get("typeNames"), "table-12-changeset")
      assert.strictEqual(params.get("viewparams"), "from:2018-08-25T07:33:06.274671Z;to:2018-09-01T07:35:20.049Z")
    }))

  it.live("a row without __change__ is a ResponseDecodeError at its properties", () =>
    Effect.gen(function*() {
      const { outcome } = yield* against(
        (_q, response) => json(response, collection([feature(1)])),
        Stream.runCollect(Features.changes(5, { from: "2020-01-01", to: "2020-02-01" }))
      )
      const error = failure(outcome)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.path, "features[0].properties.__change__")
    }))

  it.live("a refusal that names the missing primary key is NoPrimaryKey", () =>
    Effect.gen(function*() {
      const report = `<ows:ExceptionReport><ows:Exception exceptionCode="InvalidParameterValue" locator="typeNames">` +
        `<ows:ExceptionText>Changesets need a primary key: layer-5 has none</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`
      const { outcome } = yield* against(
        (_q, response) => reply(response, 400, "application/xml", report),
        Stream.runCollect(Features.changes(5, { from: "2020-01-01", to: "2020-02-01" }))
      )
      const error = failure(outcome) as { _tag: string; typeName?: string }
      assert.strictEqual(error._tag, "NoPrimaryKey")
      assert.strictEqual(error.typeName, "layer-5-changeset")
    }))
})

describe("service URLs keep the key masked", () => {
  it.live("every string form is masked; reveal() and the Redacted give the real URL", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_q, response) => json(response, {}))
      const urls = yield* Effect.all([
        ServiceUrls.xyz({ layer: 50767 }),
        ServiceUrls.xyz({ set: 4 }, { style: "auto", origin: "https://tiles-a.koordinates.com" }),
        ServiceUrls.wmts({ layer: 50767 }),
        ServiceUrls.wmts(),
        ServiceUrls.wfs({ table: 3 }),
        ServiceUrls.wms({ layer: 7 }, { key: "query" })
      ]).pipe(Effect.provide(client(server)))
      assert.deepStrictEqual(urls.map(String), [
        `${server.origin}/services;key=<redacted>/tiles/v4/layer=50767/EPSG:3857/{z}/{x}/{y}.png`,
        `https://tiles-a.koordinates.com/services;key=<redacted>/tiles/v4/set=4,style=auto/EPSG:3857/{z}/{x}/{y}.png`,
        `${server.origin}/services;key=<redacted>/wmts/1.0.0/layer/50767/WMTSCapabilities.xml`,
        `${server.origin}/services;key=<redacted>/wmts/1.0.0/WMTSCapabilities.xml`,
        `${server.origin}/services;key=<redacted>/wfs/table-3`,
        `${server.origin}/services/wms/layer-7?key=<redacted>`
      ])
      for (const url of urls) {
        for (const text of [String(url), `${url}`, JSON.stringify({ url }), inspect(url), inspect({ url }), url.masked, String(url.redacted)]) {
          assert.notInclude(text, token)
        }
        assert.include(url.reveal(), token)
        assert.strictEqual(Redacted.value(url.redacted), url.reveal())
      }
      assert.strictEqual(urls[0]!.reveal(), `${server.origin}/services;key=${token}/tiles/v4/layer=50767/EPSG:3857/{z}/{x}/{y}.png`)
    }).pipe(Effect.scoped))

  it.live("bad targets and options are ClientValidationErrors", () =>
    Effect.gen(function*() {
      const server = yield* hostileServer((_q, response) => json(response, {}))
      const outcomes = yield* Effect.all([
        ServiceUrls.xyz({ table: 3 } as ServiceUrls.Target),
        ServiceUrls.xyz({ layer: 0 }),
        ServiceUrls.xyz({ layer: 1 }, { origin: "http://tiles.example.com" }),
        ServiceUrls.wfs({ layer: 1, set: 2 } as unknown as ServiceUrls.Target)
      ].map((effect) => Effect.flip(effect))).pipe(Effect.provide(client(server)))
      assert.deepStrictEqual(outcomes.map((e) => [e._tag, e.field]), [
        ["ClientValidationError", "target"],
        ["ClientValidationError", "layer"],
        ["ClientValidationError", "origin"],
        ["ClientValidationError", "target"]
      ])
    }).pipe(Effect.scoped))
})
