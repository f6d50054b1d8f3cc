/**
 * The fake's in-memory state: reference data, every catalog item with its versions,
 * publishes, tokens, data sources with their scans and datasources, permissions and
 * exports, with ids handed out in increasing order. Tests shape it directly (`addLayer`,
 * `addSet`, `addSource`, `generateCatalog`, `failNextImport`, `failNextScan`,
 * `failNextExport`, `completeImports`, `completeScans`, `completeExports`, `reset`) and read
 * it back to compute what the API should answer; the endpoints change it through the
 * lifecycle methods (drafts, imports, deletions, publishes, tokens, scans, exports).
 *
 * Imports, scans and exports advance as they are read: every {@link Store.pollImport} of an
 * importing version moves its progress one step, and after {@link Store.importPolls} reads
 * the import ends, `ok` with progress 1 — or `error` when {@link Store.failImports} is on or
 * the layer was named by {@link Store.failNextImport}. Scans ({@link Store.pollScan},
 * `queued` → `scanning` → `completed`) and exports ({@link Store.pollExport}, `processing`
 * → `complete`) work the same way.
 */
import { createHmac, randomBytes } from "node:crypto"
import { ALL_SCOPES, type TokenScopes } from "./Auth.ts"
import {
  CATEGORIES,
  categoryBySlug,
  CROP_LAYERS,
  EVERYONE,
  GROUPS,
  type LayerItem,
  LICENSES,
  planVersions,
  randomDocument,
  randomItemChoice,
  randomLayer,
  randomPublishState,
  randomSet,
  randomSetPublishState,
  type SetItem,
  USERS,
  type VersionPlan
} from "./Generate.ts"
import {
  type CatalogRecord,
  type Category,
  changedLayer,
  type CropLayerRecord,
  currentVersion,
  type DatasourceRecord,
  type ExportRecord,
  type GroupRecord,
  isActivePublish,
  isProcessingExport,
  isRunningScan,
  type LayerChanges,
  type LayerContent,
  type LayerKind,
  type LayerRecord,
  latestVersion,
  type LicenseRecord,
  type MetadataDocument,
  type PermissionKind,
  type PermissionRecord,
  type PublishRecord,
  type ScanRecord,
  type SetContent,
  type SetRecord,
  type SourceRecord,
  type SourceType,
  type TokenRecord,
  type UploadFile,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord,
  type VersionStatus
} from "./Model.ts"
import { makeRng, type Rng } from "./Random.ts"
import { datasetsOf, newDatasets, randomSource, scanMessages } from "./Scanning.ts"
import { currentTimestamp, formatTimestamp, parseTimestamp } from "./Time.ts"
import { isoDocument } from "./Xml.ts"

/** How a {@link Store} runs imports, scans and exports, and which tokens it starts with. */
export interface StoreOptions {
  /** Reads of an importing version until its import ends (a positive integer); default 2. */
  readonly importPolls?: number
  /** Reads of a running scan until it ends (a positive integer); default 2. */
  readonly scanPolls?: number
  /** Reads of a processing export until it ends (a positive integer); default 2. */
  readonly exportPolls?: number
  /** Every import ends in `error`; default false. */
  readonly failImports?: boolean
  /** Token key → scopes, each owned by the default user; default `{ "test-token": ALL_SCOPES }`. */
  readonly tokens?: TokenScopes
}

/** What {@link Store.addLayer} accepts; anything left out is generated. */
export interface LayerOptions {
  /** Default `vector`; `table` makes a table (served under `/tables/`). */
  readonly kind?: LayerKind
  readonly name?: string
  readonly description?: string
  /** A group id from {@link Store.groups}. */
  readonly group?: number
  /** A license id from {@link Store.licenses}. */
  readonly license?: number
  /** Category slugs from {@link Store.categories}. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  readonly geotags?: ReadonlyArray<string>
  readonly public?: boolean
  readonly popularity?: number
  /** An ISO timestamp, written as given. */
  readonly created_at?: string
  /** How many published versions the layer has had (default 1; 0 = never published). */
  readonly publishedVersions?: number
  /**
   * Status of an unpublished newest version (the draft); `false` for none. Default: none,
   * or `"ok"` when the layer was never published (a layer always has a version).
   */
  readonly draft?: VersionStatus | false
  /** Whether it carries a (generated) native metadata document; default random (70%). */
  readonly metadata?: boolean
  /** Ids of the datasources its data comes from (`[]` leaves nothing to import). */
  readonly datasources?: ReadonlyArray<number>
}

