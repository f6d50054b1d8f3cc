/**
 * The Data Catalog: every published item of the site — layers, tables, sets, documents
 * and more — in one list. Entries are told apart by their URL and decoded into a tagged
 * union; kinds this client does not know yet come through as {@link CatalogOther}.
 * `Query.expand` gives layers and tables in full ({@link CatalogEntryDetail}).
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import * as Catalog from "@koordinates-effect/client/Catalog"
 * import * as Query from "@koordinates-effect/client/Query"
 *
 * const titles = Query.stream(Catalog.list().pipe(Query.filter({ type: "layer" }))).pipe(
 *   Stream.map((entry) => entry._tag === "Layer" ? entry.title : "")
 * )
 * ```
 * @since 0.1.0
 * @module
 */
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import { Layer, layerFilterKeys, layerSortKeys } from "./Layers.ts"
import { Set } from "./Sets.ts"
import { Group } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"
import { optionalNullable, Timestamp } from "./internal/schema.ts"

const knownResources = ["layers", "tables", "sets", "documents"] as const

const urlOf = (resource: (typeof knownResources)[number]) =>
  /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(new RegExp(`/${resource}/\\d+/`)))

const published = {
  first_published_at: /* @__PURE__ */ optionalNullable(Timestamp),
  published_at: /* @__PURE__ */ optionalNullable(Timestamp)
}

const datasetFields = {
  id: Schema.Number,
  type: Schema.String,
  title: Schema.String,
  ...published
}

/**
 * A layer in the catalog.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntry
 * if (entry._tag === "Layer") yield* Layers.get(entry.id)
 * ```
 * @since 0.1.0
 * @category models
 */
export class CatalogLayer extends /* @__PURE__ */ Schema.TaggedClass<CatalogLayer>("@koordinates-effect/client/CatalogLayer")("Layer", {
  url: /* @__PURE__ */ urlOf("layers"),
  ...datasetFields
}) {
}

/**
 * A table (non-spatial layer) in the catalog.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntry
 * if (entry._tag === "Table") console.log(entry.title)
 * ```
 * @since 0.1.0
 * @category models
 */
export class CatalogTable extends /* @__PURE__ */ Schema.TaggedClass<CatalogTable>("@koordinates-effect/client/CatalogTable")("Table", {
  url: /* @__PURE__ */ urlOf("tables"),
  ...datasetFields
}) {
}

/**
 * A set (a curated group of layers and tables) in the catalog: the catalog lists sets in
 * full, so this is a {@link Sets.Set} with a `_tag`.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntry
 * if (entry._tag === "Set") console.log(entry.items?.length)
 * ```
 * @since 0.1.0
 * @category models
 */
export class CatalogSet extends /* @__PURE__ */ Set.extend<CatalogSet>("@koordinates-effect/client/CatalogSet")({
  _tag: /* @__PURE__ */ Schema.tag("Set"),
  first_published_at: published.first_published_at,
  published_at: published.published_at
}) {
}

/**
 * A document (a file published as is) in the catalog.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntry
 * if (entry._tag === "Document") console.log(entry.url_download)
 * ```
 * @since 0.1.0
 * @category models
 */
export class CatalogDocument extends /* @__PURE__ */ Schema.TaggedClass<CatalogDocument>("@koordinates-effect/client/CatalogDocument")("Document", {
  url: /* @__PURE__ */ urlOf("documents"),
  id: Schema.Number,
  name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  title: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  group: /* @__PURE__ */ Schema.optionalKey(Group),
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  url_download: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  extension: /* @__PURE__ */ optionalNullable(Schema.String),
  file_size: /* @__PURE__ */ optionalNullable(Schema.Number),
  file_size_formatted: /* @__PURE__ */ optionalNullable(Schema.String),
  ...published
}) {
}

/**
 * A catalog entry of a kind this client does not model (sources, and whatever the site
 * adds later). `resource` is the kind's URL segment, e.g. `sources`.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntry
 * if (entry._tag === "Other") console.log(entry.resource, entry.url)
 * ```
 * @since 0.1.0
 * @category models
 */
export class CatalogOther extends /* @__PURE__ */ Schema.TaggedClass<CatalogOther>("@koordinates-effect/client/CatalogOther")("Other", {
  url: /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.makeFilter(
    (url: string) => !knownResources.some((resource) => url.includes(`/${resource}/`)),
    { expected: "the URL of a kind other than layers, tables, sets or documents" }
  )),
  id: Schema.Number,
  type: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  title: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  ...published
}) {
  /** The kind's URL segment, e.g. `sources` for `…/services/api/v1/sources/12/`. */
  get resource(): string {
    return /\/services\/api\/[^/]+\/([^/]+)\//.exec(this.url)?.[1] ?? ""
  }
}

/**
 * One entry of the catalog.
 *
 * @example
 * ```ts
 * const label = (e: CatalogEntry) => e._tag === "Document" ? e.name : e.title
 * ```
 * @since 0.1.0
 * @category models
 */
export type CatalogEntry = CatalogLayer | CatalogTable | CatalogSet | CatalogDocument | CatalogOther

/**
 * A layer in the expanded catalog (`Query.expand`): the full {@link Layers.Layer}, with a
 * `_tag`.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntryDetail
 * if (entry._tag === "Layer") console.log(entry.data.crs)
 * ```
 * @since 0.2.0
 * @category models
 */
export class CatalogLayerDetail extends /* @__PURE__ */ Layer.extend<CatalogLayerDetail>(
  "@koordinates-effect/client/CatalogLayerDetail"
)({ _tag: /* @__PURE__ */ Schema.tag("Layer") }) {
}

