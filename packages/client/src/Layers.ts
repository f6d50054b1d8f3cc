/**
 * Layers & Tables: vector, raster and table datasets, each a series of versions (drafts
 * that import data, and published versions).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as Query from "@koordinates-effect/client/Query"
 *
 * const program = Effect.gen(function*() {
 *   const layer = yield* Layers.get(1474)
 *   const versions = yield* Query.collect(Layers.listVersions(layer.id))
 *   return { crs: layer.data.crs, versions: versions.length }
 * })
 * ```
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ClientValidationError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import { License } from "./Licenses.ts"
import { Metadata } from "./Metadata.ts"
import * as Query from "./Query.ts"
import { Group, User } from "./Users.ts"
import * as Http from "./internal/http.ts"
import { optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"

/**
 * A category a layer is listed under.
 *
 * @example
 * ```ts
 * const slugs = (layer: Layer) => layer.categories.map((c: Category) => c.slug)
 * ```
 */
export class Category extends Schema.Class<Category>("@koordinates-effect/client/Category")({
  name: Schema.String,
  slug: Schema.String
}) {}

/**
 * One attribute column of a layer's data (`geometry`, `integer`, `double`, `string`, …).
 *
 * @example
 * ```ts
 * const columns = (layer: Layer) => layer.data.fields.map((f: Field) => `${f.name}: ${f.type}`)
 * ```
 */
export class Field extends Schema.Class<Field>("@koordinates-effect/client/Field")({
  name: Schema.String,
  type: Schema.String
}) {}

/**
 * The data of a layer version: its coordinate system, fields and the datasources it
 * imports from.
 *
 * @example
 * ```ts
 * const crs = (layer: Layer) => layer.data.crs ?? "(no geometry)"
 * ```
 */
export class LayerData extends Schema.Class<LayerData>("@koordinates-effect/client/LayerData")({
  encoding: optionalNullable(Schema.String),
  crs: optionalNullable(Schema.String),
  primary_key_fields: Schema.optionalKey(Schema.Array(Schema.String)),
  datasources: Schema.optionalKey(Schema.Array(Schema.Struct({ id: Schema.Number }))),
  geometry_field: optionalNullable(Schema.String),
  fields: Schema.optionalKey(Schema.Array(Field))
}) {}

/**
 * A version of a layer: its import status and who made it. `created_by` is a user id, or
 * the user itself where the API embeds it.
 *
 * @example
 * ```ts
 * const importing = (v: LayerVersion) => v.status === "importing"
 * ```
 */
export class LayerVersion extends Schema.Class<LayerVersion>("@koordinates-effect/client/LayerVersion")({
  id: Schema.Number,
  url: Schema.String,
  status: Schema.String,
  created_at: Timestamp,
  created_by: Schema.optionalKey(Schema.Union([Schema.Number, User])),
  reference: Schema.optionalKey(Schema.String),
  progress: optionalNullable(Schema.Number)
}) {}

/**
 * A layer as lists return it (abbreviated); {@link Query.expand} gives full {@link Layer}s.
 *
 * @example
 * ```ts
 * const names = Query.stream(Layers.list()).pipe(Stream.map((l: LayerSummary) => l.name))
 * ```
 */
export class LayerSummary extends Schema.Class<LayerSummary>("@koordinates-effect/client/LayerSummary")({
  id: Schema.Number,
  url: Schema.String,
  type: Schema.String,
  name: Schema.String,
  first_published_at: Schema.NullOr(Timestamp),
  published_at: Schema.NullOr(Timestamp)
}) {}

/**
 * A layer (or table) at one version, with its data description, license and links to its
 * published, latest and own versions. `version` is present when fetched through a version
 * endpoint.
 *
 * @example
 * ```ts
 * const layer = yield* Layers.get(1474)
 * layer.data.crs // "EPSG:2193"
 * ```
 */
export class Layer extends Schema.Class<Layer>("@koordinates-effect/client/Layer")({
  id: Schema.Number,
  url: Schema.String,
  type: Schema.String,
  name: Schema.String,
  first_published_at: Schema.NullOr(Timestamp),
  published_at: Schema.NullOr(Timestamp),
  description: Schema.String,
  description_html: Schema.optionalKey(Schema.String),
  group: Group,
  data: LayerData,
  url_html: Schema.optionalKey(Schema.String),
  published_version: optionalNullable(Schema.String),
  latest_version: optionalNullable(Schema.String),
  this_version: optionalNullable(Schema.String),
  kind: Schema.String,
  categories: Schema.Array(Category),
  tags: Schema.Array(Schema.String),
  collected_at: optionalNullable(Schema.Array(Timestamp)),
  created_at: Timestamp,
  license: optionalNullable(License),
  metadata: optionalNullable(Metadata),
  elevation_field: optionalNullable(Schema.String),
  permissions: Schema.optionalKey(Schema.String),
  version: Schema.optionalKey(LayerVersion)
}) {}

/**
 * Attributes layer lists can be filtered on (dotted forms such as `created_at.gte` too).
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.filter({ kind: "raster", "created_at.gte": "2024-01-01" }))
 * ```
 */
export type LayerFilter =
  | "kind"
  | "public"
  | "group"
  | "license"
  | "category"
  | "geotag"
  | "tag"
  | "q"
  | "created_at"
  | "updated_at"

/**
 * Attributes layer lists can be ordered by.
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.orderBy("-popularity"))
 * ```
 */
export type LayerSort = "name" | "created_at" | "updated_at" | "popularity"

/**
 * Filter attributes of layer lists (shared with the Catalog), as checked at run time.
 *
 * @example
 * ```ts
 * Layers.layerFilterKeys.includes("tag") // true
 * ```
 */