/** What {@link Store.addSet} accepts; anything left out is generated. */
export interface SetOptions {
  readonly title?: string
  readonly description?: string
  /** A group id from {@link Store.groups}. */
  readonly group?: number
  /** Ids of layers and tables in the store. */
  readonly items?: ReadonlyArray<number>
  /** Category slugs from {@link Store.categories}. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  /** The creator, a user id from {@link Store.users}. */
  readonly user?: number
  /** An ISO timestamp, written as given. */
  readonly created_at?: string
  /** How many published versions the set has had (default 1; 0 = never published). */
  readonly publishedVersions?: number
  /** Whether the newest version is an unpublished draft; default: none, or a draft when never published. */
  readonly draft?: boolean
  /** Whether it carries a (generated) native metadata document; default random (30%). */
  readonly metadata?: boolean
}

/** What {@link Store.addSource} accepts; anything left out is generated. */
export interface SourceOptions {
  /** Default `upload`. */
  readonly type?: SourceType
  readonly title?: string
  readonly description?: string
  /** A group id from {@link Store.groups}; null for none. */
  readonly group?: number | null
  /** A user id from {@link Store.users}; null for none. */
  readonly user?: number | null
  /** Where a remote source (`arcgis`, `wfs`, `cifs`, `postgres`) reads from; ignored for the others. */
  readonly url_remote?: string
  readonly scan_schedule?: string | null
  readonly options?: Readonly<Record<string, unknown>>
  /** Category slugs from {@link Store.categories}; default none. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  /** The files of an upload source (ignored for the other types). */
  readonly files?: ReadonlyArray<UploadFile>
  /** Whether it was scanned (some time ago), so its datasources exist; default true. */
  readonly scanned?: boolean
}

/** What a new source holds; see {@link Store.createSource}. */
export type NewSource = Pick<
  SourceRecord,
  | "type"
  | "title"
  | "description"
  | "group"
  | "user"
  | "url_remote"
  | "scan_schedule"
  | "options"
  | "categories"
  | "tags"
  | "files"
>

/** What a new export holds; see {@link Store.createExport}. */
export type NewExport = Pick<
  ExportRecord,
  "name" | "user" | "crs" | "formats" | "items" | "extent" | "options" | "size_estimate_zipped"
>

/** Anything permissions are set on. */
export type PermissionTarget = LayerRecord | SetRecord | SourceRecord

/** What a new token holds; see {@link Store.createToken}. */
export interface NewToken {
  readonly name: string
  readonly scopes: ReadonlyArray<string>
  readonly user: UserRecord
  readonly expires_at: string | null
  readonly referrers: ReadonlyArray<string> | null
}

/** A user's sign-in for the password grant of `POST /tokens/`. */
export interface Credentials {
  /** The user's email. */
  readonly username: string
  readonly password: string
}

const firstItemId = 1001
const firstVersionId = 100_001
const firstPublishId = 5001
const firstTokenId = 700_001
const firstSourceId = 2101
const firstScanId = 4101
const firstDatasourceId = 140_001
const firstExportId = 9001
const hour = 3_600_000

const byId = <T extends { readonly id: number }>(list: ReadonlyArray<T>, id: number, what: string): T => {
  const found = list.find((item) => item.id === id)
  if (found === undefined) throw new Error(`Unknown ${what} id ${id}`)
  return found
}

const byIdOrNull = <T extends { readonly id: number }>(list: ReadonlyArray<T>, id: number | null, what: string) =>
  id === null ? null : byId(list, id, what)

const positivePolls = (name: string, polls: number): number => {
  if (!Number.isInteger(polls) || polls < 1) throw new Error(`${name} must be a positive integer, got ${polls}`)
  return polls
}

const byteCount = (name: string, bytes: number): number => {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`${name} must be a whole number of bytes, got ${bytes}`)
  return bytes
}

/**
 * Counts the reads of things that end after a number of reads (imports, scans, exports)
 * and moves their progress on evenly: 0 → 0.5 → end for two reads.
 */
class Reads<T extends object> {
  readonly #counts = new WeakMap<T, number>()

