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
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import { type CallError, ImportFailed } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import { License } from "./Licenses.ts"
import { Metadata } from "./Metadata.ts"
import * as Query from "./Query.ts"
import { Group, User } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { Id, NonBlank, optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"
import * as Versioned from "./internal/versioned.ts"
import * as Wait from "./internal/wait.ts"

/**
 * A category a layer is listed under.
 *
 * @example
 * ```ts
 * const slugs = (layer: Layer) => layer.categories.map((c: Category) => c.slug)
 * ```
 * @since 0.1.0
 * @category models
 */
export class Category extends /* @__PURE__ */ Schema.Class<Category>("@koordinates-effect/client/Category")({
  name: Schema.String,
  slug: Schema.String
}) {}

/**
 * One attribute column of a layer's data (`geometry`, `integer`, `double`, `string`, …).
 *
 * @example
 * ```ts
 * const columns = (layer: Layer) => (layer.data.fields ?? []).map((f: Field) => `${f.name}: ${f.type}`)
 * ```
 * @since 0.1.0
 * @category models
 */
export class Field extends /* @__PURE__ */ Schema.Class<Field>("@koordinates-effect/client/Field")({
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
 * @since 0.1.0
 * @category models
 */
export class LayerData extends /* @__PURE__ */ Schema.Class<LayerData>("@koordinates-effect/client/LayerData")({
  encoding: /* @__PURE__ */ optionalNullable(Schema.String),
  crs: /* @__PURE__ */ optionalNullable(Schema.String),
  primary_key_fields: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  datasources: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.Struct({ id: Schema.Number }))),
  geometry_field: /* @__PURE__ */ optionalNullable(Schema.String),
  fields: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Field))
}) {}

/**
 * A version of a layer: its import status and who made it. `created_by` is a user id, or
 * the user itself where the API embeds it.
 *
 * @example
 * ```ts
 * const importing = (v: LayerVersion) => v.status === "importing"
 * ```
 * @since 0.1.0
 * @category models
 */
export class LayerVersion extends /* @__PURE__ */ Schema.Class<LayerVersion>("@koordinates-effect/client/LayerVersion")({
  id: Schema.Number,
  url: Schema.String,
  status: Schema.String,
  created_at: Timestamp,
  created_by: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Schema.Number, User])),
  reference: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  progress: /* @__PURE__ */ optionalNullable(Schema.Number)
}) {}

/**
 * A layer as lists return it (abbreviated); {@link Query.expand} gives full {@link Layer}s.
 *
 * @example
 * ```ts
 * const names = Query.stream(Layers.list()).pipe(Stream.map((l: LayerSummary) => l.name))
 * ```
 * @since 0.1.0
 * @category models
 */
