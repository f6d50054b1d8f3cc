/**
 * The records the fake keeps in memory (reference data, layers and tables with their
 * versions, sets, documents) and the facts derived from them that every endpoint needs:
 * which version is published, which is a draft, what a catalog item looks like at a version.
 */

/** A publisher group. */
export interface GroupRecord {
  readonly id: number
  readonly name: string
  readonly country: string
}

/** A user account. */
export interface UserRecord {
  readonly id: number
  readonly first_name: string
  readonly last_name: string
  readonly country: string
}

/** A data license; Creative Commons ones carry a jurisdiction (`""` = international) and version. */
export interface LicenseRecord {
  readonly id: number
  readonly title: string
  readonly type: string
  readonly jurisdiction?: string
  readonly version?: string
}

/** A catalog category. */
export interface Category {
  readonly name: string
  readonly slug: string
}

/** Import state of a version. */
export type VersionStatus = "ok" | "importing"

/** One version of a layer or table. `published_at` is null until the version is published. */
export interface VersionRecord {
  readonly id: number
  status: VersionStatus
  readonly created_at: string
  readonly created_by: number
  reference: string
  progress: number
  published_at: string | null
}

/** What a layer holds; a `table` is a layer without geometry, served under `/tables/`. */
export type LayerKind = "vector" | "raster" | "grid" | "table"

/** One attribute column of a layer. */
export interface LayerField {
  readonly name: string
  readonly type: "geometry" | "integer" | "double" | "string"
}

/** The `data` block of a layer. */
export interface LayerData {
  readonly encoding: string | null
  readonly crs: string
  readonly primary_key_fields: ReadonlyArray<string>
  readonly datasources: ReadonlyArray<{ readonly id: number }>
  readonly geometry_field: string
  readonly fields: ReadonlyArray<LayerField>
}

/** Fields every catalog item has; `geotags`, `public` and `popularity` are only filtered and sorted on. */
interface ItemBase {
  readonly id: number
  group: GroupRecord
  categories: ReadonlyArray<Category>
  tags: ReadonlyArray<string>
  geotags: ReadonlyArray<string>
  public: boolean
  popularity: number
  readonly created_at: string
}

/** A layer or table with its versions, oldest first (never empty). */
export interface LayerRecord extends ItemBase {
  readonly entity: "layer"
  readonly kind: LayerKind
  name: string
  description: string
  license: LicenseRecord
  data: LayerData
  collected_at: ReadonlyArray<string>
  elevation_field: string
  hasMetadata: boolean
  readonly versions: Array<VersionRecord>
}

/** A set: a curated list of layers and tables. */
export interface SetRecord extends ItemBase {
  readonly entity: "set"
  title: string
  description: string
  user: UserRecord
  items: ReadonlyArray<LayerRecord>
  hasMetadata: boolean
  publish_to_catalog_services: boolean
  updated_at: string
}

/** An uploaded document. */
export interface DocumentRecord extends ItemBase {
  readonly entity: "document"
  name: string
  extension: string
  file_size: number
  first_published_at: string | null
  published_at: string | null
  updated_at: string
}

/** Anything the catalog lists. */
export type CatalogRecord = LayerRecord | SetRecord | DocumentRecord

/** A layer as seen at one of its versions. */
export interface LayerView {
  readonly entity: "layer"
  readonly layer: LayerRecord
  readonly version: VersionRecord
}

/** A catalog item as a list shows it: layers at a version, sets and documents as they are. */
export type ItemView = LayerView | SetRecord | DocumentRecord

/** The value of the catalog `type` filter. */
export type ItemType = "layer" | "table" | "set" | "document"

/** The catalog type of a record. */
export const itemType = (record: CatalogRecord): ItemType =>
  record.entity === "layer" ? (record.kind === "table" ? "table" : "layer") : record.entity

/** The newest version of a layer. */
export const latestVersion = (layer: LayerRecord): VersionRecord => {
  const version = layer.versions.at(-1)
  if (version === undefined) throw new Error(`Layer ${layer.id} has no versions`)
  return version
}

/** The version currently published (the newest one with a publish date), if any. */
export const publishedVersion = (layer: LayerRecord): VersionRecord | undefined => {
  for (let index = layer.versions.length - 1; index >= 0; index--) {
    const version = layer.versions[index]
    if (version !== undefined && version.published_at !== null) return version
  }
  return undefined
}

/** The draft: the newest version when it is not published. */
export const draftVersion = (layer: LayerRecord): VersionRecord | undefined => {
  const latest = latestVersion(layer)
  return latest.published_at === null ? latest : undefined
}

/** When the layer's first version was published, or null if never. */
export const firstPublishedAt = (layer: LayerRecord): string | null =>
  layer.versions.find((version) => version.published_at !== null)?.published_at ?? null

/** A layer at one of its versions. */
export const layerView = (layer: LayerRecord, version: VersionRecord): LayerView => ({
  entity: "layer",
  layer,
  version
})

/** The item at its published version; undefined for a layer that was never published. */
export const publishedView = (record: CatalogRecord): ItemView | undefined => {
  if (record.entity !== "layer") return record
  const version = publishedVersion(record)
  return version === undefined ? undefined : layerView(record, version)
}

/** The item at its newest version, published or not. */
export const latestView = (record: CatalogRecord): ItemView =>
  record.entity === "layer" ? layerView(record, latestVersion(record)) : record
