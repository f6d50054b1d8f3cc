/**
 * The Quick Start of the Koordinates client, read side: stream layers, filter and sort the
 * catalog, take the first few, count, expand a list (the catalog's too), and fetch one layer
 * in full — the newest the site lists, so it runs on any site or fake.
 *
 * Run it against a site, or against `npm run fake` in another terminal:
 *
 *     KOORDINATES_HOST=http://127.0.0.1:8080 KOORDINATES_TOKEN=test-token node examples/quickstart.ts
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"

/** Lists, filters, counts and fetches, printing as it goes. */
export const quickstart = Effect.gen(function*() {
  yield* Console.log("Five layers, streamed page by page:")
  yield* Query.stream(Query.limit(Layers.list(), 5)).pipe(
    Stream.runForEach((layer) => Console.log(`  ${layer.id}  ${layer.name}`))
  )

  const ccLayers = Catalog.list().pipe(
    Query.filter({ "license.type": "cc" }),
    Query.filter({ type: "layer" }),
    Query.orderBy("-created_at")
  )
  const first3 = yield* Query.collect(Query.limit(ccLayers, 3))
  const total = yield* Query.count(ccLayers)
  yield* Console.log(`Creative Commons layers: ${total}; the newest three:`)
  for (const entry of first3) yield* Console.log(`  ${entry.id}  ${entry._tag === "Document" ? entry.name : entry.title}`)

  const expanded = yield* Query.collect(Layers.list().pipe(Query.expand, Query.limit(2)))
  yield* Console.log(`Two layers in full (Expand: list): ${expanded.map((l) => `${l.name} [${l.data.crs ?? "no CRS"}]`).join(", ")}`)

  const catalog = yield* Query.collect(Catalog.list().pipe(Query.expand, Query.limit(5)))
  yield* Console.log(`The catalog in full (Expand: list), first five:`)
  for (const entry of catalog) {
    const detail = entry._tag === "Layer" || entry._tag === "Table"
      ? `${entry.name} [${entry.data.crs ?? "no CRS"}]`
      : entry._tag === "Document"
      ? entry.name
      : entry.title
    yield* Console.log(`  ${entry._tag} ${entry.id}  ${detail}`)
  }

  const newest = yield* Query.first(Layers.list().pipe(Query.orderBy("-created_at")))
  if (Option.isSome(newest)) {
    const layer = yield* Layers.get(newest.value.id)
    yield* Console.log(
      `Newest layer: ${layer.name} (${layer.kind}, ${layer.data.crs ?? "no CRS"}, ${layer.data.fields?.length ?? 0} fields)`
    )
    const versions = yield* Query.collect(Layers.listVersions(layer.id))
    yield* Console.log(`  ${versions.length} version(s); published: ${Layers.isPublishedVersion(layer)}`)
  } else yield* Console.log("No layers listed: nothing to fetch in full")
})

// `node examples/quickstart.ts`: KOORDINATES_HOST and KOORDINATES_TOKEN from the environment
if (import.meta.filename === process.argv[1]) {
  const live = Koordinates.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
  Effect.runPromise(quickstart.pipe(Effect.provide(live))).catch((error: unknown) => {
    console.error(String(error))
    process.exitCode = 1
  })
}
