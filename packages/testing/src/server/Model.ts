/**
 * The records the fake keeps in memory (reference data, versioned layers, tables and sets,
 * documents, publishes, tokens, data sources with their scans and datasources, permissions,
 * exports, crop layers) and the facts derived from them that every endpoint needs: which
 * version is published, which is a draft, what a catalog item looks like at a version.
 *
 * Layers, tables and sets are versioned: everything a user can edit lives in the `content`
 * of each version, so a draft can change without touching the published version. The
 * content fields on the record itself read the version `GET /layers/{id}/` shows (the
 * published one, else the draft).
 */

/** Every scope a Koordinates token can carry. */
export const ALL_SCOPES: ReadonlyArray<string> = [
  "query",
  "tiles",
  "catalog",
  "wxs:wfs",
  "wxs:wms",
  "wxs:wcs",
  "documents:read",
  "documents:write",
  "layers:read",
  "layers:write",
  "sets:read",
  "sets:write",
  "sources:read",
  "sources:write",
  "users:read",
  "users:write",
  "tokens:read",
  "tokens:write"
]

/** Token keys and their scopes. */
export type TokenScopes = Readonly<Record<string, ReadonlyArray<string>>>

/** The element of `list` with this id; throws naming `what` when there is none. */
export const byId = <T extends { readonly id: number }>(list: ReadonlyArray<T>, id: number, what: string): T => {
  const found = list.find((item) => item.id === id)
  if (found === undefined) throw new Error(`Unknown ${what} id ${id}`)
  return found
}

/** {@link byId}, or null for a null id. */
export const byIdOrNull = <T extends { readonly id: number }>(
  list: ReadonlyArray<T>,
  id: number | null,
  what: string
): T | null => id === null ? null : byId(list, id, what)

/** A group: a publisher, or the built-in "Everyone" (no country). */
export interface GroupRecord {
  readonly id: number
  readonly name: string
  readonly country: string | null
  /** The slug of a built-in group (`everyone`), which permission ids use instead of its id. */
  readonly slug?: string
}

/**
 * A user account; `email` and `password` sign in to `POST /tokens/` (the password is never
 * rendered, the email only on the user's own pages).
 */