/**
 * A table in the expanded catalog (`Query.expand`): the full table (a {@link Layers.Layer}),
 * with a `_tag`.
 *
 * @example
 * ```ts
 * declare const entry: CatalogEntryDetail
 * if (entry._tag === "Table") console.log(entry.data.fields?.length)
 * ```
 * @since 0.2.0
 * @category models
 */
export class CatalogTableDetail extends /* @__PURE__ */ Layer.extend<CatalogTableDetail>(
  "@koordinates-effect/client/CatalogTableDetail"
)({ _tag: /* @__PURE__ */ Schema.tag("Table") }) {
}

/**
 * One entry of the expanded catalog (`Query.expand(Catalog.list())`): layers and tables
 * in full; sets, documents and other kinds as the catalog always gives them.
 *
 * @example
 * ```ts
 * const crs = (e: CatalogEntryDetail) => e._tag === "Layer" || e._tag === "Table" ? e.data.crs : undefined
 * ```
 * @since 0.2.0
 * @category models
 */
export type CatalogEntryDetail = CatalogLayerDetail | CatalogTableDetail | CatalogSet | CatalogDocument | CatalogOther

const resourceTags = { layers: "Layer", tables: "Table", sets: "Set", documents: "Document" } as const

const tagOf = (url: unknown): CatalogEntry["_tag"] => {
  const resource = typeof url === "string" ? /\/(layers|tables|sets|documents)\/\d+\//.exec(url)?.[1] : undefined
  return resource === undefined ? "Other" : resourceTags[resource as (typeof knownResources)[number]]
}

/** A schema that tags each object by its URL (the API sends no discriminator) and decodes it with `members`. */
const byUrl = <A extends { readonly _tag: string }>(members: Schema.Codec<A, unknown>): Schema.Decoder<A> =>
  Schema.Unknown.pipe(
    Schema.decodeTo(members, {
      decode: SchemaGetter.transform((input: unknown) =>
        typeof input === "object" && input !== null && !Array.isArray(input)
          ? { ...input, _tag: tagOf((input as { readonly url?: unknown }).url) }
          : input
      ),
      encode: SchemaGetter.transform((entry: unknown) => {
        const { _tag, ...fields } = entry as A
        return fields
      })
    })
  )

/**
 * Schema of a catalog entry: the entry's URL decides its kind (the API sends no
 * discriminator), and that kind's class decodes it.
 *
 * @example
 * ```ts
 * const entry = Schema.decodeUnknownSync(CatalogEntry)({ id: 7, url: "https://…/tables/7/", type: "table", title: "Rivers" })
 * entry._tag // "Table"
 * ```
 * @since 0.1.0
 * @category models
 */
export const CatalogEntry: Schema.Decoder<CatalogEntry> = /* @__PURE__ */ byUrl(
  /* @__PURE__ */ Schema.Union([CatalogLayer, CatalogTable, CatalogSet, CatalogDocument, CatalogOther])
)

/**
 * Schema of an expanded catalog entry: dispatched by URL like {@link CatalogEntry}, with
 * layers and tables decoded in full.
 *
 * @example
 * ```ts
 * declare const layerJson: unknown
 * const entry = Schema.decodeUnknownSync(CatalogEntryDetail)(layerJson)
 * entry._tag === "Layer" && entry.data.crs
 * ```
 * @since 0.2.0
 * @category models
 */
export const CatalogEntryDetail: Schema.Decoder<CatalogEntryDetail> = /* @__PURE__ */ byUrl(
  /* @__PURE__ */ Schema.Union([CatalogLayerDetail, CatalogTableDetail, CatalogSet, CatalogDocument, CatalogOther])
)

const catalogFilterKeys = [...layerFilterKeys, "type"] as const

const catalogLatestFilterKeys = [...catalogFilterKeys, "version"] as const

/**
 * Attributes the catalog can be filtered on: those of layers, plus `type` (`layer`,
 * `table`, `set`, `document`, …).
 *
 * @example
 * ```ts
 * Catalog.list().pipe(Query.filter({ type: "table", "license.type": "cc" }))
 * ```
 * @since 0.1.0
 * @category filters
 */
export type CatalogFilter = (typeof catalogFilterKeys)[number]

/**
 * Attributes of the latest-versions catalog: {@link CatalogFilter} plus `version`
 * (e.g. `version.status`).
 *
 * @example
 * ```ts
 * Catalog.listLatest().pipe(Query.filter({ "version.status": "importing" }))
 * ```
 * @since 0.1.0
 * @category filters
 */
export type CatalogLatestFilter = (typeof catalogLatestFilterKeys)[number]

/**
 * The published version of every item in the catalog.
 *
 * @example
 * ```ts
 * const first3 = yield* Query.collect(Catalog.list().pipe(Query.limit(3)))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Catalog.list", "/data/", CatalogEntry, {
  expandedSchema: CatalogEntryDetail,
  filterKeys: catalogFilterKeys,
  sortKeys: layerSortKeys
})

/**
 * The latest version of every item, published or not.
 *
 * @example
 * ```ts
 * const importing = Catalog.listLatest().pipe(Query.filter({ "version.status": "importing" }))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listLatest = /* @__PURE__ */ Endpoint.list("Koordinates.Catalog.listLatest", "/data/latest/", CatalogEntry, {
  expandedSchema: CatalogEntryDetail,
  filterKeys: catalogLatestFilterKeys,
  sortKeys: layerSortKeys
})
