/**
 * The data-service modules against FakeKoordinates over real HTTP: point queries (vector,
 * raster, set), WFS features and their paging, changesets, and the key kept out of every
 * URL (it goes in the `Authorization` header, which the fake's data services accept).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Features from "@koordinates-effect/client/Features"
import * as Schema from "effect/Schema"
import * as RasterQuery from "@koordinates-effect/client/RasterQuery"
import * as ServiceUrls from "@koordinates-effect/client/ServiceUrls"
import * as SetQuery from "@koordinates-effect/client/SetQuery"
import * as VectorQuery from "@koordinates-effect/client/VectorQuery"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import { greatCircle } from "./support/data.ts"
import { withFake } from "./support/fake.ts"

const centre = { x: 174.75, y: -41.25 }
const extent = rectangle(174.6, -41.4, 174.9, -41.1)

/** No request the fake saw carried the key in its URL, and each carried it in the header. */
const keyOnlyInHeader = (entries: ReadonlyArray<{ readonly path: string; readonly query: ReadonlyArray<readonly [string, string]>; readonly headers: Readonly<Record<string, string | undefined>> }>) => {
  assert.isAbove(entries.length, 0)
  for (const entry of entries) {
    assert.notInclude(entry.path, ";key=")
    assert.isFalse(entry.query.some(([name]) => name === "key"), `${entry.path} carried ?key=`)
    assert.match(entry.headers["authorization"] ?? "", /^key /)
  }
}

describe("VectorQuery.near against the fake", () => {
  it.live("finds the points within the radius, nearest first, with the fake's distances; the key only in the header", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const points = fake.store.addLayer({ extent, features: 2000, geometryType: "point" })
        const polygons = fake.store.addLayer({ extent, features: 300, geometryType: "polygon" })
        const radius = 1500
        const [first, second] = yield* VectorQuery.near(
          { layers: [points.id, polygons.id], ...centre },
          { radius, maxResults: 100, geometry: true, withFieldNames: true }
        )
        assert.strictEqual(first!.layerId, points.id)
        assert.strictEqual(second!.layerId, polygons.id)
        const expected = [...fake.store.features(points.id)]
          .map((f) => {
            const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates
            return { key: f.key, distance: greatCircle(centre.x, centre.y, lon, lat) }
          })
          .filter((hit) => hit.distance <= radius)
          .sort((a, b) => a.distance - b.distance)
        assert.isAbove(expected.length, 3)
        assert.deepStrictEqual(first!.features.map((f) => f.id), expected.map((hit) => hit.key))
        first!.features.forEach((feature, index) => {
          assert.strictEqual(feature.geometry?.type, "Point")
          assert.closeTo(feature.distance ?? -1, expected[index]!.distance, 0.1)
          if (index > 0) assert.isAtLeast(feature.distance!, first!.features[index - 1]!.distance!)
          assert.containsAllKeys(feature.properties, points.data.fields.filter((f) => f.type !== "geometry").map((f) => f.name))
        })
        keyOnlyInHeader(fake.log.entries())
      })))

  it.live("maxResults, geometry off and a user schema for the properties", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const points = fake.store.addLayer({ extent, features: 2000, geometryType: "point" })
        const name = points.data.fields.find((f) => f.type !== "geometry")!.name
        const [only] = yield* VectorQuery.near({ layers: [points.id], ...centre }, {
          radius: 5000,
          maxResults: 3,
          withFieldNames: true,
          properties: Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Null]))
        })
        assert.lengthOf(only!.features, 3)
        assert.isTrue(only!.features.every((f) => f.geometry === null))
        assert.property(only!.features[0]!.properties, name)
      })))

  it.live("the fake's refusals arrive as tagged errors: an unknown layer NotFound, a raster layer BadRequest", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const raster = fake.store.addLayer({ kind: "raster" })
        const unknown = yield* Effect.flip(VectorQuery.near({ layers: [999_999], ...centre }))
        assert.strictEqual(unknown._tag, "NotFound")
        assert.include(unknown.message, "999999")
        const notVector = yield* Effect.flip(VectorQuery.near({ layers: [raster.id], ...centre }))
        assert.strictEqual(notVector._tag, "BadRequest")
        assert.include(notVector.message, "not a vector layer")
      })))
})