export interface UserRecord {
  readonly id: number
  readonly first_name: string
  readonly last_name: string
  readonly country: string
  readonly email: string
  readonly password: string
  /** The publisher groups the user belongs to. */
  readonly groups: ReadonlyArray<GroupRecord>
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

/** The import states of a version (versions of sets are always `ok`). */
export const VERSION_STATUSES = ["importing", "ok", "error"] as const

/** Import state of a version. */
export type VersionStatus = (typeof VERSION_STATUSES)[number]

/**
 * One version of a layer, table or set. `published_at` is null until the version is
 * published; `progress` runs from 0 to 1 while it imports.
 */
export interface VersionRecord<C = LayerContent> {
  readonly id: number
  status: VersionStatus
  readonly created_at: string
  /** User id. */
  readonly created_by: number
  reference: string
  progress: number
  published_at: string | null
  /** What the item holds at this version; edits replace it with a changed copy. */
  content: C
}

/** A metadata document as uploaded (or generated), byte for byte. */
export type MetadataDocument = Uint8Array

/** What a layer holds; a `table` is a layer without geometry, served under `/tables/`. */
export type LayerKind = "vector" | "raster" | "grid" | "table"

/** Every layer kind. */
export const LAYER_KINDS: ReadonlyArray<LayerKind> = ["vector", "raster", "grid", "table"]

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

/** The editable content of a layer at one version. */
export interface LayerContent {
  readonly name: string
  readonly description: string
  readonly group: GroupRecord
  readonly license: LicenseRecord
  readonly categories: ReadonlyArray<Category>
  readonly tags: ReadonlyArray<string>
  readonly data: LayerData
  readonly elevation_field: string
  /** The native metadata document, if any. */
  readonly metadata: MetadataDocument | null
}

/** The editable content of a set at one version. */
export interface SetContent {
  readonly title: string
  readonly description: string
  readonly group: GroupRecord
  readonly items: ReadonlyArray<LayerRecord>
  readonly categories: ReadonlyArray<Category>
  readonly tags: ReadonlyArray<string>
  /** The native metadata document, if any. */
  readonly metadata: MetadataDocument | null
}

/** Edits to a layer's content: any editable field, and the datasources of its data. */
export type LayerChanges = Partial<Omit<LayerContent, "data" | "metadata">> & {
  readonly datasources?: LayerData["datasources"]
}

/** A layer's content with `changes` applied (a new object; the old one is left as it was). */
export const changedLayer = (content: LayerContent, { datasources, ...rest }: LayerChanges): LayerContent => ({
  ...content,
  ...rest,
  ...(datasources === undefined ? {} : { data: { ...content.data, datasources } })
})

/** Edits to a set's content. */
export type SetChanges = Partial<Omit<SetContent, "metadata">>

/** Fields every catalog item has; `geotags`, `public` and `popularity` are only filtered and sorted on. */
interface ItemBase {
  readonly id: number
  geotags: ReadonlyArray<string>
  public: boolean
  popularity: number
  readonly created_at: string
}

/** An item with versions, oldest first (never empty; at most one unpublished, the newest). */
export interface Versioned<C> {
  readonly entity: "layer" | "set"
  readonly id: number
  readonly versions: Array<VersionRecord<C>>
}

/** A layer or table; its content fields read the published version, else the draft. */
export interface LayerRecord extends ItemBase, Versioned<LayerContent>, Readonly<LayerContent> {
  readonly entity: "layer"
  readonly kind: LayerKind
  collected_at: ReadonlyArray<string>
  /**
   * The area its data covers (`[longitude, latitude]`), which export extents are checked
   * against; null for a table, which has no geometry.
   */
  readonly extent: Polygon | null
}

/** A set (a curated list of layers and tables); its content fields read the published version, else the draft. */
export interface SetRecord extends ItemBase, Versioned<SetContent>, Readonly<SetContent> {
  readonly entity: "set"
  /** Who created it. */
  readonly user: UserRecord
  publish_to_catalog_services: boolean
}

/** An uploaded document. */
export interface DocumentRecord extends ItemBase {
  readonly entity: "document"
  name: string
  group: GroupRecord
  categories: ReadonlyArray<Category>
  tags: ReadonlyArray<string>
  extension: string
  file_size: number
  first_published_at: string | null
  published_at: string | null
  updated_at: string
}

/** Anything with versions. */
export type VersionedRecord = LayerRecord | SetRecord

/** Anything the catalog lists. */
export type CatalogRecord = LayerRecord | SetRecord | DocumentRecord

/** The states of a publish, in the order they are reached (the last three end it). */
export const PUBLISH_STATES = [
  "scheduled",
  "waiting-for-items",
  "publishing",
  "completed",
  "cancelled",
  "errored"
] as const

/** The state of a publish. */
export type PublishState = (typeof PUBLISH_STATES)[number]

/** How the items of a publish go live. */
export const PUBLISH_STRATEGIES = ["together", "individual"] as const

/** What a publish does when an item fails to import. */
export const ERROR_STRATEGIES = ["abort", "ignore"] as const

/** One version a publish holds. */
export interface PublishItem {
  readonly record: VersionedRecord
  readonly version: VersionRecord<unknown>
}

/** A publish: draft versions of layers, tables and sets going live. */
export interface PublishRecord {
  readonly id: number
  state: PublishState
  readonly created_at: string
  readonly created_by: UserRecord
  readonly error_strategy: (typeof ERROR_STRATEGIES)[number]
  readonly publish_strategy: (typeof PUBLISH_STRATEGIES)[number]
  /** When to start (normalised ISO timestamp), or null for now. */
  readonly publish_at: string | null
  readonly items: ReadonlyArray<PublishItem>
}

/** True until a publish completes, errs or is cancelled. */
export const isActivePublish = (publish: PublishRecord): boolean =>
  publish.state === "scheduled" || publish.state === "waiting-for-items" || publish.state === "publishing"

/** An API token. `key` is the secret sent as `Authorization: key …`. */
export interface TokenRecord {
  readonly id: number
  name: string
  readonly key: string
  scopes: ReadonlyArray<string>
  /** The owner. */
  readonly user: UserRecord
  readonly created_at: string
  expires_at: string | null
  /** Host patterns the token may be used from (not enforced by the fake). */
  referrers: ReadonlyArray<string> | null
}

/** A layer as seen at one of its versions. */
export interface LayerView {
  readonly entity: "layer"
  readonly layer: LayerRecord
  readonly version: VersionRecord<LayerContent>
}

/** A set as seen at one of its versions. */
export interface SetView {
  readonly entity: "set"
  readonly set: SetRecord
  readonly version: VersionRecord<SetContent>
}

/** A catalog item as a list shows it: layers and sets at a version, documents as they are. */
export type ItemView = LayerView | SetView | DocumentRecord

/** The values of the catalog `type` filter. */
export const ITEM_TYPES = ["layer", "table", "set", "document"] as const

/** The value of the catalog `type` filter. */
export type ItemType = (typeof ITEM_TYPES)[number]

/** The catalog type of a record. */
export const itemType = (record: CatalogRecord): ItemType =>
  record.entity === "layer" ? (record.kind === "table" ? "table" : "layer") : record.entity

/** The newest version of an item. */
export const latestVersion = <C>(record: Versioned<C>): VersionRecord<C> => {
  const version = record.versions.at(-1)
  if (version === undefined) throw new Error(`${record.entity} ${record.id} has no versions`)
  return version
}

/** The version currently published (the newest one with a publish date), if any. */
export const publishedVersion = <C>(record: Versioned<C>): VersionRecord<C> | undefined => {
  for (let index = record.versions.length - 1; index >= 0; index--) {
    const version = record.versions[index]
    if (version !== undefined && version.published_at !== null) return version
  }
  return undefined
}

/** The draft: the newest version when it is not published. */
export const draftVersion = <C>(record: Versioned<C>): VersionRecord<C> | undefined => {
  const latest = latestVersion(record)
  return latest.published_at === null ? latest : undefined
}

/** The version the item's own endpoint shows: the published one, else the draft. */
export const currentVersion = <C>(record: Versioned<C>): VersionRecord<C> =>
  publishedVersion(record) ?? latestVersion(record)

/** The version of `record` with this id. */
export const findVersion = <C>(record: Versioned<C>, id: number): VersionRecord<C> | undefined =>
  record.versions.find((version) => version.id === id)

/** When the item's first version was published, or null if never. */
export const firstPublishedAt = (record: Versioned<unknown>): string | null =>
  record.versions.find((version) => version.published_at !== null)?.published_at ?? null

/** A layer at one of its versions. */
export const layerView = (layer: LayerRecord, version: VersionRecord<LayerContent>): LayerView => ({
  entity: "layer",
  layer,
  version
})

/** A set at one of its versions. */
export const setView = (set: SetRecord, version: VersionRecord<SetContent>): SetView => ({
  entity: "set",
  set,
  version
})

/** The item at its published version; undefined for a layer or set that was never published. */
export const publishedView = (record: CatalogRecord): ItemView | undefined => {
  switch (record.entity) {
    case "layer": {
      const version = publishedVersion(record)
      return version && layerView(record, version)
    }
    case "set": {
      const version = publishedVersion(record)
      return version && setView(record, version)
    }
    case "document":
      return record
  }
}

/** The item at its newest version, published or not. */
export const latestView = (record: CatalogRecord): ItemView => {
  switch (record.entity) {
    case "layer":
      return layerView(record, latestVersion(record))
    case "set":
      return setView(record, latestVersion(record))
    case "document":
      return record
  }
}

/** A GeoJSON polygon: rings of `[longitude, latitude]` positions, each ring closed. */
export interface Polygon {
  readonly type: "Polygon"
  readonly coordinates: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
}

/** A GeoJSON multi-polygon. */
export interface MultiPolygon {
  readonly type: "MultiPolygon"
  readonly coordinates: ReadonlyArray<Polygon["coordinates"]>
}

/** An area: what extents and crop features are. */
export type Area = Polygon | MultiPolygon

/** The kinds of data source: `upload` holds uploaded files, the others read a remote store. */
export const SOURCE_TYPES = ["info", "upload", "cifs", "arcgis", "wfs", "postgres"] as const

/** The kind of a data source. */
export type SourceType = (typeof SOURCE_TYPES)[number]

/** One file of an upload source as it was received: never its bytes, only what identifies them. */
export interface UploadFile {
  /** The path the client gave as the part's filename, e.g. `folder/0001.tif`. */
  readonly upload_path: string
  /** The part's Content-Type, or null when the client sent none. */
  readonly content_type: string | null
  /** Its length in bytes. */
  readonly size: number
  /** SHA-256 of its bytes, lower-case hex. */
  readonly sha256: string
  /** The whole document, byte for byte, of an `.xml` sidecar of at most 1 MiB; else null. */
  readonly document: MetadataDocument | null
}

/** What a datasource is, as a scan finds it (the store adds id, source and time). */
export interface DatasetPlan {
  readonly title: string
  readonly data_type: LayerKind
  /** MIME type, e.g. `application/x-zipped-shp`. */
  readonly format: string
  /** `point`, `linestring`, `polygon`…; `""` without geometry. */
  readonly geometry_type: string
  /** The file (or remote path) it comes from. */
  readonly upload_path: string
  readonly crs: string | null
  readonly fields: ReadonlyArray<LayerField>
  readonly num_dims: number
  readonly num_features: number
  readonly num_bands: number | null
  readonly extent: Polygon | null
  /** Its native metadata (an uploaded sidecar), if any. */
  readonly metadata: MetadataDocument | null
}

/** A datasource: one dataset a scan of a source found. */
export interface DatasourceRecord extends DatasetPlan {
  readonly id: number
  readonly source_id: number
  updated_at: string
  metadata: MetadataDocument | null
}

/**
 * A data source. `datasets` is what its scans find: one per data file of an upload, or
 * generated at creation for the other types; a completed scan turns the ones not found yet
 * into `datasources`.
 */
export interface SourceRecord {
  readonly id: number
  readonly type: SourceType
  title: string
  description: string
  readonly group: GroupRecord | null
  readonly user: UserRecord | null
  /** Where a remote source reads from; null for `upload` and `info`. */
  url_remote: string | null
  /** A cron expression or `@hourly`, `@daily`…; null for none. */
  scan_schedule: string | null
  options: Readonly<Record<string, unknown>>
  categories: ReadonlyArray<Category>
  tags: ReadonlyArray<string>
  /** The native metadata document, if any. */
  metadata: MetadataDocument | null
  readonly created_at: string
  last_scanned_at: string | null
  /** The uploaded files (empty unless `upload`). */
  readonly files: ReadonlyArray<UploadFile>
  readonly datasets: ReadonlyArray<DatasetPlan>
  datasources: Array<DatasourceRecord>
}

/** The states of a scan, in the order they are reached (the last three end it). */
export const SCAN_STATES = ["queued", "scanning", "completed", "failed", "cancelled"] as const

/** The state of a scan. */
export type ScanStatus = (typeof SCAN_STATES)[number]

/** True while a scan is queued or scanning. */
export const isRunningScan = (scan: ScanRecord): boolean => scan.status === "queued" || scan.status === "scanning"

/** A scan of a source, which finds its datasources. */
export interface ScanRecord {
  readonly id: number
  readonly source_id: number
  status: ScanStatus
  readonly started_at: string
  /** When it ended (completed, failed or was cancelled); null while it runs. */
  completed_at: string | null
  change_counts: { readonly added: number; readonly updated: number; readonly deleted: number }
  progress: number
  /** The messages of its log, had it completed; the log shows them as it progresses. */
  readonly messages: ReadonlyArray<string>
}

/** What a permission allows, from least to most. */
export const PERMISSION_LEVELS = ["view", "download", "edit", "admin"] as const

/** What a permission allows. */
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number]