  /**
   * Counts one read of `item`, which ends on its `polls`th read: undefined when this read
   * ends it (the count restarts), else its progress one even step on from `progress`.
   */
  advance(item: T, progress: number, polls: number): number | undefined {
    const reads = (this.#counts.get(item) ?? 0) + 1
    if (reads >= polls) {
      this.#counts.delete(item)
      return undefined
    }
    this.#counts.set(item, reads)
    return progress + (1 - progress) / (polls - reads + 1)
  }

  /** Forgets the reads of `item` (it ended or starts over). */
  forget(item: T): void {
    this.#counts.delete(item)
  }
}

/** Who owns an item: a layer's or set's group; a source's group, else its user, if any. */
const ownerOf = (target: PermissionTarget): { readonly group: GroupRecord } | { readonly user: UserRecord } | undefined => {
  if ("entity" in target) return { group: target.group }
  if (target.group !== null) return { group: target.group }
  return target.user === null ? undefined : { user: target.user }
}

/** Who may do what on an item at first: its owner administers it, everyone may view it. */
const defaultPermissions = (target: PermissionTarget): Array<PermissionRecord> => {
  const owner = ownerOf(target)
  const everyone: PermissionRecord = { group: EVERYONE, permission: "view" }
  return owner === undefined ? [everyone] : [{ ...owner, permission: "admin" }, everyone]
}

const instantOf = (timestamp: string): number => {
  const instant = parseTimestamp(timestamp)?.start
  if (instant === undefined) throw new Error(`Invalid created_at "${timestamp}"`)
  return instant
}

/**
 * Gives versioned records read-only content fields (every key of `C`, listed in `keys`)
 * that read the record's current version.
 */
const contentFields = <C>(keys: Record<keyof C, true>) => <R extends Versioned<C>>(record: R): R & Readonly<C> => {
  for (const key of Object.keys(keys) as Array<keyof C>) {
    Object.defineProperty(record, key, { enumerable: true, get: () => currentVersion(record).content[key] })
  }
  return record as R & Readonly<C>
}

const withLayerContent = contentFields<LayerContent>({
  name: true,
  description: true,
  group: true,
  license: true,
  categories: true,
  tags: true,
  data: true,
  elevation_field: true,
  metadata: true
})

const withSetContent = contentFields<SetContent>({
  title: true,
  description: true,
  group: true,
  items: true,
  categories: true,
  tags: true,
  metadata: true
})

/** What a generated metadata document describes. */
interface Described {
  readonly title: string
  readonly description: string
  readonly tags: ReadonlyArray<string>
}

/** A generated native metadata document (ISO 19139) for a new item. */
const generatedMetadata = (entity: string, id: number, item: Described, created: string): MetadataDocument =>
  Buffer.from(isoDocument({
    identifier: `urn:koordinates:${entity}:${id}`,
    title: item.title,
    abstract: item.description,
    keywords: item.tags,
    created,
    published: null
  }))

/** The catalog the fake serves. */
export class Store {
  /** Publisher groups. */
  readonly groups: ReadonlyArray<GroupRecord> = GROUPS
  /** User accounts (each signs in with its `email` and `password`). */
  readonly users: ReadonlyArray<UserRecord> = USERS
  /** Licenses. */
  readonly licenses: ReadonlyArray<LicenseRecord> = LICENSES
  /** Categories. */
  readonly categories: ReadonlyArray<Category> = CATEGORIES
  /** The user owning the configured tokens: the first of {@link Store.users}. */
  readonly defaultUser: UserRecord = byId(USERS, 2001, "user")
  /** The default user's sign-in for `POST /tokens/`. */
  readonly defaultCredentials: Credentials = {
    username: this.defaultUser.email,
    password: this.defaultUser.password
  }
  /** The built-in group every user belongs to (`group.everyone` in permissions). */
  readonly everyone: GroupRecord = EVERYONE
  /** Crop layers, whose features exports can be cropped to. */
  readonly cropLayers: ReadonlyArray<CropLayerRecord> = CROP_LAYERS
  /** While true, every import ends in `error`. */
  failImports: boolean
  /**
   * Largest estimated (zipped) size of an export, in bytes; a bigger one is invalid
   * (`too-large`). Default 5 GB.
   */
  exportSizeLimit = 5_000_000_000

  readonly #seed: number
  readonly #configuredTokens: TokenScopes
  /** Signs export download URLs on the storage server. */
  readonly #downloadKey = randomBytes(32)
  #importPolls: number
  #scanPolls: number
  #exportPolls: number
  #exportSize = 65_536
  #rng: Rng
  /** Random source of sources and their datasets, apart from the catalog's so one does not shift the other. */
  #sourceRng: Rng
  #items: Array<CatalogRecord> = []
  #layers: Array<LayerRecord> = []
  #sets: Array<SetRecord> = []
  #byId = new Map<number, CatalogRecord>()
  #publishes: Array<PublishRecord> = []
  #tokens: Array<TokenRecord> = []
  #failing = new Set<number>()
  #importReads = new Reads<VersionRecord<unknown>>()
  #sources: Array<SourceRecord> = []
  #scans: Array<ScanRecord> = []
  #failingScans = new Set<number>()
  #scanReads = new Reads<ScanRecord>()
  #permissions = new WeakMap<PermissionTarget, ReadonlyArray<PermissionRecord>>()
  #exports: Array<ExportRecord> = []
  #failNextExport = false
  #exportReads = new Reads<ExportRecord>()
  #truncations: Array<number> = []
  /** Whether the storage server honours `Range: bytes=N-` on downloads (206); when off it ignores it (200). On by default. */
  downloadRanges = true
  #nextItemId = firstItemId
  #nextVersionId = firstVersionId
  #nextPublishId = firstPublishId
  #nextTokenId = firstTokenId
  #nextSourceId = firstSourceId
  #nextScanId = firstScanId
  #nextDatasourceId = firstDatasourceId
  #nextExportId = firstExportId

