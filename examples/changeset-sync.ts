/**
 * A local copy of a layer kept in sync from changesets: an NDJSON file of its features
 * (one a line) and, beside it, the instant it is current to. The first run copies the layer
 * whole; each run after asks only for what changed since (`from` exclusive, `to`
 * inclusive, so no revision is applied twice or missed) and applies it: INSERT and UPDATE
 * write the feature, DELETE removes it. The new copy is written beside the old one and
 * renamed over it, so a run that fails leaves the last good copy.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as Features from "@koordinates-effect/client/Features"
import type * as GeoJson from "@koordinates-effect/client/GeoJson"
import { toNdjson } from "./features-ndjson.ts"

/** What one run did. */
export interface SyncReport {
  readonly from: string | undefined
  readonly to: string
  readonly inserted: number
  readonly updated: number
  readonly deleted: number
  readonly features: number
}

/** The file holding the instant the copy is current to. */
const stateFile = (file: string) => `${file}.state.json`

/** A feature's primary key: its `id` (the service's `layer-N.pk`), or a property's value. */
const keyOf = (feature: GeoJson.Feature, key: string | undefined) =>
  String(key === undefined ? feature.id : feature.properties?.[key])

const readCopy = (file: string, key: string | undefined): Map<string, GeoJson.Feature> => {
  const copy = new Map<string, GeoJson.Feature>()
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue
    const feature = JSON.parse(line) as GeoJson.Feature
    copy.set(keyOf(feature, key), feature)
  }
  return copy
}

const writeCopy = (file: string, features: Iterable<GeoJson.Feature>) => {
  const temporary = `${file}.partial`
  const fd = fs.openSync(temporary, "w")
  try {
    for (const feature of features) fs.writeSync(fd, `${JSON.stringify(feature)}\n`)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temporary, file)
}

/**
 * Brings `file` up to date with layer `layerId` as of `now` (default: this instant; a
 * timestamp as the service writes it, or a `Date`), keyed by feature id or by the property `key`.
 */
export const sync = (layerId: number, file: string, options: { readonly key?: string; readonly now?: Date | string } = {}) =>
  Effect.gen(function*() {
    // a text instant goes as it is: a Date keeps milliseconds only, and a revision published
    // at .123456 is after a `to` of .123
    const now = options.now ?? new Date()
    const to = typeof now === "string" ? now : now.toISOString()
    const state = fs.existsSync(stateFile(file))
      ? (JSON.parse(fs.readFileSync(stateFile(file), "utf8")) as { readonly to: string })
      : undefined
    if (state === undefined || !fs.existsSync(file)) {
      const features = yield* toNdjson(Features.layer(layerId), `${file}.partial`)
      fs.renameSync(`${file}.partial`, file)
      fs.writeFileSync(stateFile(file), JSON.stringify({ to }))
      yield* Console.log(`Copied layer ${layerId}: ${features} feature(s), current to ${to}`)
      return { from: undefined, to, inserted: features, updated: 0, deleted: 0, features } satisfies SyncReport
    }
    const copy = readCopy(file, options.key)
    const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 }
    yield* Features.changes(layerId, { from: state.to, to }).pipe(
      Stream.runForEach(({ change, feature }) =>
        Effect.sync(() => {
          counts[change]++
          if (change === "DELETE") copy.delete(keyOf(feature, options.key))
          else copy.set(keyOf(feature, options.key), feature)
        })
      )
    )
    writeCopy(file, copy.values())
    fs.writeFileSync(stateFile(file), JSON.stringify({ to }))
    yield* Console.log(
      `Layer ${layerId} from ${state.to} to ${to}: ${counts.INSERT} inserted, ${counts.UPDATE} updated, ${counts.DELETE} deleted; ${copy.size} feature(s)`
    )
    return { from: state.to, to, inserted: counts.INSERT, updated: counts.UPDATE, deleted: counts.DELETE, features: copy.size } satisfies SyncReport
  })