/** A permission on a layer, set or source, held by a group or by a user. */
export type PermissionRecord =
  & { readonly permission: PermissionLevel }
  & ({ readonly group: GroupRecord } | { readonly user: UserRecord })

/** The id of a permission: its holder, `group.{id or slug}` or `user.{id}`. */
export const permissionId = (permission: PermissionRecord): string =>
  "group" in permission
    ? `group.${permission.group.slug ?? permission.group.id}`
    : `user.${permission.user.id}`

/** What permissions are set on. */
export type PermissionKind = "layer" | "set" | "source"

/** Anything permissions are set on. */
export type PermissionTarget = LayerRecord | SetRecord | SourceRecord

/** The states of an export (the last three end it). */
export const EXPORT_STATES = ["processing", "complete", "failed", "cancelled"] as const

/** The state of an export. */
export type ExportState = (typeof EXPORT_STATES)[number]

/** A layer or table an export holds, with its display options. */
export interface ExportItem {
  readonly layer: LayerRecord
  readonly color?: string
}

/** An export: layers and tables packaged for download. */
export interface ExportRecord {
  readonly id: number
  readonly name: string
  /** Who asked for it (exports are listed per user). */
  readonly user: UserRecord
  /** With microseconds and `Z`, as the API writes export times. */
  readonly created_at: string
  readonly created_via: string
  state: ExportState
  progress: number
  readonly crs: string
  /** MIME type by kind of data: `vector`, `raster`, `grid`, `table`, `rat`. */
  readonly formats: Readonly<Record<string, string>>
  readonly items: ReadonlyArray<ExportItem>
  readonly extent: Area | null
  readonly options: Readonly<Record<string, unknown>>
  readonly size_estimate_zipped: number
  /** Length in bytes of its download. */
  size: number
}

/** True while an export is being prepared. */
export const isProcessingExport = (record: ExportRecord): boolean => record.state === "processing"

/** A named area a crop layer offers as an export extent. */
export interface CropFeatureRecord {
  readonly id: number
  readonly name: string
  readonly geometry: MultiPolygon
}

/** A layer of named areas (regions, districts) exports can be cropped to. */
export interface CropLayerRecord {
  readonly id: number
  readonly name: string
  /** The id of the layer it was made from (not one the store serves). */
  readonly source_layer: number
  readonly features: ReadonlyArray<CropFeatureRecord>
}