describe("RasterQuery.at and SetQuery.near against the fake", () => {
  it.live("raster values per band inside the extent, no-data outside", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const grid = fake.store.addLayer({ kind: "grid", extent })
        const raster = fake.store.addLayer({ kind: "raster", extent })
        const [g, r] = yield* RasterQuery.at({ layers: [grid.id, raster.id], ...centre })
        assert.deepStrictEqual([g!.layerId, g!.status, g!.bands.length], [grid.id, "ok", 1])
        assert.deepStrictEqual([r!.layerId, r!.status, r!.bands.length], [raster.id, "ok", 3])
        assert.isTrue(r!.bands.every((b) => typeof b.value === "number"))
        const [outside] = yield* RasterQuery.at({ layers: [grid.id], x: 0, y: 0 })
        assert.deepStrictEqual([outside!.status, outside!.bands.length], ["no-data", 0])
        keyOnlyInHeader(fake.log.entries())
      })))

  it.live("a set's layers in the set's order, vector features and raster bands alike", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const grid = fake.store.addLayer({ kind: "grid", extent })
        const points = fake.store.addLayer({ extent, features: 2000, geometryType: "point" })
        const set = fake.store.addSet({ items: [grid.id, points.id] })
        const layers = yield* SetQuery.near({ set: set.id, ...centre }, { radius: 1000, maxResults: 5, withFieldNames: true })
        assert.deepStrictEqual(layers.map((l) => l.id), [grid.id, points.id])
        assert.deepStrictEqual(layers.map((l) => l.title), [grid.name, points.name])
        assert.strictEqual(layers[0]!.bands.length, 1)
        assert.isAtMost(layers[1]!.features.length, 5)
        assert.isAbove(layers[1]!.features.length, 0)
      })))
})

describe("ServiceUrls against the fake", () => {
  it.live("the revealed XYZ template and WMTS capabilities URLs are served; their string forms carry no key", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 10, geometryType: "point" })
        const template = yield* ServiceUrls.xyz({ layer: layer.id })
        const styled = yield* ServiceUrls.xyz({ layer: layer.id }, { style: "auto", key: "query" })
        const capabilities = yield* ServiceUrls.wmts({ layer: layer.id })
        const site = yield* ServiceUrls.wmts()
        const fetched = yield* Effect.promise(() =>
          Promise.all([template, styled].map((url) => fetch(url.reveal().replace("{z}/{x}/{y}", "10/1015/640"))).concat(
            [capabilities, site].map((url) => fetch(url.reveal()))
          ))
        )
        assert.deepStrictEqual(fetched.map((r) => r.status), [200, 200, 200, 200])
        assert.strictEqual(fetched[0]!.headers.get("content-type"), "image/png")
        assert.include(yield* Effect.promise(() => fetched[2]!.text()), "Capabilities")
        for (const url of [template, styled, capabilities, site]) {
          assert.notInclude(String(url), "test-token")
          assert.include(url.reveal(), "test-token")
        }
      })))
})

/** The fake's features of a layer as GeoJSON ids and properties, in key order. */
const served = (fake: { readonly store: { features: (id: number) => Iterable<{ key: number; properties: Readonly<Record<string, unknown>> }> } }, id: number, kind = "layer") =>
  [...fake.store.features(id)].map((f) => ({ id: `${kind}-${id}.${f.key}`, properties: f.properties }))