  /** An empty store whose generated content depends only on `seed`. */
  constructor(seed = 1, options: StoreOptions = {}) {
    this.#seed = seed
    this.#rng = makeRng(seed)
    this.#sourceRng = makeRng(~seed)
    this.#importPolls = positivePolls("importPolls", options.importPolls ?? 2)
    this.#scanPolls = positivePolls("scanPolls", options.scanPolls ?? 2)
    this.#exportPolls = positivePolls("exportPolls", options.exportPolls ?? 2)
    this.failImports = options.failImports ?? false
    this.#configuredTokens = options.tokens ?? { "test-token": ALL_SCOPES }
    this.#configureTokens()
  }

  /** Reads of an importing version until its import ends; throws unless a positive integer. */
  get importPolls(): number {
    return this.#importPolls
  }

  set importPolls(polls: number) {
    this.#importPolls = positivePolls("importPolls", polls)
  }

  /** Reads of a running scan until it ends; throws unless a positive integer. */
  get scanPolls(): number {
    return this.#scanPolls
  }

  set scanPolls(polls: number) {
    this.#scanPolls = positivePolls("scanPolls", polls)
  }

  /** Reads of a processing export until it ends; throws unless a positive integer. */
  get exportPolls(): number {
    return this.#exportPolls
  }

  set exportPolls(polls: number) {
    this.#exportPolls = positivePolls("exportPolls", polls)
  }

  /** Length in bytes of the download of exports created from now on (default 64 KiB). */
  get exportSize(): number {
    return this.#exportSize
  }

  set exportSize(bytes: number) {
    this.#exportSize = byteCount("exportSize", bytes)
  }

