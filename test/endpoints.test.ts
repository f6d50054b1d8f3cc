/**
 * Every function declared through an endpoint builder: the request it sends (method and
 * path, ids in their places) and the span it runs in (`Koordinates.{Module}.{function}`),
 * against FakeKoordinates: the first request is the endpoint's own (a create's reply may be
 * followed). Whether the fake finds the object does not matter here.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { CallError, KoordinatesError } from "@koordinates-effect/client/Errors"
import * as Tracer from "effect/Tracer"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Groups from "@koordinates-effect/client/Groups"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Sources from "@koordinates-effect/client/Sources"
import * as Tables from "@koordinates-effect/client/Tables"
import * as Tokens from "@koordinates-effect/client/Tokens"
import * as Users from "@koordinates-effect/client/Users"
import { requested, withFake } from "./support/fake.ts"

const api = "/services/api/v1.x"
const exportRequest = {
  crs: "EPSG:2193",
  formats: { vector: "application/x-ogc-gpkg" },
  items: [{ item: "https://labs.koordinates.com/services/api/v1.x/layers/1/" }]
}

/** span name → the call → the request it sends. */
const calls: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, any>, string]> = [
  ["Koordinates.Licenses.get", Licenses.get(9), "GET /licenses/9/"],
  ["Koordinates.Users.me", Users.me(), "GET /users/me/"],
  ["Koordinates.Users.get", Users.get(4), "GET /users/4/"],
  ["Koordinates.Groups.get", Groups.get(119), "GET /groups/119/"],
  ["Koordinates.Tokens.get", Tokens.get(1), "GET /tokens/1/"],
  ["Koordinates.Tokens.update", Tokens.update(1, { name: "renamed" }), "PUT /tokens/1/"],
  ["Koordinates.Tokens.delete", Tokens.delete(2), "DELETE /tokens/2/"],
  ["Koordinates.Sources.get", Sources.get(21), "GET /sources/21/"],
  ["Koordinates.Sources.create", Sources.create({ type: "info", title: "Notes" }), "POST /sources/"],
  ["Koordinates.Sources.update", Sources.update(21, { title: "Renamed" }), "PUT /sources/21/"],
  ["Koordinates.Sources.delete", Sources.delete(21), "DELETE /sources/21/"],
  ["Koordinates.Sources.startScan", Sources.startScan(21), "POST /sources/21/scans/"],
  ["Koordinates.Sources.getScan", Sources.getScan(21, 5), "GET /sources/21/scans/5/"],
  ["Koordinates.Sources.cancelScan", Sources.cancelScan(21, 5), "DELETE /sources/21/scans/5/"],
  ["Koordinates.Sources.getDatasource", Sources.getDatasource(21, 6), "GET /sources/21/datasources/6/"],
  ["Koordinates.Exports.get", Exports.get(3), "GET /exports/3/"],
  ["Koordinates.Exports.create", Exports.create(exportRequest), "POST /exports/"],
  ["Koordinates.Exports.validate", Exports.validate(exportRequest), "POST /exports/validate/"],
  ["Koordinates.Exports.cancel", Exports.cancel(3), "DELETE /exports/3/"],
  ["Koordinates.Exports.getCropLayer", Exports.getCropLayer(7), "GET /exports/croplayers/7/"],
  ["Koordinates.Exports.getCropFeature", Exports.getCropFeature(7, 8), "GET /exports/croplayers/7/cropfeatures/8/"],
  ["Koordinates.Publishing.get", Publishing.get(5), "GET /publish/5/"],
  ["Koordinates.Publishing.cancel", Publishing.cancel(5), "DELETE /publish/5/"],
  ["Koordinates.Layers.get", Layers.get(1), "GET /layers/1/"],
  ["Koordinates.Layers.getVersion", Layers.getVersion(1, 2), "GET /layers/1/versions/2/"],
  ["Koordinates.Layers.getDraft", Layers.getDraft(1), "GET /layers/1/versions/draft/"],
  ["Koordinates.Layers.getPublished", Tables.getPublished(1), "GET /layers/1/versions/published/"],
  ["Koordinates.Layers.createDraft", Layers.createDraft(1), "POST /layers/1/versions/"],
  ["Koordinates.Layers.startImport", Layers.startImport(1, 2), "POST /layers/1/versions/2/import/"],
  ["Koordinates.Layers.startUpdate", Layers.startUpdate(1), "POST /layers/1/versions/import/"],
  ["Koordinates.Layers.publishVersion", Layers.publishVersion(1, 2), "POST /layers/1/versions/2/publish/"],
  ["Koordinates.Layers.deleteVersion", Layers.deleteVersion(1, 2), "DELETE /layers/1/versions/2/"],
  ["Koordinates.Layers.deleteLayer", Layers.deleteLayer(1), "DELETE /layers/1/"],
  ["Koordinates.Layers.setMetadata", Layers.setMetadata(1, 2, "<x/>"), "POST /layers/1/versions/2/metadata/"],
  ["Koordinates.Sets.create", Sets.create({ title: "Roads" }), "POST /sets/"],
  ["Koordinates.Sets.get", Sets.get(4), "GET /sets/4/"],
  ["Koordinates.Sets.getVersion", Sets.getVersion(4, 2), "GET /sets/4/versions/2/"],
  ["Koordinates.Sets.createDraft", Sets.createDraft(4), "POST /sets/4/versions/"],
  ["Koordinates.Sets.delete", Sets.delete(4), "DELETE /sets/4/"],
  ["Koordinates.Licenses.list", Query.collect(Licenses.list()), "GET /licenses/"],
  ["Koordinates.Users.list", Query.collect(Users.list()), "GET /users/"],
  ["Koordinates.Groups.list", Query.collect(Groups.list()), "GET /groups/"],
  ["Koordinates.Tokens.list", Query.collect(Tokens.list()), "GET /tokens/"],
  ["Koordinates.Sources.list", Query.collect(Sources.list()), "GET /sources/"],
  ["Koordinates.Sources.listDatasources", Query.collect(Sources.listDatasources(21)), "GET /sources/21/datasources/"],
  ["Koordinates.Exports.list", Query.collect(Exports.list()), "GET /exports/"],
  ["Koordinates.Exports.listCropLayers", Query.collect(Exports.listCropLayers()), "GET /exports/croplayers/"],
  ["Koordinates.Exports.listCropFeatures", Query.collect(Exports.listCropFeatures(7)), "GET /exports/croplayers/7/cropfeatures/"],
  ["Koordinates.Publishing.list", Query.collect(Publishing.list()), "GET /publish/"],
  ["Koordinates.Layers.listVersions", Query.collect(Layers.listVersions(1)), "GET /layers/1/versions/"],
  ["Koordinates.Sets.list", Query.collect(Sets.list()), "GET /sets/"],
  ["Koordinates.Sets.listDrafts", Query.collect(Sets.listDrafts()), "GET /sets/drafts/"],
  ["Koordinates.Sets.listVersions", Query.collect(Sets.listVersions(4)), "GET /sets/4/versions/"],
  ["Koordinates.Catalog.list", Query.collect(Catalog.list()), "GET /data/"],
  ["Koordinates.Catalog.listLatest", Query.collect(Catalog.listLatest()), "GET /data/latest/"]
]