describe("Features against the fake's WFS", () => {
  it.live("streams a layer page by page with count and startIndex, every feature once, in order", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 2_345, geometryType: "polygon" })
        const features = yield* Features.collect(Features.layer(layer.id).pipe(Features.pageSize(1000)))
        assert.deepStrictEqual(features.map((f) => ({ id: f.id, properties: f.properties })), served(fake, layer.id))
        assert.isTrue(features.every((f) => f.geometry?.type === "Polygon"))
        const pages = fake.log.entries().map((e) => Object.fromEntries(e.query))
        assert.deepStrictEqual(pages.map((p) => [p["count"], p["startIndex"]]), [["1000", "0"], ["1000", "1000"], ["1000", "2000"]])
        assert.strictEqual(yield* Features.count(Features.layer(layer.id)), 2_345)
        keyOnlyInHeader(fake.log.entries())
      })))

  it.live("a table's rows, a CQL filter, property names, srsName, limit and a typed schema", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const table = fake.store.addLayer({ kind: "table", features: 40 })
        const rows = yield* Features.collect(Features.table(table.id).pipe(Features.pageSize(15)))
        assert.deepStrictEqual(rows.map((r) => r.id), served(fake, table.id, "table").map((r) => r.id))
        assert.isTrue(rows.every((r) => r.geometry === null))

        const layer = fake.store.addLayer({ extent, features: 500, geometryType: "point" })
        const field = layer.data.fields.find((f) => f.type === "integer" || f.type === "double")
        const name = field?.name ?? layer.data.fields.find((f) => f.type !== "geometry")!.name
        const all = served(fake, layer.id)
        const some = all.filter((f) => f.properties[name] !== null)
        const pivot = some[Math.floor(some.length / 2)]!.properties[name]
        const cql = typeof pivot === "number" ? `${name} < ${pivot}` : `${name} = '${String(pivot).replaceAll("'", "''")}'`
        const expected = all.filter((f) => typeof pivot === "number" ? (f.properties[name] as number) < pivot : f.properties[name] === pivot)
        const filtered = Features.layer(layer.id).pipe(Features.filter(cql), Features.pageSize(50))
        assert.deepStrictEqual((yield* Features.collect(filtered)).map((f) => f.id), expected.map((f) => f.id))
        assert.strictEqual(yield* Features.count(filtered), expected.length)

        const picked = yield* Features.collect(Features.layer(layer.id).pipe(
          Features.propertyNames([name]),
          Features.srsName("EPSG:2193"),
          Features.limit(7),
          Features.withProperties(Schema.Struct({ [name]: Schema.Unknown }))
        ))
        assert.lengthOf(picked, 7)
        assert.deepStrictEqual(Object.keys(picked[0]!.properties ?? {}), [name])
        assert.isNull(picked[0]!.geometry, "the geometry comes only when named")
        const mercator = yield* Features.collect(Features.layer(layer.id).pipe(Features.srsName("EPSG:2193"), Features.limit(1)))
        const [easting] = (mercator[0]!.geometry as { coordinates: ReadonlyArray<number> }).coordinates
        assert.isAbove(easting!, 1_000_000, "NZTM eastings")
      })))

  it.live("a bbox in WGS84 finds the features inside it; a bad CQL filter is a BadRequest with the report's text", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 1000, geometryType: "point" })
        const box = [174.7, -41.3, 174.8, -41.2] as const
        const inside = served(fake, layer.id).filter((_, index) => {
          const f = [...fake.store.features(layer.id)][index]!
          const [x, y] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates
          return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]
        })
        const found = yield* Features.collect(Features.layer(layer.id).pipe(Features.bbox(box, "EPSG:4326"), Features.pageSize(100)))
        assert.deepStrictEqual(found.map((f) => f.id), inside.map((f) => f.id))
        assert.isAbove(found.length, 10)
        const bad = yield* Effect.flip(Features.collect(Features.layer(layer.id).pipe(Features.filter("no_such_field = 1"))))
        assert.strictEqual(bad._tag, "BadRequest")
        assert.include(bad.message, "no_such_field")
        const unknown = yield* Effect.flip(Features.collect(Features.layer(999_999)))
        assert.strictEqual(unknown._tag, "BadRequest")
        assert.include(unknown.message, "layer-999999")
      })))

  it.live("interrupting the stream while a page is held back: the fake sees that connection close, and nothing after", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 5_000, geometryType: "point" })
        let held = false
        const fiber = yield* Features.stream(Features.layer(layer.id).pipe(Features.pageSize(500), Features.prefetch(false))).pipe(
          Stream.runForEach(() =>
            Effect.sync(() => {
              if (held) return
              held = true
              fake.inject({ path: "/services/wfs", delayMs: 30_000, status: 200, body: [] })
            })
          ),
          Effect.forkChild
        )
        while (fake.log.count() < 2) yield* Effect.sleep("5 millis")
        const second = fake.log.entries()[1]!
        const interruptedAt = performance.timeOrigin + performance.now()
        yield* Fiber.interrupt(fiber)
        const closed = yield* Effect.promise(() => fake.log.waitForClose((entry) => entry === second)).pipe(Effect.timeout("1 second"))
        assert.isTrue(closed.aborted, "the connection closed before the reply was complete")
        assert.isBelow(closed.closedAt - interruptedAt, 100)
        yield* Effect.sleep("200 millis")
        assert.strictEqual(fake.log.count(), 2, "no request after the interrupt")
      })))
})