export const layerFilterKeys: ReadonlyArray<LayerFilter> = [
  "kind",
  "public",
  "group",
  "license",
  "category",
  "geotag",
  "tag",
  "q",
  "created_at",
  "updated_at"
]

/**
 * Ordering attributes of layer lists (shared with the Catalog), as checked at run time.
 *
 * @example
 * ```ts
 * Layers.layerSortKeys.includes("popularity") // true
 * ```
 */
export const layerSortKeys: ReadonlyArray<LayerSort> = ["name", "created_at", "updated_at", "popularity"]

/**
 * Options of the single-object getters.
 *
 * @example
 * ```ts
 * Layers.get(1474, { expand: ["data"] })
 * ```
 */
export interface GetOptions {
  /** Names of related objects the server should embed (sent as `Expand: a,b`). */
  readonly expand?: ReadonlyArray<string>
}

type LayerError = Http.RequestError | ClientValidationError

const listOf = (name: string, path: string) =>
  Query.make<LayerSummary, LayerFilter, LayerSort, Layer>({
    name: `Koordinates.Layers.${name}`,
    path,
    schema: LayerSummary,
    expandedSchema: Layer,
    filterKeys: layerFilterKeys,
    sortKeys: layerSortKeys
  })

/**
 * Every layer and table of the site, published versions.
 *
 * @example
 * ```ts
 * Query.stream(Layers.list().pipe(Query.filter({ kind: "vector" })))
 * ```
 */
export const list = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> => listOf("list", "/layers/")

/**
 * Layers whose newest version is a draft, at that draft version.
 *
 * @example
 * ```ts
 * const drafts = yield* Query.collect(Layers.listDrafts())
 * ```
 */
export const listDrafts = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> =>
  listOf("listDrafts", "/layers/drafts/")

/**
 * The versions of a layer, newest first. Filterable on `data` (e.g. `data.source.revision`).
 *
 * @example
 * ```ts
 * const versions = yield* Query.collect(Layers.listVersions(1474))
 * ```
 */
export const listVersions = (layerId: number): Query.Query<LayerVersion, "data", never, Layer> =>
  Query.make<LayerVersion, "data", never, Layer>({
    name: "Koordinates.Layers.listVersions",
    path: `/layers/${layerId}/versions/`,
    schema: LayerVersion,
    expandedSchema: Layer,
    filterKeys: ["data"],
    ids: { layerId }
  })

const getLayer = (path: string, options: GetOptions | undefined) =>
  Effect.flatMap(Validate.expandHeader(options?.expand), (headers) => Http.json({ method: "GET", path, headers }, Layer))

/**
 * A layer by id: its published version, or its draft when it was never published.
 *
 * @example
 * ```ts
 * const layer = yield* Layers.get(1474)
 * ```
 */
export const get: (
  id: number,
  options?: GetOptions
) => Effect.Effect<Layer, LayerError, Koordinates> = /* @__PURE__ */ Effect.fn("Koordinates.Layers.get")(
  function*(id: number, options?: GetOptions) {
    yield* Validate.id("id", id)
    return yield* getLayer(`/layers/${id}/`, options)
  }
)

/**
 * A layer at one of its versions.
 *
 * @example
 * ```ts
 * const v = yield* Layers.getVersion(1474, 4067)
 * v.version?.status // "ok"
 * ```
 */
export const getVersion: (
  layerId: number,
  versionId: number,
  options?: GetOptions
) => Effect.Effect<Layer, LayerError, Koordinates> = /* @__PURE__ */ Effect.fn("Koordinates.Layers.getVersion")(
  function*(layerId: number, versionId: number, options?: GetOptions) {
    yield* Validate.id("layerId", layerId)
    yield* Validate.id("versionId", versionId)
    return yield* getLayer(`/layers/${layerId}/versions/${versionId}/`, options)
  }
)

const namedVersionGetter = (segment: "draft" | "published") =>
  Effect.fn(`Koordinates.Layers.get${segment === "draft" ? "Draft" : "Published"}`)(
    function*(layerId: number, options?: GetOptions) {
      yield* Validate.id("layerId", layerId)
      return yield* getLayer(`/layers/${layerId}/versions/${segment}/`, options)
    }
  )

/**
 * A layer at its draft version; `NotFound` when it has no draft.
 *
 * @example
 * ```ts
 * const draft = yield* Layers.getDraft(1474)
 * ```
 */
export const getDraft: (layerId: number, options?: GetOptions) => Effect.Effect<Layer, LayerError, Koordinates> =
  /* @__PURE__ */ namedVersionGetter("draft")

/**
 * A layer at its published version; `NotFound` when it was never published.
 *
 * @example
 * ```ts
 * const published = yield* Layers.getPublished(1474)
 * ```
 */
export const getPublished: (layerId: number, options?: GetOptions) => Effect.Effect<Layer, LayerError, Koordinates> =
  /* @__PURE__ */ namedVersionGetter("published")

/**
 * Whether this layer object is its layer's published version.
 *
 * @example
 * ```ts
 * Layers.isPublishedVersion(yield* Layers.get(1474)) // true
 * ```
 */
export const isPublishedVersion = (layer: Layer): boolean =>
  layer.this_version != null && layer.this_version === layer.published_version

/**
 * Whether this layer object is its layer's draft: the latest version, not yet published.
 *
 * @example
 * ```ts
 * Layers.isDraftVersion(yield* Layers.getDraft(1474)) // true
 * ```
 */
export const isDraftVersion = (layer: Layer): boolean =>
  layer.this_version != null && layer.this_version === layer.latest_version &&
  layer.latest_version !== layer.published_version