  /** Adds a layer or table; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addLayer(options: LayerOptions = {}): LayerRecord {
    const { item, content: generated, hasMetadata, created } = randomLayer(this.#rng, options.kind ?? "vector")
    const created_at = options.created_at ?? item.created_at
    const createdMs = options.created_at === undefined ? created : instantOf(created_at)
    const id = this.#nextItemId++
    const name = options.name ?? generated.name
    const description = options.description ?? generated.description
    const tags = options.tags ?? generated.tags
    const content: LayerContent = {
      ...generated,
      data: options.datasources === undefined
        ? generated.data
        : { ...generated.data, datasources: options.datasources.map((datasource) => ({ id: datasource })) },
      name,
      description,
      tags,
      group: options.group === undefined ? generated.group : byId(this.groups, options.group, "group"),
      license: options.license === undefined ? generated.license : byId(this.licenses, options.license, "license"),
      categories: options.categories?.map(categoryBySlug) ?? generated.categories,
      metadata: (options.metadata ?? hasMetadata)
        ? generatedMetadata("layer", id, { title: name, description, tags }, created_at)
        : null
    }
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, options.draft, content)
    return this.#addLayerRecord(id, {
      ...item,
      geotags: options.geotags ?? item.geotags,
      public: options.public ?? item.public,
      popularity: options.popularity ?? item.popularity,
      created_at
    }, versions)
  }

  /** Adds a set; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addSet(options: SetOptions = {}): SetRecord {
    const generated = randomSet(this.#rng, this.#layers)
    const created_at = options.created_at ?? generated.item.created_at
    const createdMs = options.created_at === undefined ? generated.created : instantOf(created_at)
    const id = this.#nextItemId++
    const described = {
      title: options.title ?? generated.content.title,
      description: options.description ?? generated.content.description,
      tags: options.tags ?? generated.content.tags
    }
    const content: SetContent = {
      ...generated.content,
      ...described,
      group: options.group === undefined ? generated.content.group : byId(this.groups, options.group, "group"),
      items: options.items?.map((item) => byId(this.#layers, item, "layer")) ?? generated.content.items,
      categories: options.categories?.map(categoryBySlug) ?? generated.content.categories,
      metadata: (options.metadata ?? generated.hasMetadata) ? generatedMetadata("set", id, described, created_at) : null
    }
    const draft = options.draft === undefined ? undefined : options.draft && "ok"
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, draft, content)
    const user = options.user === undefined ? generated.item.user : byId(this.users, options.user, "user")
    return this.#addSetRecord(id, { ...generated.item, user, created_at }, versions)
  }

  /** Adds `count` random items (layers, tables, sets, documents); returns them. */
  generateCatalog(count: number): ReadonlyArray<CatalogRecord> {
    const added: Array<CatalogRecord> = []
    for (let index = 0; index < count; index++) {
      const choice = randomItemChoice(this.#rng)
      if (choice === "set") added.push(this.addSet(randomSetPublishState(this.#rng)))
      else if (choice === "document") {
        added.push(this.#add({ entity: "document", id: this.#nextItemId++, ...randomDocument(this.#rng) }))
      } else added.push(this.addLayer({ kind: choice, ...randomPublishState(this.#rng) }))
    }
    return added
  }

  /** The layer or table with this id. */
  getLayer(id: number): LayerRecord | undefined {
    const record = this.#byId.get(id)
    return record?.entity === "layer" ? record : undefined
  }

  /** The set with this id. */
  getSet(id: number): SetRecord | undefined {
    const record = this.#byId.get(id)
    return record?.entity === "set" ? record : undefined
  }

  /** Every layer and table, by id. */
  layers(): ReadonlyArray<LayerRecord> {
    return [...this.#layers]
  }

  /** Every set, by id. */
  sets(): ReadonlyArray<SetRecord> {
    return [...this.#sets]
  }

  /** Every catalog item, by id. */
  catalogItems(): ReadonlyArray<CatalogRecord> {
    return [...this.#items]
  }

  /**
   * Creates a layer as `POST /layers/` does: public, one draft version, importing. Its data
   * block (CRS, fields) is generated; content `changes` leave out defaults to no description,
   * tags or categories, the first group and Creative Commons Attribution 4.0 International.
   */
  createLayer(kind: LayerKind, changes: LayerChanges, user: UserRecord): LayerRecord {
    const { item, content } = randomLayer(this.#rng, kind)
    const defaults: LayerContent = {
      name: "",
      description: "",
      group: byId(this.groups, 101, "group"),
      license: byId(this.licenses, 4, "license"),
      categories: [],
      tags: [],
      data: content.data,
      elevation_field: "",
      metadata: null
    }
    const version = this.#newVersion(user, changedLayer(defaults, changes), "importing")
    const fields = { ...item, geotags: [], public: true, popularity: 0, created_at: version.created_at }
    return this.#addLayerRecord(this.#nextItemId++, fields, [version])
  }

  /** Creates a set as `POST /sets/` does: public, one draft version with the given content. */
  createSet(content: Omit<SetContent, "metadata">, user: UserRecord): SetRecord {
    const version = this.#newVersion(user, { ...content, metadata: null }, "ok")
    const fields = {
      user,
      geotags: [],
      public: true,
      popularity: 0,
      created_at: version.created_at,
      publish_to_catalog_services: false
    }
    return this.#addSetRecord(this.#nextItemId++, fields, [version])
  }

  /** Adds a draft copying the newest version's content, importing it when `importing`; returns it. */
  addDraft<C>(record: Versioned<C>, user: UserRecord, importing: boolean): VersionRecord<C> {
    const version = this.#newVersion(user, latestVersion(record).content, importing ? "importing" : "ok")
    record.versions.push(version)
    return version
  }

  /** Removes a version; removing the only one removes the whole item. */
  removeVersion(record: VersionedRecord, version: VersionRecord<unknown>): void {
    if (record.versions.length === 1) return this.removeItem(record)
    const versions: Array<VersionRecord<unknown>> = record.versions
    const index = versions.indexOf(version)
    if (index >= 0) versions.splice(index, 1)
  }

  /** Removes a layer, table or set; a removed layer also leaves every set that held it. */
  removeItem(record: VersionedRecord): void {
    this.#items = this.#items.filter((item) => item !== record)
    this.#layers = this.#layers.filter((item) => item !== record)
    this.#sets = this.#sets.filter((item) => item !== record)
    this.#byId.delete(record.id)
    if (record.entity !== "layer") return
    for (const set of this.#sets) {
      for (const version of set.versions) {
        if (version.content.items.includes(record)) {
          version.content = { ...version.content, items: version.content.items.filter((item) => item !== record) }
        }
      }
    }
  }

  /** Starts (or restarts) an import of a version: status `importing`, progress 0. */
  startImport(version: VersionRecord<unknown>): void {
    version.status = "importing"
    version.progress = 0
    this.#importReads.forget(version)
  }

  /**
   * One read of a version: an importing one moves a step on (progress climbs evenly, 0 →
   * 0.5 → … for a new import) and ends on its {@link importPolls}th read.
   */
  pollImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    if (version.status !== "importing") return
    const progress = this.#importReads.advance(version, version.progress, this.#importPolls)
    if (progress === undefined) return this.#finishImport(record, version)
    version.progress = progress
  }

  /** Makes the next import of this layer to end (running now or started later) end in `error`. */
  failNextImport(layerId: number): void {
    if (this.getLayer(layerId) === undefined) throw new Error(`Unknown layer id ${layerId}`)
    this.#failing.add(layerId)
  }

  /** Ends every running import now (in `ok`, or `error` where failures are due). */
  completeImports(): void {
    for (const layer of this.#layers) {
      for (const version of layer.versions) if (version.status === "importing") this.#finishImport(layer, version)
    }
  }

  /** Every publish, oldest first. */
  publishes(): ReadonlyArray<PublishRecord> {
    return [...this.#publishes]
  }

  /** The publish with this id. */
  getPublish(id: number): PublishRecord | undefined {
    return this.#publishes.find((publish) => publish.id === id)
  }

  /** Records a publish; returns it. */
  addPublish(fields: Omit<PublishRecord, "id" | "created_at">): PublishRecord {
    const publish = { id: this.#nextPublishId++, created_at: currentTimestamp(), ...fields }
    this.#publishes.push(publish)
    return publish
  }

  /** The publish still under way that holds this version, or a version of this item, if any. */
  activePublishOf(target: VersionRecord<unknown> | VersionedRecord): PublishRecord | undefined {
    return this.#publishes.find((publish) =>
      isActivePublish(publish) && publish.items.some((item) => item.version === target || item.record === target)
    )
  }

  /** Every token, oldest first. */
  tokens(): ReadonlyArray<TokenRecord> {
    return [...this.#tokens]
  }

  /** The token with this secret key. */
  tokenForKey(key: string): TokenRecord | undefined {
    return this.#tokens.find((token) => token.key === key)
  }

  /** Creates a token with a fresh 32-hex-digit key; returns it. */
  createToken(fields: NewToken): TokenRecord {
    return this.#addToken(randomBytes(16).toString("hex"), fields)
  }

  /** Removes a token: it stops authenticating at once. */
  removeToken(token: TokenRecord): void {
    this.#tokens = this.#tokens.filter((candidate) => candidate !== token)
  }

  /**
   * Adds a source; returns its (live) record. Unless `scanned` is false it was scanned some
   * time ago (sometimes after a failed scan), so its datasources exist. Throws on unknown ids.
   */
  addSource(options: SourceOptions = {}): SourceRecord {
    const type = options.type ?? "upload"
    const generated = randomSource(this.#sourceRng, type, this.users)
    const source = this.createSource({
      type,
      title: options.title ?? generated.title,
      description: options.description ?? generated.description,
      group: options.group === undefined ? generated.group : byIdOrNull(this.groups, options.group, "group"),
      user: options.user === undefined ? generated.user : byIdOrNull(this.users, options.user, "user"),
      url_remote: generated.url_remote === null ? null : options.url_remote ?? generated.url_remote,
      scan_schedule: options.scan_schedule === undefined ? generated.scan_schedule : options.scan_schedule,
      options: options.options ?? generated.options,
      categories: options.categories?.map(categoryBySlug) ?? [],
      tags: options.tags ?? generated.tags,
      files: type === "upload" ? options.files ?? generated.files : []
    }, generated.created)
    if (options.scanned ?? true) {
      let at = generated.created
      if (this.#sourceRng.chance(0.25)) this.#endScan(this.startScan(source, at), (at += hour), true)
      this.#endScan(this.startScan(source, (at += hour)), at + this.#sourceRng.int(2_000, 90_000), false)
    }
    return source
  }

  /** Adds `count` generated sources of every type, scanned; returns them. */
  generateSources(count: number): ReadonlyArray<SourceRecord> {
    const types: ReadonlyArray<SourceType> = ["upload", "arcgis", "upload", "wfs", "cifs", "postgres", "info"]
    return Array.from({ length: count }, (_, index) => this.addSource({ type: types[index % types.length] ?? "upload" }))
  }

  /** Creates a source as `POST /sources/` does (at `at`, default now): not scanned yet, its datasets planned. */
  createSource(fields: NewSource, at = Date.now()): SourceRecord {
    const source: SourceRecord = {
      id: this.#nextSourceId++,
      ...fields,
      metadata: null,
      created_at: formatTimestamp(at, "millis"),
      last_scanned_at: null,
      datasets: datasetsOf(this.#sourceRng, fields.type, fields.files),
      datasources: []
    }
    this.#sources.push(source)
    return source
  }

  /** The source with this id. */
  getSource(id: number): SourceRecord | undefined {
    return this.#sources.find((source) => source.id === id)
  }

  /** Every source, by id. */
  sources(): ReadonlyArray<SourceRecord> {
    return [...this.#sources]
  }

  /** Removes a source with its scans and datasources. */
  removeSource(source: SourceRecord): void {
    this.#sources = this.#sources.filter((candidate) => candidate !== source)
    this.#scans = this.#scans.filter((scan) => scan.source_id !== source.id)
  }

  /** The datasources of a source, oldest first; throws for an unknown source id. */
  datasources(sourceId: number): ReadonlyArray<DatasourceRecord> {
    return [...this.#sourceWithId(sourceId).datasources]
  }

  /** Every scan (or those of one source), oldest first. */
  scans(sourceId?: number): ReadonlyArray<ScanRecord> {
    return this.#scans.filter((scan) => sourceId === undefined || scan.source_id === sourceId)
  }

  /** The scan with this id. */
  getScan(id: number): ScanRecord | undefined {
    return this.#scans.find((scan) => scan.id === id)
  }

  /** Starts a scan of a source (`queued`, its log planned); returns it. */
  startScan(source: SourceRecord, at = Date.now()): ScanRecord {
    const scan: ScanRecord = {
      id: this.#nextScanId++,
      source_id: source.id,
      status: "queued",
      started_at: formatTimestamp(at, "micros"),
      completed_at: null,
      change_counts: { added: 0, updated: 0, deleted: 0 },
      progress: 0,
      messages: scanMessages(source)
    }
    this.#scans.push(scan)
    return scan
  }

  /**
   * One read of a scan: a running one moves a step on (`scanning`, progress climbing evenly)
   * and ends on its {@link scanPolls}th read, `completed` (its new datasources added) or
   * `failed` when its source was named by {@link failNextScan}.
   */
  pollScan(scan: ScanRecord): void {
    if (!isRunningScan(scan)) return
    const progress = this.#scanReads.advance(scan, scan.progress, this.#scanPolls)
    if (progress === undefined) return this.#endScan(scan, Date.now(), this.#failingScans.delete(scan.source_id))
    scan.status = "scanning"
    scan.progress = progress
  }

  /** Stops a running scan: `cancelled`, nothing found. */
  cancelScan(scan: ScanRecord): void {
    this.#scanReads.forget(scan)
    scan.status = "cancelled"
    scan.completed_at = formatTimestamp(Date.now(), "micros")
  }

  /** Makes the next scan of this source to end (running now or started later) end in `failed`. */
  failNextScan(sourceId: number): void {
    this.#failingScans.add(this.#sourceWithId(sourceId).id)
  }

  /** Ends every running scan now (`completed`, or `failed` where failures are due). */
  completeScans(): void {
    for (const scan of this.#scans) {
      if (isRunningScan(scan)) this.#endScan(scan, Date.now(), this.#failingScans.delete(scan.source_id))
    }
  }

  /** The permissions on an item, as set (or as every item starts: its owner admin, everyone view). */
  permissions(target: PermissionTarget): ReadonlyArray<PermissionRecord> {
    return this.#permissions.get(target) ?? defaultPermissions(target)
  }

  /** The permissions on the layer, set or source with this id; throws for an unknown id. */
  permissionsOf(kind: PermissionKind, id: number): ReadonlyArray<PermissionRecord> {
    const target = kind === "layer" ? this.getLayer(id) : kind === "set" ? this.getSet(id) : this.getSource(id)
    if (target === undefined) throw new Error(`Unknown ${kind} id ${id}`)
    return this.permissions(target)
  }

  /** Replaces every permission on an item. */
  setPermissions(target: PermissionTarget, permissions: ReadonlyArray<PermissionRecord>): void {
    this.#permissions.set(target, [...permissions])
  }

  /** Every export, oldest first. */
  exports(): ReadonlyArray<ExportRecord> {
    return [...this.#exports]
  }

  /** The export with this id. */
  getExport(id: number): ExportRecord | undefined {
    return this.#exports.find((record) => record.id === id)
  }

  /** Starts an export (`processing`, via the API, sized {@link exportSize}); returns it. */
  createExport(fields: NewExport): ExportRecord {
    const record: ExportRecord = {
      id: this.#nextExportId++,
      created_at: formatTimestamp(Date.now(), "micros"),
      created_via: "api",
      state: "processing",
      progress: 0,
      size: this.#exportSize,
      ...fields
    }
    this.#exports.push(record)
    return record
  }

  /**
   * One read of an export: a processing one moves a step on and ends on its
   * {@link exportPolls}th read, `complete` — or `failed` when {@link failNextExport} was called.
   */
  pollExport(record: ExportRecord): void {
    if (!isProcessingExport(record)) return
    const progress = this.#exportReads.advance(record, record.progress, this.#exportPolls)
    if (progress === undefined) return this.#endExport(record)
    record.progress = progress
  }

  /** Stops a processing export: `cancelled`. */
  cancelExport(record: ExportRecord): void {
    this.#exportReads.forget(record)
    record.state = "cancelled"
  }

  /** Removes an export. */
  removeExport(record: ExportRecord): void {
    this.#exports = this.#exports.filter((candidate) => candidate !== record)
  }

  /** Makes the next export to end (processing now or started later) end in `failed`. */
  failNextExport(): void {
    this.#failNextExport = true
  }

  /** Ends every processing export now (`complete`, or `failed` where a failure is due). */
  completeExports(): void {
    for (const record of this.#exports) if (isProcessingExport(record)) this.#endExport(record)
  }

  /**
   * Sets a download size in bytes: of the export `exportId`, or without one of exports
   * created from now on (as {@link exportSize}). Throws for an unknown id or a bad size.
   */
  setExportSize(bytes: number, exportId?: number): void {
    if (exportId === undefined) {
      this.exportSize = bytes
      return
    }
    const record = this.getExport(exportId)
    if (record === undefined) throw new Error(`Unknown export id ${exportId}`)
    record.size = byteCount("size", bytes)
  }

  /**
   * Makes the storage server cut a coming download's connection after `bytes` bytes of its
   * body: each call cuts one more download, in order.
   */
  truncateNextDownload(bytes: number): void {
    this.#truncations.push(byteCount("truncateNextDownload", bytes))
  }

  /** The next cut {@link truncateNextDownload} asked for, once (the storage server takes it). */
  takeTruncation(): number | undefined {
    return this.#truncations.shift()
  }

  /** The signature of a download path on the storage server (HMAC-SHA256, hex). */
  signDownload(path: string): string {
    return createHmac("sha256", this.#downloadKey).update(path).digest("hex")
  }

  /**
   * Empties the catalog, publishes, sources, scans, permissions and exports, forgets pending
   * failures and download cuts, restores the configured tokens (dropping created ones), and
   * restarts ids and the random sequences (reference data, poll and size settings stay).
   */
  reset(): void {
    this.#rng = makeRng(this.#seed)
    this.#sourceRng = makeRng(~this.#seed)
    this.#items = []
    this.#layers = []
    this.#sets = []
    this.#byId.clear()
    this.#publishes = []
    this.#failing.clear()
    this.#sources = []
    this.#scans = []
    this.#failingScans.clear()
    this.#permissions = new WeakMap()
    this.#exports = []
    this.#failNextExport = false
    this.#truncations = []
    this.downloadRanges = true
    this.#nextItemId = firstItemId
    this.#nextVersionId = firstVersionId
    this.#nextPublishId = firstPublishId
    this.#nextSourceId = firstSourceId
    this.#nextScanId = firstScanId
    this.#nextDatasourceId = firstDatasourceId
    this.#nextExportId = firstExportId
    this.#configureTokens()
  }

  #sourceWithId(id: number): SourceRecord {
    const source = this.getSource(id)
    if (source === undefined) throw new Error(`Unknown source id ${id}`)
    return source
  }

  /** Ends a scan at `at`: `failed`, or `completed` with the datasets not found before as new datasources. */
  #endScan(scan: ScanRecord, at: number, failed: boolean): void {
    this.#scanReads.forget(scan)
    const completed_at = formatTimestamp(at, "micros")
    scan.completed_at = completed_at
    const source = this.getSource(scan.source_id)
    if (failed || source === undefined) {
      scan.status = "failed"
      return
    }
    const added = newDatasets(source).map((plan) => ({
      ...plan,
      id: this.#nextDatasourceId++,
      source_id: source.id,
      updated_at: completed_at
    }))
    source.datasources.push(...added)
    source.last_scanned_at = completed_at
    scan.status = "completed"
    scan.progress = 1
    scan.change_counts = { added: added.length, updated: 0, deleted: 0 }
  }

  #endExport(record: ExportRecord): void {
    this.#exportReads.forget(record)
    if (this.#failNextExport) {
      this.#failNextExport = false
      record.state = "failed"
      return
    }
    record.state = "complete"
    record.progress = 1
  }

  #configureTokens(): void {
    this.#tokens = []
    this.#nextTokenId = firstTokenId
    for (const [key, scopes] of Object.entries(this.#configuredTokens)) {
      this.#addToken(key, { name: "", scopes, user: this.defaultUser, expires_at: null, referrers: null })
    }
  }

  #addToken(key: string, fields: NewToken): TokenRecord {
    const token = { id: this.#nextTokenId++, key, created_at: currentTimestamp(), ...fields }
    this.#tokens.push(token)
    return token
  }

  #finishImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    this.#importReads.forget(version)
    const failed = this.#failing.delete(record.id) || this.failImports
    version.status = failed ? "error" : "ok"
    if (!failed) version.progress = 1
  }

  #newVersion<C>(user: UserRecord, content: C, status: VersionStatus): VersionRecord<C> {
    return {
      id: this.#nextVersionId++,
      status,
      created_at: currentTimestamp(),
      created_by: user.id,
      reference: "",
      progress: status === "importing" ? 0 : 1,
      published_at: null,
      content
    }
  }

  #plannedVersions<C>(
    createdMs: number,
    publishedVersions: number,
    draftOption: VersionStatus | false | undefined,
    content: C
  ): Array<VersionRecord<C>> {
    const draft = draftOption ?? (publishedVersions === 0 ? "ok" : false)
    if (publishedVersions === 0 && draft === false) throw new Error("An item needs at least one version")
    return planVersions(this.#rng, createdMs, publishedVersions, draft)
      .map((plan: VersionPlan) => ({ id: this.#nextVersionId++, ...plan, content }))
  }

  #addLayerRecord(id: number, item: LayerItem, versions: Array<VersionRecord<LayerContent>>): LayerRecord {
    return this.#add(withLayerContent({ entity: "layer" as const, id, ...item, versions }))
  }

  #addSetRecord(id: number, item: SetItem, versions: Array<VersionRecord<SetContent>>): SetRecord {
    return this.#add(withSetContent({ entity: "set" as const, id, ...item, versions }))
  }

  #add<T extends CatalogRecord>(record: T): T {
    this.#items.push(record)
    if (record.entity === "layer") this.#layers.push(record)
    if (record.entity === "set") this.#sets.push(record)
    this.#byId.set(record.id, record)
    return record
  }
}
