/**
 * `koordinates features list|count|changes`: a layer's or table's features through WFS —
 * boxed, filtered (CQL), trimmed to some properties, in another CRS — streamed page by
 * page (NDJSON with `--json`, one GeoJSON Feature per line as pages arrive), their count,
 * and what changed between two instants (changesets).
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Features from "@koordinates-effect/client/Features"
import type * as GeoJson from "@koordinates-effect/client/GeoJson"
import { format } from "../connection.ts"
import * as List from "../list.ts"
import { type Column, jsonExcerpt, printList, printOne } from "../output.ts"
import * as Resource from "../resource.ts"

const target = {
  layer: Flag.Int("layer").pipe(Flag.withMetavar("id"), Flag.withDescription("The vector layer's id"), Flag.optional),
  table: Flag.Int("table").pipe(Flag.withMetavar("id"), Flag.withDescription("The table's id (instead of --layer)"), Flag.optional)
}

const selection = {
  ...target,
  bbox: Flag.String("bbox").pipe(
    Flag.withMetavar("minx,miny,maxx,maxy[,CRS]"),
    Flag.withDescription("Only features in this box (longitude/latitude unless a CRS follows); not with --filter"),
    Flag.optional
  ),
  filter: Flag.String("filter").pipe(
    Flag.withMetavar("cql"),
    Flag.withDescription("Only features matching this CQL filter, e.g. \"name LIKE 'A%' AND area > 1000\""),
    Flag.optional
  ),
  property: Flag.String("property").pipe(
    Flag.withMetavar("name"),
    Flag.withDescription("Only these properties (repeat it); name the geometry column to keep the geometry"),
    Flag.atLeast(0)
  ),
  srs: Flag.String("srs").pipe(Flag.withMetavar("crs"), Flag.withDescription("Coordinates in this CRS, e.g. EPSG:2193"), Flag.optional),
  pageSize: Flag.Int("page-size").pipe(Flag.withMetavar("n"), Flag.withDescription("Features per request"), Flag.optional)
}

type Target = { readonly layer: Option.Option<number>; readonly table: Option.Option<number> }
type Selection = Target & {
  readonly bbox: Option.Option<string>
  readonly filter: Option.Option<string>
  readonly property: ReadonlyArray<string>
  readonly srs: Option.Option<string>
  readonly pageSize: Option.Option<number>
}

const invalid = (field: string, message: string) => Effect.fail(new ClientValidationError({ field, message }))

/** `--layer` or `--table`, exactly one. */
const source = ({ layer, table }: Target): Effect.Effect<Features.Features, ClientValidationError> =>
  Option.isSome(layer) && Option.isNone(table)
    ? Effect.succeed(Features.layer(layer.value))
    : Option.isSome(table) && Option.isNone(layer)
    ? Effect.succeed(Features.table(table.value))
    : invalid("layer", "Give one of --layer ID or --table ID")

/** `minx,miny,maxx,maxy[,CRS]` as a box. */
const box = (text: string): Effect.Effect<Features.BBox, ClientValidationError> => {
  const [minX, minY, maxX, maxY, ...crs] = text.split(",").map((part) => part.trim())
  const numbers = [minX, minY, maxX, maxY].map(Number)
  return numbers.every((n) => Number.isFinite(n)) && crs.length <= 1 && ![minX, minY, maxX, maxY].includes("")
    ? Effect.succeed({ box: numbers as unknown as Features.BBox["box"], crs: crs[0] })
    : invalid("bbox", `Invalid --bbox "${text}": expected minx,miny,maxx,maxy with an optional CRS`)
}

/** The flags as a `Features` value; the client checks the rest (both a box and a filter, page sizes) before any request. */
const features = (given: Selection): Effect.Effect<Features.Features, ClientValidationError> =>
  Effect.gen(function*() {
    let self = yield* source(given)
    if (Option.isSome(given.bbox)) {
      const { box: corners, crs } = yield* box(given.bbox.value)
      self = Features.bbox(self, corners, crs)
    }
    if (Option.isSome(given.filter)) self = Features.filter(self, given.filter.value)
    if (given.property.length > 0) self = Features.propertyNames(self, given.property)
    if (Option.isSome(given.srs)) self = Features.srsName(self, given.srs.value)
    if (Option.isSome(given.pageSize)) self = Features.pageSize(self, given.pageSize.value)
    return self
  })

const columns: ReadonlyArray<Column<GeoJson.Feature>> = [
  ["ID", (f) => f.id],
  ["GEOMETRY", (f) => f.geometry?.type],
  ["PROPERTIES", (f) => jsonExcerpt(f.properties)]
]

const list = Command.make(
  "list",
  {
    ...selection,
    limit: List.flags.limit
  },
  Effect.fn(function*({ limit, ...given }) {
    const self = yield* features(given)
    const limited = Option.isSome(limit) ? Features.limit(self, limit.value) : self
    yield* printList(Features.stream(limited), columns, yield* format)
  })
).pipe(
  Command.withDescription("List a layer's or table's features (GeoJSON, streamed page by page)"),
  Command.withExamples([
    { command: "koordinates features list --layer 50772 --bbox 174.7,-41.35,174.85,-41.2 --json > parcels.ndjson" },
    { command: "koordinates features list --layer 50772 --filter \"parcel_intent='Road'\" --property parcel_intent --limit 20" }
  ])
)

const count = Command.make(
  "count",
  selection,
  Effect.fn(function*(given) {
    const matched = yield* Features.count(yield* features(given))
    yield* printOne({ count: matched }, [["count", (c) => c.count]], yield* format)
  })
).pipe(
  Command.withDescription("Count the features that match (one request)"),
  Command.withExamples([{ command: "koordinates features count --layer 50772 --filter \"area > 1000\"" }])
)

const changeColumns: ReadonlyArray<Column<Features.Change>> = [
  ["CHANGE", (c) => c.change],
  ["ID", (c) => c.feature.id],
  ["GEOMETRY", (c) => c.feature.geometry?.type],
  ["PROPERTIES", (c) => jsonExcerpt(c.feature.properties)]
]

const changes = Command.make(
  "changes",
  {
    ...selection,
    from: Flag.String("from").pipe(Flag.withMetavar("instant"), Flag.withDescription("After this instant (exclusive), ISO 8601, UTC unless zoned")),
    to: Flag.String("to").pipe(Flag.withMetavar("instant"), Flag.withDescription("Up to this instant (inclusive)"))
  },
  Effect.fn(function*({ from, to, ...given }) {
    const self = yield* features(given)
    yield* printList(Features.changes(self, { from, to }), changeColumns, yield* format)
  })
).pipe(
  Command.withDescription("What changed between two instants: one INSERT, UPDATE or DELETE per feature (NoPrimaryKey: exit 2)"),
  Command.withExamples([
    { command: "koordinates features changes --layer 50804 --from 2018-08-25T07:33:06Z --to 2018-09-01 --json" }
  ])
)

/**
 * `koordinates features …`
 *
 * @since 0.2.0
 */
export const command = Resource.group("features", {
  description: "Features of layers and tables, through WFS",
  examples: [{ command: "koordinates features list --layer 50772 --limit 5 --json" }]
}, [list, count, changes])