export class LayerSummary extends /* @__PURE__ */ Schema.Class<LayerSummary>("@koordinates-effect/client/LayerSummary")({
  id: Schema.Number,
  url: Schema.String,
  type: Schema.String,
  name: Schema.String,
  first_published_at: /* @__PURE__ */ Schema.NullOr(Timestamp),
  published_at: /* @__PURE__ */ Schema.NullOr(Timestamp)
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
 * @since 0.1.0
 * @category models
 */
export class Layer extends /* @__PURE__ */ Schema.Class<Layer>("@koordinates-effect/client/Layer")({
  id: Schema.Number,
  url: Schema.String,
  type: Schema.String,
  name: Schema.String,
  first_published_at: /* @__PURE__ */ Schema.NullOr(Timestamp),
  published_at: /* @__PURE__ */ Schema.NullOr(Timestamp),
  description: Schema.String,
  description_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  group: Group,
  data: LayerData,
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  published_version: /* @__PURE__ */ optionalNullable(Schema.String),
  latest_version: /* @__PURE__ */ optionalNullable(Schema.String),
  this_version: /* @__PURE__ */ optionalNullable(Schema.String),
  kind: Schema.String,
  categories: /* @__PURE__ */ Schema.Array(Category),
  tags: /* @__PURE__ */ Schema.Array(Schema.String),
  collected_at: /* @__PURE__ */ optionalNullable(/* @__PURE__ */ Schema.Array(Timestamp)),
  created_at: Timestamp,
  license: /* @__PURE__ */ optionalNullable(License),
  metadata: /* @__PURE__ */ optionalNullable(Metadata),
  elevation_field: /* @__PURE__ */ optionalNullable(Schema.String),
  permissions: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  version: /* @__PURE__ */ Schema.optionalKey(LayerVersion)
}) {}

/**
 * Filter attributes of layer lists (shared with the Catalog), as checked at run time;
 * dotted forms such as `created_at.gte` filter on them too.
 *
 * @example
 * ```ts
 * Layers.layerFilterKeys.includes("tag") // true
 * ```
 * @since 0.1.0
 * @category filters
 */
export const layerFilterKeys = [
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
] as const

/**
 * Attributes layer lists can be filtered on (see {@link layerFilterKeys}).
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.filter({ kind: "raster", "created_at.gte": "2024-01-01" }))
 * ```
 * @since 0.1.0
 * @category filters
 */
export type LayerFilter = (typeof layerFilterKeys)[number]

/**
 * Ordering attributes of layer lists (shared with the Catalog), as checked at run time.
 *
 * @example
 * ```ts
 * Layers.layerSortKeys.includes("popularity") // true
 * ```
 * @since 0.1.0
 * @category filters
 */
export const layerSortKeys = ["name", "created_at", "updated_at", "popularity"] as const

/**
 * Attributes layer lists can be ordered by (see {@link layerSortKeys}).
 *
 * @example
 * ```ts
 * Layers.list().pipe(Query.orderBy("-popularity"))
 * ```
 * @since 0.1.0
 * @category filters
 */
export type LayerSort = (typeof layerSortKeys)[number]

/**
 * The filter of version lists: `data` (e.g. `data.source.revision`).
 *
 * @example
 * ```ts
 * Layers.versionFilterKeys.includes("data") // true
 * ```
 * @since 0.2.0
 * @category filters
 */
export const versionFilterKeys = ["data"] as const

/**
 * Options of the single-object getters.
 *
 * @example
 * ```ts
 * Layers.get(1474, { expand: ["data"] })
 * ```
 * @since 0.1.0
 * @category options
 */
export type GetOptions = Endpoint.GetOptions

/**
 * Options of the waits: the polling `schedule` (default every 2 seconds) and a `timeout`.
 *
 * @example
 * ```ts
 * Layers.waitForImport(1474, 4067, { schedule: Schedule.spaced("5 seconds"), timeout: "30 minutes" })
 * ```
 * @since 0.1.0
 * @category options
 */
export type WaitOptions = Wait.WaitOptions

/** The layers collection, as the shared versioned endpoints see it. */
const layers = { module: "Layers", path: "/layers/", idField: "layerId", schema: Layer } as const satisfies Versioned.Resource<Layer>

/**
 * A list of layers (or tables) at `path`, with the layer filters and sort keys.
 *
 * @example
 * ```ts
 * const tables = Layers.listOf("Tables.list", "/tables/")
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listOf = (name: string, path: string): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> =>
  Query.make<LayerSummary, LayerFilter, LayerSort, Layer>({
    name: `Koordinates.${name}`,
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
 * @since 0.1.0
 * @category lists
 */
export const list = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> => listOf("Layers.list", "/layers/")

/**
 * Layers whose newest version is a draft, at that draft version.
 *
 * @example
 * ```ts
 * const drafts = yield* Query.collect(Layers.listDrafts())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listDrafts = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> =>
  listOf("Layers.listDrafts", "/layers/drafts/")

/**
 * The versions of a layer, newest first. Filterable on `data` (e.g. `data.source.revision`).
 *
 * @example
 * ```ts
 * const versions = yield* Query.collect(Layers.listVersions(1474))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listVersions = /* @__PURE__ */ Endpoint.list(
  "Koordinates.Layers.listVersions",
  "/layers/{layerId}/versions/",
  LayerVersion,
  { expandedSchema: Layer, filterKeys: versionFilterKeys }
)

/**
 * A layer by id: its published version, or its draft when it was never published.
 *
 * @example
 * ```ts
 * const layer = yield* Layers.get(1474)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Versioned.get(layers)

/**
 * A layer at one of its versions.
 *
 * @example
 * ```ts
 * const v = yield* Layers.getVersion(1474, 4067)
 * v.version?.status // "ok"
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getVersion = /* @__PURE__ */ Versioned.getVersion(layers)

/**
 * A layer at its draft version; `NotFound` when it has no draft.
 *
 * @example
 * ```ts
 * const draft = yield* Layers.getDraft(1474)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getDraft = /* @__PURE__ */ Versioned.getNamedVersion(layers, "draft")

/**
 * A layer at its published version; `NotFound` when it was never published.
 *
 * @example
 * ```ts
 * const published = yield* Layers.getPublished(1474)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getPublished = /* @__PURE__ */ Versioned.getNamedVersion(layers, "published")

/**
 * Whether this layer object is its layer's published version.
 *
 * @example
 * ```ts
 * Layers.isPublishedVersion(yield* Layers.get(1474)) // true
 * ```
 * @since 0.1.0
 * @category guards
 */
export const isPublishedVersion: (layer: Layer) => boolean = Versioned.isPublishedVersion

/**
 * Whether this layer object is its layer's draft: the latest version, not yet published.
 *
 * @example
 * ```ts
 * Layers.isDraftVersion(yield* Layers.getDraft(1474)) // true
 * ```
 * @since 0.1.0
 * @category guards
 */
export const isDraftVersion: (layer: Layer) => boolean = Versioned.isDraftVersion

const dataInput = /* @__PURE__ */ Schema.Struct({
  datasources: /* @__PURE__ */ Schema.Array(Id).check(/* @__PURE__ */ Schema.isMinLength(1))
})

/**
 * What a new layer needs: a name and the datasources to import (ids); the rest is
 * optional. Checked before any request.
 *
 * @example
 * ```ts
 * const input: Layers.NewLayer = { name: "A Test Layer", group: 999, data: { datasources: [123456] } }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const NewLayer = /* @__PURE__ */ Schema.Struct({
  name: NonBlank,
  data: dataInput,
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  group: /* @__PURE__ */ Schema.optionalKey(Id),
  license: /* @__PURE__ */ Schema.optionalKey(Id),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  elevation_field: /* @__PURE__ */ Schema.optionalKey(Schema.String)
})

/**
 * What a new layer needs (see {@link NewLayer}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type NewLayer = typeof NewLayer.Type

/**
 * Changes to a draft version: any of the layer's fields, and `data` (sent only with
 * `withData`, which starts a new import).
 *
 * @example
 * ```ts
 * const changes: Layers.LayerChanges = { description: "Updated nightly", tags: ["roads"] }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const LayerChanges = /* @__PURE__ */ NewLayer.mapFields((fields) => ({
  ...fields,
  name: Schema.optionalKey(fields.name),
  data: Schema.optionalKey(fields.data)
}))

/**
 * Changes to a draft version (see {@link LayerChanges}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type LayerChanges = typeof LayerChanges.Type

/** What `POST /layers/` answers: the layer (when the reply's `Location` was followed), or its new version. */
const CreateReply = /* @__PURE__ */ Schema.Union([Layer, LayerVersion])

/**
 * Creates a layer from datasources; its first version is a draft that starts importing.
 * Returns the layer at that version: the server answers 201 with a `Location` (followed),
 * or with the new version itself, whose `url` is then read.
 *
 * @example
 * ```ts
 * const draft = yield* Layers.create({ name: "A Test Layer", group: 999, data: { datasources: [123456] } })
 * yield* Layers.waitForImport(draft.id, draft.version!.id)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Effect.fn("Koordinates.Layers.create")(function*(
  layer: NewLayer
): Effect.fn.Return<Layer, CallError, Koordinates> {
  const checked = yield* Validate.input(NewLayer, layer)
  const reply = yield* Http.json({ method: "POST", path: "/layers/", body: HttpBody.jsonUnsafe(checked) }, CreateReply)
  return reply instanceof Layer ? reply : yield* Http.json({ method: "GET", path: reply.url }, Layer)
})

/**
 * Creates a draft version of a layer (a copy of its latest); `Conflict` when it already
 * has one.
 *
 * @example
 * ```ts
 * const draft = yield* Layers.createDraft(1474)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const createDraft = /* @__PURE__ */ Versioned.createDraft(layers)

/**
 * Starts (again) the import of a draft version's data. `Conflict` for a published version.
 *
 * @example
 * ```ts
 * const importing = yield* Layers.startImport(1474, 4068)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const startImport = /* @__PURE__ */ Endpoint.action(
  "Koordinates.Layers.startImport",
  "/layers/{layerId}/versions/{versionId}/import/",
  Layer
)

/**
 * Reimports a layer from its datasources as a new draft version. `Conflict` when a draft
 * exists.
 *
 * @example
 * ```ts
 * const next = yield* Layers.startUpdate(8888)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const startUpdate = /* @__PURE__ */ Endpoint.action(
  "Koordinates.Layers.startUpdate",
  "/layers/{layerId}/versions/import/",
  Layer
)

/**
 * Publishes one version of a layer; returns the Publish that carries it out.
 *
 * @example
 * ```ts
 * const publish = yield* Layers.publishVersion(8888, 9999)
 * yield* Publishing.waitForPublish(publish.id)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const publishVersion = /* @__PURE__ */ Versioned.publishVersion(layers)

/**
 * Changes a draft version. `data` is sent only with `{ withData: true }`, which starts a
 * new import; `NotAllowed` for a published version.
 *
 * @example
 * ```ts
 * yield* Layers.update(1474, 4068, { description: "Rebuilt from 2024 imagery" })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const update = /* @__PURE__ */ Effect.fn("Koordinates.Layers.update")(
  function*(
    layerId: number,
    versionId: number,
    changes: LayerChanges,
    options?: { readonly withData?: boolean }
  ): Effect.fn.Return<Layer, CallError, Koordinates> {
    const { data, ...fields } = yield* Validate.input(LayerChanges, changes)
    const body = options?.withData === true && data !== undefined ? { ...fields, data } : fields
    return yield* Versioned.putVersion(layers, layerId, versionId, body)
  }
)

/**
 * Deletes a draft version. `NotAllowed` for a published one.
 *
 * @example
 * ```ts
 * yield* Layers.deleteVersion(1474, 4068)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const deleteVersion = /* @__PURE__ */ Versioned.deleteVersion(layers)

/**
 * Deletes a layer and all its versions.
 *
 * @example
 * ```ts
 * yield* Layers.deleteLayer(1474)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const deleteLayer = /* @__PURE__ */ Versioned.remove(layers, "deleteLayer")

/**
 * Sets a draft version's metadata from an XML document (a string, bytes, or a byte
 * `Stream`); the server detects its format (ISO 19115/19139, FGDC, Dublin Core).
 *
 * @example
 * ```ts
 * yield* Layers.setMetadata(1474, 4068, "<gmd:MD_Metadata …>…</gmd:MD_Metadata>")
 * ```
 * @since 0.1.0
 * @category writes
 */
export const setMetadata = /* @__PURE__ */ Versioned.setMetadata(layers)

const importOutcome = (layerId: number, versionId: number) => (layer: Layer) => {
  const status = layer.version?.status ?? "ok"
  if (status === "ok") return Option.some(Effect.succeed(layer))
  if (status === "importing" || status === "processing" || status === "queued") return Option.none()
  return Option.some(Effect.fail(
    new ImportFailed({ layerId, versionId, state: status, message: `The import of layer ${layerId} version ${versionId} ended: ${status}` })
  ))
}

/**
 * Waits until a version's import is over: the layer at that version once it is `ok`,
 * `ImportFailed` when it ended in an error, `TimeoutError` when the wait gave up. Polls
 * with `getVersion` on the given schedule; interrupting it stops the polling.
 *
 * @example
 * ```ts
 * declare const draft: Layer
 * const ready = yield* Layers.waitForImport(draft.id, draft.version!.id, { timeout: "1 hour" })
 * ```
 * @since 0.1.0
 * @category waits
 */
export const waitForImport = /* @__PURE__ */ Effect.fn("Koordinates.Layers.waitForImport")(function*(
  layerId: number,
  versionId: number,
  options?: WaitOptions
): Effect.fn.Return<Layer, CallError | ImportFailed, Koordinates> {
  return yield* Wait.until(
    `the import of layer ${layerId} version ${versionId}`,
    getVersion(layerId, versionId),
    importOutcome(layerId, versionId),
    options
  )
})
