/**
 * Working through a server that misbehaves: the default retries mend transient failures
 * while a whole catalog streams (each item still arrives once, in order), a budget bounds
 * one call, and a call that must not wait turns retries off for itself.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"

/** Every catalog id, page by page, within two minutes in all. */
export const catalogIds = Query.stream(Query.pageSize(Catalog.list(), 100)).pipe(
  Stream.map((entry) => entry.id),
  Stream.runCollect,
  Koordinates.withRequestOptions({ budget: "2 minutes" })
)

/** A layer's name now or never: no retries, two seconds at most; a failure becomes a note. */
export const nameNow = (id: number) =>
  Layers.get(id).pipe(
    Effect.map((layer) => layer.name),
    Koordinates.withRequestOptions({ retry: false, timeout: "2 seconds" }),
    Effect.catch((error) => Effect.succeed(`(unavailable: ${error._tag})`))
  )

/** Streams the catalog and reads one layer, printing what came through. */
export const resilience = Effect.gen(function*() {
  const ids = yield* catalogIds
  yield* Console.log(`Catalog: ${ids.length} items, ${new Set(ids).size} distinct`)
  if (ids.length > 0) yield* Console.log(`First layer, no retries: ${yield* nameNow(ids[0]!)}`)
})