/** The publish timestamps of a layer's published versions, oldest first. */
const published = (layer: { readonly versions: ReadonlyArray<{ readonly published_at: string | null }> }) =>
  layer.versions.map((v) => v.published_at).filter((at): at is string => at !== null).sort()

describe("Features.changes against the fake", () => {
  it.live("from exclusive, to inclusive: the changes of later revisions; applied to the first, they give the current features", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 300, publishedVersions: 3, primaryKey: true })
        const [first, second, third] = published(layer)
        assert.isDefined(third)
        // nothing published after the newest revision, and a span ending just before a revision leaves it out
        assert.lengthOf(yield* Stream.runCollect(Features.changes(layer.id, { from: third!, to: new Date() })), 0)
        const all = yield* Stream.runCollect(Features.changes(Features.layer(layer.id).pipe(Features.pageSize(100)), { from: "1970-01-01", to: first! }))
        assert.lengthOf(all, 300)
        assert.isTrue(all.every((c) => c.change === "INSERT"))
        const copy = new Map(all.map((c) => [c.feature.id, c.feature.properties]))
        const later = yield* Stream.runCollect(Features.changes(layer.id, { from: first!, to: third! }))
        assert.includeMembers([...new Set(later.map((c) => c.change))], ["INSERT", "UPDATE", "DELETE"])
        assert.isTrue(later.every((c) => !("__change__" in (c.feature.properties ?? {}))))
        for (const { change, feature } of later) change === "DELETE" ? copy.delete(feature.id) : copy.set(feature.id, feature.properties)
        assert.deepStrictEqual([...copy].map(([id, properties]) => ({ id, properties })), served(fake, layer.id))
        const secondOnly = yield* Stream.runCollect(Features.changes(layer.id, { from: first!, to: second! }))
        const thirdOnly = yield* Stream.runCollect(Features.changes(layer.id, { from: second!, to: third! }))
        assert.isAbove(secondOnly.length, 0)
        assert.isBelow(secondOnly.length, 100, "from is exclusive: the first revision's inserts are not repeated")
        assert.isAbove(thirdOnly.length, 0)
        const sent = fake.log.entries().map((e) => Object.fromEntries(e.query))
        assert.isTrue(sent.every((q) => q["typeNames"] === `layer-${layer.id}-changeset` && q["viewparams"]!.startsWith("from:")))
        keyOnlyInHeader(fake.log.entries())
      })))

  it.live("a layer without a primary key fails with NoPrimaryKey", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const layer = fake.store.addLayer({ extent, features: 10, primaryKey: false })
        const error = yield* Effect.flip(Stream.runCollect(Features.changes(layer.id, { from: "2020-01-01", to: new Date() })))
        assert.strictEqual(error._tag, "NoPrimaryKey")
        assert.include(error.message, "primary key")
      })))
})