describe("endpoint declarations", () => {
  for (const [span, call, request] of calls) {
    it.live(`${span} sends ${request}`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const spans: Array<string> = []
          const tracer = Tracer.make({
            span: (options) => {
              spans.push(options.name)
              return Tracer.nativeTracer.span(options)
            }
          })
          yield* Effect.exit(Effect.withTracer(call, tracer))
          assert.strictEqual(spans[0], span)
          const [method, path] = request.split(" ")
          assert.strictEqual(requested(fake)[0]?.split("?")[0], `${method} ${api}${path}`)
        })
      ))
  }
})

/** A call that fails only as plain requests do. */
const plain = (_: Effect.Effect<unknown, CallError, unknown>) => true

describe("error types", () => {
  it("plain endpoints fail with CallError; waits and downloads add their own errors, all within KoordinatesError", () => {
    assert.isTrue(plain(Layers.get(1)))
    assert.isTrue(plain(Sources.getScan(1, 2)))
    // @ts-expect-error an import can fail with ImportFailed
    assert.isTrue(plain(Layers.waitForImport(1, 2)))
    // @ts-expect-error a scan can fail with ScanFailed
    assert.isTrue(plain(Sources.waitForScan(1, 2)))
    // @ts-expect-error a publish can fail with PublishFailed
    assert.isTrue(plain(Publishing.waitForPublish(1)))
    // @ts-expect-error an export can fail with DownloadError
    assert.isTrue(plain(Exports.waitForExport(1)))
    const any: ReadonlyArray<Effect.Effect<unknown, KoordinatesError, unknown>> = [
      Layers.waitForImport(1, 2),
      Sources.waitForScan(1, 2),
      Publishing.waitForPublish(1),
      Exports.waitForExport(1)
    ]
    assert.lengthOf(any, 4)
  })
})
