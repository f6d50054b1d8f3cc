/**
 * From a URL to the object it names: `Urls.parse` on the URLs replies carry (the fake's and
 * the recorded ones), `Urls.get` fetching each kind with its model, and `Urls.getSource`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Sources from "@koordinates-effect/client/Sources"
import * as Urls from "@koordinates-effect/client/Urls"
import * as Users from "@koordinates-effect/client/Users"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"
import { fixturesPresent, readFixture } from "./support/fixtures.ts"

const host = "https://labs.koordinates.com/services/api/v1.x"

describe("Urls.parse", () => {
  const cases: ReadonlyArray<readonly [string, Urls.Reference]> = [
    ["layers/1474/", { _tag: "Layer", layerId: 1474 }],
    ["layers/1474/versions/4067/", { _tag: "LayerVersion", layerId: 1474, versionId: 4067 }],
    ["tables/7/", { _tag: "Table", tableId: 7 }],
    ["tables/7/versions/8/", { _tag: "TableVersion", tableId: 7, versionId: 8 }],
    ["sets/933/", { _tag: "Set", setId: 933 }],
    ["sets/5/versions/10/", { _tag: "SetVersion", setId: 5, versionId: 10 }],
    ["publish/2054/", { _tag: "Publish", publishId: 2054 }],
    ["licenses/9/", { _tag: "License", licenseId: 9 }],
    ["sources/44/", { _tag: "Source", sourceId: 44 }],
    ["sources/44/scans/41/", { _tag: "Scan", sourceId: 44, scanId: 41 }],
    ["sources/55/datasources/167/", { _tag: "Datasource", sourceId: 55, datasourceId: 167 }],
    ["exports/3/", { _tag: "Export", exportId: 3 }],
    ["exports/croplayers/1/", { _tag: "CropLayer", cropLayerId: 1 }],
    ["exports/croplayers/1/cropfeatures/12/", { _tag: "CropFeature", cropLayerId: 1, cropFeatureId: 12 }],
    ["tokens/987654/", { _tag: "Token", tokenId: 987654 }],
    ["users/4/", { _tag: "User", userId: 4 }],
    ["groups/119/", { _tag: "Group", groupId: 119 }]
  ]
  for (const [path, expected] of cases) {
    it.effect(`${path} is a ${expected._tag}`, () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* Urls.parse(`${host}/${path}`), expected)
      }))
  }

  it.effect("reads any host and API version, with or without the trailing slash or a query", () =>
    Effect.gen(function*() {
      const expected: Urls.Reference = { _tag: "LayerVersion", layerId: 8107, versionId: 9860 }
      assert.deepStrictEqual(yield* Urls.parse("https://test.koordinates.com/services/api/v1/layers/8107/versions/9860/"), expected)
      assert.deepStrictEqual(yield* Urls.parse("http://127.0.0.1:9/services/api/v1.x/layers/8107/versions/9860?x=1"), expected)
    }))

  for (
    const [name, url] of [
      ["text that is no URL", "layers/1/"],
      ["a site page", "https://labs.koordinates.com/layer/1474-roads/"],
      ["a kind this client does not read", `${host}/documents/5/`],
      ["a named version", `${host}/layers/1/versions/draft/`],
      ["a list", `${host}/layers/`],
      ["a non-numeric id", `${host}/layers/abc/`]
    ] as const
  ) {
    it.effect(`refuses ${name} with ClientValidationError`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Urls.parse(url))
        assert.strictEqual(error._tag, "ClientValidationError")
        assert.strictEqual(error.field, "url")
      }))
  }

  it.effect.skipIf(!fixturesPresent)("parses every item URL of the recorded publishes and sets", () =>
    Effect.gen(function*() {
      const publishes = readFixture("responses_7__publish_multiple_get_simulated_response.json") as ReadonlyArray<
        { readonly items: ReadonlyArray<string> }
      >
      const set = readFixture("responses_3__sets_single_good_simulated_response.json") as { readonly items: ReadonlyArray<string> }
      const versions = yield* Effect.forEach(publishes.flatMap((p) => p.items), Urls.parse)
      assert.isAbove(versions.length, 0)
      for (const ref of versions) assert.include(["LayerVersion", "TableVersion", "SetVersion"], ref._tag)
      const layers = yield* Effect.forEach(set.items, Urls.parse)
      assert.deepStrictEqual(layers[0], { _tag: "Layer", layerId: 4226 })
      const scan = readFixture("sources__source_scan_detail.json") as { readonly source: string; readonly url: string }
      assert.deepStrictEqual(yield* Urls.parse(scan.url), { _tag: "Scan", sourceId: 44, scanId: 41 })
      assert.strictEqual((yield* Urls.parse(scan.source))._tag, "Source")
    }))
})

describe("Urls.get", () => {
  it.live("fetches what the URLs in replies name, each with its model", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads", draft: "ok" })
        const transport = fake.store.addSet({ title: "Transport", items: [roads.id] })
        const draft = yield* Layers.getDraft(roads.id)
        const publish = yield* Publishing.create({ items: [draft] })
        const atVersion = yield* Urls.get(publish.items[0]!)
        assert.instanceOf(atVersion, Layers.Layer)
        assert.strictEqual((atVersion as Layers.Layer).version?.id, draft.version?.id)
        const set = yield* Urls.get((yield* Sets.get(transport.id)).url, "Set")
        assert.instanceOf(set, Sets.Set)
        const item = set.items?.[0]
        assert.strictEqual((yield* Urls.get(typeof item === "string" ? item : "", "Layer")).name, "Roads")
        assert.strictEqual((yield* Urls.get(publish.url, "Publish")).id, publish.id)
        const [entry] = yield* Query.collect(Catalog.list().pipe(Query.filter({ type: "set" })))
        assert.instanceOf(yield* Urls.get(entry!.url), Sets.Set)
        const user = yield* Urls.get({ _tag: "User", userId: (yield* Users.me()).id })
        assert.instanceOf(user, Users.User)
        const cropLayer = (yield* Query.collect(Exports.listCropLayers()))[0]!
        assert.instanceOf(yield* Urls.get(cropLayer.url), Exports.CropLayer)
      })
    ))

  it.live("getSource reads the source of a scan and of a datasource", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const record = fake.store.addSource({ title: "Contours" })
        const scan = yield* Sources.startScan(record.id)
        yield* Sources.waitForScan(record.id, scan.id, { schedule: Schedule.spaced("5 millis") })
        const fromScan = yield* Urls.getSource(yield* Sources.getScan(record.id, scan.id))
        assert.instanceOf(fromScan, Sources.Source)
        assert.strictEqual(fromScan.title, "Contours")
        const [datasource] = yield* Query.collect(Sources.listDatasources(record.id))
        const fromDatasource = yield* Urls.getSource(yield* Urls.get(datasource!.url, "Datasource"))
        assert.strictEqual(fromDatasource.id, record.id)
      })
    ))

  it.live("a URL of another kind than expected, or of nothing, fails before any request", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const root = `${fake.origin}/services/api/v1.x`
        const wrongKind = yield* failure(Urls.get(`${root}/layers/1/`, "Source"))
        if (wrongKind._tag !== "ClientValidationError") return assert.fail(wrongKind._tag)
        assert.include(wrongKind.message, "names a Layer, not a Source")
        const noSource = yield* failure(Urls.getSource(new Sources.Scan({ id: 1, url: `${root}/sources/1/scans/1/`, status: "completed" })))
        assert.strictEqual(noSource._tag, "ClientValidationError")
        const badId = yield* failure(Urls.get({ _tag: "Layer", layerId: 0 }))
        assert.strictEqual(badId._tag, "ClientValidationError")
        assert.strictEqual(fake.log.count(), 0)
      })
    ))

  it.live("reads from the configured site whatever host the URL gives", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const roads = fake.store.addLayer({ name: "Roads" })
        const layer = yield* Urls.get(`https://elsewhere.example/services/api/v1/layers/${roads.id}/`, "Layer")
        assert.strictEqual(layer.name, "Roads")
        assert.strictEqual(fake.log.entries()[0]?.path, `/services/api/v1.x/layers/${roads.id}/`)
      })
    ))
})
