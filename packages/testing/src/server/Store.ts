/**
 * The fake's in-memory state, behind one facade: reference data (groups, users, licenses,
 * categories, crop layers) and, per resource, the catalog with its versions and imports
 * (CatalogStore.ts), publishes (PublishStore.ts), tokens (TokenStore.ts), sources with their
 * scans and datasources (SourceStore.ts), permissions (PermissionStore.ts) and exports
 * (ExportStore.ts). Tests shape it directly (`addLayer`, `addSet`, `addSource`,
 * `generateCatalog`, `failNextImport`, `failNextScan`, `failNextExport`, `completeImports`,
 * `completeScans`, `completeExports`, `reset`) and read it back; the endpoints change it
 * through the lifecycle methods.
 *
 * Jobs — imports, scans, exports, publishes — run on the store's {@link FakeClock}: each
 * takes its time (`importTime`, `scanTime`, `exportTime`, `publishTime`) from the instant
 * it starts, whoever reads what meanwhile. The store catches up with the clock at every
 * request, at every `clock.advance(…)`, and (on the real clock) when a job's time runs out.
 * With the `per-read` clock a job moves one step per read of it instead, ending on its
 * `importPolls`th (`scanPolls`th, `exportPolls`th) read.
 */
import { CatalogStore, type LayerOptions, type SetOptions } from "./CatalogStore.ts"
import { type ClockMode, type DurationInput, FakeClock, millisOf } from "./Clock.ts"
import { ExportStore, type NewExport } from "./ExportStore.ts"
import { type FakeFeature, type FeatureSettings, featuresAt, FeatureStore } from "./Features.ts"
import { CATEGORIES, CROP_LAYERS, EVERYONE, GROUPS, LICENSES, USERS } from "./Generate.ts"
import {
  ALL_SCOPES,
  byId,
  type CatalogRecord,
  type Category,
  type CropLayerRecord,
  type DatasourceRecord,
  type ExportRecord,
  type GroupRecord,
  type ItemView,
  type LayerChanges,
  type LayerKind,
  type LayerRecord,
  type LicenseRecord,
  type PermissionKind,
  type PermissionRecord,
  type PermissionTarget,
  type PublishRecord,
  type ScanRecord,
  type SetContent,
  type SetRecord,
  type SourceRecord,
  type TokenRecord,
  type TokenScopes,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord
} from "./Model.ts"
import { PermissionStore } from "./PermissionStore.ts"
import { PublishStore } from "./PublishStore.ts"
import { type NewSource, type SourceOptions, SourceStore } from "./SourceStore.ts"
import { type NewToken, TokenStore } from "./TokenStore.ts"

/**
 * How a {@link Store} runs its jobs, and which tokens it starts with.
 *
 * @example
 * ```ts
 * new Store(1, { clock: "manual", importTime: "2 minutes" })
 * new Store(1, { clock: "per-read", importPolls: 3 })
 * ```
 * @since 0.1.0
 */
export interface StoreOptions {
  /** How jobs move on: `real` time (default), a `manual` clock, or `per-read`. @since 0.2.0 */
  readonly clock?: ClockMode
  /** How long an import runs (ms, `"2 seconds"`, a `Duration`); default 200 ms. @since 0.2.0 */
  readonly importTime?: DurationInput
  /** How long a scan runs; default 200 ms. @since 0.2.0 */
  readonly scanTime?: DurationInput
  /** How long an export takes; default 200 ms. @since 0.2.0 */
  readonly exportTime?: DurationInput
  /** How long a publish takes once ready (its time come, its items imported); default 100 ms. @since 0.2.0 */
  readonly publishTime?: DurationInput
  /** With the `per-read` clock only: reads of an importing version until its import ends; default 2. */
  readonly importPolls?: number
  /** With the `per-read` clock only: reads of a running scan until it ends; default 2. */
  readonly scanPolls?: number
  /** With the `per-read` clock only: reads of a processing export until it ends; default 2. */
  readonly exportPolls?: number
  /** Every import ends in `error`; default false. */
  readonly failImports?: boolean
  /** Token key → scopes, each owned by the default user; default `{ "test-token": ALL_SCOPES }`. */
  readonly tokens?: TokenScopes
}

/**
 * A user's sign-in for the password grant of `POST /tokens/`.
 *
 * @since 0.1.0
 */
export interface Credentials {
  /** The user's email. */
  readonly username: string
  readonly password: string
}

/** The kinds of job with a length. */
type JobKind = "import" | "scan" | "export" | "publish"

const defaultTimes: Readonly<Record<JobKind, number>> = { import: 200, scan: 200, export: 200, publish: 100 }

/** A count of reads, checked: a positive integer, and only with the `per-read` clock. */
const pollCount = (clock: FakeClock, name: string, polls: number | undefined): number => {
  if (polls === undefined) return 2
  if (clock.mode !== "per-read") throw new Error(`${name} counts reads: it needs clock "per-read" (use a duration)`)
  if (!Number.isInteger(polls) || polls < 1) throw new Error(`${name} must be a positive integer, got ${polls}`)
  return polls
}

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
  readonly defaultCredentials: Credentials = { username: this.defaultUser.email, password: this.defaultUser.password }
  /** The built-in group every user belongs to (`group.everyone` in permissions). */
  readonly everyone: GroupRecord = EVERYONE
  /** Crop layers, whose features exports can be cropped to. */
  readonly cropLayers: ReadonlyArray<CropLayerRecord> = CROP_LAYERS
  /**
   * The time jobs run on.
   *
   * @since 0.2.0
   */
  readonly clock: FakeClock

  readonly #times: Record<JobKind, number>
  readonly #polls: Record<Exclude<JobKind, "publish">, number>
  readonly #catalog: CatalogStore
  readonly #publishes: PublishStore
  readonly #tokens: TokenStore
  readonly #sources: SourceStore
  readonly #permissions = new PermissionStore()
  readonly #exports: ExportStore
  readonly #features: FeatureStore

  /** An empty store whose generated content depends only on `seed`. */
  constructor(seed = 1, options: StoreOptions = {}) {
    const clock = new FakeClock(options.clock)
    this.clock = clock
    const time = (kind: JobKind, input: DurationInput | undefined) =>
      input === undefined ? defaultTimes[kind] : millisOf(`${kind}Time`, input)
    this.#times = {
      import: time("import", options.importTime),
      scan: time("scan", options.scanTime),
      export: time("export", options.exportTime),
      publish: time("publish", options.publishTime)
    }
    this.#polls = {
      import: pollCount(clock, "importPolls", options.importPolls),
      scan: pollCount(clock, "scanPolls", options.scanPolls),
      export: pollCount(clock, "exportPolls", options.exportPolls)
    }
    const settle = () => this.settle()
    const length = (kind: Exclude<JobKind, "publish">) => () =>
      clock.mode === "per-read" ? this.#polls[kind] : this.#times[kind]
    this.#catalog = new CatalogStore(seed, clock, length("import"), options.failImports ?? false, settle)
    this.#publishes = new PublishStore(clock, this.#catalog, () => this.#times.publish)
    this.#tokens = new TokenStore(clock, options.tokens ?? { "test-token": ALL_SCOPES }, this.defaultUser)
    this.#sources = new SourceStore(seed, clock, length("scan"), settle)
    this.#exports = new ExportStore(clock, length("export"), settle)
    this.#features = new FeatureStore(seed)
    clock.onAdvance(settle)
  }

  /** With the `per-read` clock: reads of an importing version until its import ends; throws unless a positive integer. */
  get importPolls(): number {
    return this.#polls.import
  }

  set importPolls(polls: number) {
    this.#polls.import = pollCount(this.clock, "importPolls", polls)
  }

  /** With the `per-read` clock: reads of a running scan until it ends; throws unless a positive integer. */
  get scanPolls(): number {
    return this.#polls.scan
  }

  set scanPolls(polls: number) {
    this.#polls.scan = pollCount(this.clock, "scanPolls", polls)
  }

  /** With the `per-read` clock: reads of a processing export until it ends; throws unless a positive integer. */
  get exportPolls(): number {
    return this.#polls.export
  }

  set exportPolls(polls: number) {
    this.#polls.export = pollCount(this.clock, "exportPolls", polls)
  }

  /** While true, every import ends in `error`. */
  get failImports(): boolean {
    return this.#catalog.failImports
  }

  set failImports(on: boolean) {
    this.#catalog.failImports = on
  }

  /** Largest estimated (zipped) size of an export, in bytes; a bigger one is invalid (`too-large`). Default 5 GB. */
  get exportSizeLimit(): number {
    return this.#exports.exportSizeLimit
  }

  set exportSizeLimit(bytes: number) {
    this.#exports.exportSizeLimit = bytes
  }

  /** Whether the storage server honours `Range: bytes=N-` on downloads (206); when off it ignores it (200). On by default. */
  get downloadRanges(): boolean {
    return this.#exports.downloadRanges
  }

  set downloadRanges(on: boolean) {
    this.#exports.downloadRanges = on
  }

  /** Length in bytes of the download of exports created from now on (default 64 KiB). */
  get exportSize(): number {
    return this.#exports.exportSize
  }

  set exportSize(bytes: number) {
    this.#exports.exportSize = bytes
  }

  /**
   * Brings every job up to the clock: imports, scans and exports whose time ran out end (at
   * the instant it ran out), then publishes move on.
   *
   * @example
   * ```ts
   * declare const store: Store
 * store.settle()
   * ```
   * @since 0.2.0
   */
  settle(): void {
    this.#catalog.settle()
    this.#sources.settle()
    this.#exports.settle()
    this.#publishes.settle()
  }

  /** Adds a layer or table; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addLayer(options: LayerOptions = {}): LayerRecord {
    const layer = this.#catalog.addLayer(options)
    if (options.features !== undefined || options.geometryType !== undefined) {
      this.#features.configure(layer.id, {
        ...(options.features === undefined ? {} : { count: options.features }),
        ...(options.geometryType === undefined ? {} : { geometryType: options.geometryType })
      })
    }
    return layer
  }

  /**
   * How the features of a layer or table are generated: how many its first published
   * version loads, their geometry. Its data is derived anew (nothing is generated yet).
   *
   * @example
   * ```ts
   * declare const store: Store
   * declare const layer: { readonly id: number }
   * store.setFeatures(layer.id, { count: 1_000_000, geometryType: "point" })
   * ```
   * @since 0.2.0
   */
  setFeatures(layerId: number, settings: FeatureSettings): void {
    if (this.getLayer(layerId) === undefined) throw new Error(`Unknown layer id ${layerId}`)
    this.#features.configure(layerId, settings)
  }

  /**
   * The features (or rows) a layer or table serves now — its newest published version's —
   * in key order, generated one at a time as the iteration goes; none for a raster, a grid
   * or a layer never published.
   *
   * @example
   * ```ts
   * declare const store: Store
   * declare const layer: { readonly id: number }
   * const [first] = store.features(layer.id)
   * first?.geometry // { type: "Point", coordinates: [174.8, -41.3] }
   * ```
   * @since 0.2.0
   */
  *features(layerId: number): Generator<FakeFeature> {
    const record = this.getLayer(layerId)
    const layer = record === undefined ? undefined : this.#features.layer(record)
    if (record === undefined || layer === undefined) return
    yield* featuresAt(layer, this.#features.current(record))
  }

  /**
   * How many features (or rows) a layer or table serves now; 0 for a raster, a grid or a
   * layer never published.
   *
   * @since 0.2.0
   */
  featureCount(layerId: number): number {
    const record = this.getLayer(layerId)
    if (record === undefined || this.#features.layer(record) === undefined) return 0
    return this.#features.current(record).size
  }

  /**
   * What generates the features of every layer (the data services read it).
   *
   * @since 0.2.0
   */
  get featureStore(): FeatureStore {
    return this.#features
  }

  /** Adds a set; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addSet(options: SetOptions = {}): SetRecord {
    return this.#catalog.addSet(options)
  }

  /** Adds `count` random items (layers, tables, sets, documents); returns them. */
  generateCatalog(count: number): ReadonlyArray<CatalogRecord> {
    return this.#catalog.generateCatalog(count)
  }

  /** The layer or table with this id. */
  getLayer(id: number): LayerRecord | undefined {
    return this.#catalog.getLayer(id)
  }

  /** The set with this id. */
  getSet(id: number): SetRecord | undefined {
    return this.#catalog.getSet(id)
  }

  /** Every layer and table, by id. */
  layers(): ReadonlyArray<LayerRecord> {
    return this.#catalog.layers()
  }

  /** Every set, by id. */
  sets(): ReadonlyArray<SetRecord> {
    return this.#catalog.sets()
  }

  /** Every catalog item, by id. */
  catalogItems(): ReadonlyArray<CatalogRecord> {
    return this.#catalog.catalogItems()
  }

  /** Every catalog item that has a published version, at that version, by id (what `/data/` lists). */
  publishedViews(): ReadonlyArray<ItemView> {
    return this.#catalog.publishedViews()
  }

  /** Creates a layer as `POST /layers/` does: public, one draft version, importing. */
  createLayer(kind: LayerKind, changes: LayerChanges, user: UserRecord): LayerRecord {
    return this.#catalog.createLayer(kind, changes, user)
  }

  /** Creates a set as `POST /sets/` does: public, one draft version with the given content. */
  createSet(content: Omit<SetContent, "metadata">, user: UserRecord): SetRecord {
    return this.#catalog.createSet(content, user)
  }

  /** Adds a draft copying the newest version's content, importing it when `importing`; returns it. */
  addDraft<C>(record: Versioned<C>, user: UserRecord, importing: boolean): VersionRecord<C> {
    return this.#catalog.addDraft(record, user, importing)
  }

  /** Removes a version; removing the only one removes the whole item. */
  removeVersion(record: VersionedRecord, version: VersionRecord<unknown>): void {
    this.#catalog.removeVersion(record, version)
  }

  /** Removes a layer, table or set; a removed layer also leaves every set that held it. */
  removeItem(record: VersionedRecord): void {
    this.#catalog.removeItem(record)
  }

  /** Starts (or restarts) an import of a version of this item: status `importing`, progress 0. */
  startImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    this.#catalog.startImport(record, version)
  }

  /** A read of a version: on the `per-read` clock an importing one moves a step on. */
  pollImport(version: VersionRecord<unknown>): void {
    this.#catalog.pollImport(version)
  }

  /** Makes the next import of this layer to end (running now or started later) end in `error`. */
  failNextImport(layerId: number): void {
    this.#catalog.failNextImport(layerId)
  }

  /** Ends every running import now (in `ok`, or `error` where failures are due), then moves publishes on. */
  completeImports(): void {
    this.#catalog.completeImports()
    this.#publishes.settle()
  }

  /** Every publish, oldest first. */
  publishes(): ReadonlyArray<PublishRecord> {
    return this.#publishes.publishes()
  }

  /** The publish with this id. */
  getPublish(id: number): PublishRecord | undefined {
    return this.#publishes.getPublish(id)
  }

  /** Starts a publish; returns it in its first state. */
  addPublish(fields: Omit<PublishRecord, "id" | "created_at" | "state">): PublishRecord {
    return this.#publishes.addPublish(fields)
  }

  /** A read of a publish: on the `per-read` clock it reads its items' imports and moves a step on. */
  pollPublish(publish: PublishRecord): void {
    this.#publishes.pollPublish(publish)
  }

  /** Stops a publish that has not ended: `cancelled`. */
  cancelPublish(publish: PublishRecord): void {
    this.#publishes.cancelPublish(publish)
  }

  /** The publish still under way that holds this version, or a version of this item, if any. */
  activePublishOf(target: VersionRecord<unknown> | VersionedRecord): PublishRecord | undefined {
    return this.#publishes.activePublishOf(target)
  }

  /** Every token, oldest first. */
  tokens(): ReadonlyArray<TokenRecord> {
    return this.#tokens.tokens()
  }

  /** The token with this secret key. */
  tokenForKey(key: string): TokenRecord | undefined {
    return this.#tokens.tokenForKey(key)
  }

  /** Creates a token with a fresh 32-hex-digit key; returns it. */
  createToken(fields: NewToken): TokenRecord {
    return this.#tokens.createToken(fields)
  }

  /** Removes a token: it stops authenticating at once. */
  removeToken(token: TokenRecord): void {
    this.#tokens.removeToken(token)
  }

  /** Adds a source; returns its (live) record. Unless `scanned` is false its datasources exist. */
  addSource(options: SourceOptions = {}): SourceRecord {
    return this.#sources.addSource(options)
  }

  /** Adds `count` generated sources of every type, scanned; returns them. */
  generateSources(count: number): ReadonlyArray<SourceRecord> {
    return this.#sources.generateSources(count)
  }

  /** Creates a source as `POST /sources/` does: not scanned yet, its datasets planned. */
  createSource(fields: NewSource): SourceRecord {
    return this.#sources.createSource(fields)
  }

  /** The source with this id. */
  getSource(id: number): SourceRecord | undefined {
    return this.#sources.getSource(id)
  }

  /** Every source, by id. */
  sources(): ReadonlyArray<SourceRecord> {
    return this.#sources.sources()
  }

  /** Removes a source with its scans and datasources. */
  removeSource(source: SourceRecord): void {
    this.#sources.removeSource(source)
  }

  /** The datasources of a source, oldest first; throws for an unknown source id. */
  datasources(sourceId: number): ReadonlyArray<DatasourceRecord> {
    return this.#sources.datasources(sourceId)
  }

  /** Every scan (or those of one source), oldest first. */
  scans(sourceId?: number): ReadonlyArray<ScanRecord> {
    return this.#sources.scans(sourceId)
  }

  /** The scan with this id. */
  getScan(id: number): ScanRecord | undefined {
    return this.#sources.getScan(id)
  }

  /** Starts a scan of a source now (`queued`); returns it. */
  startScan(source: SourceRecord): ScanRecord {
    return this.#sources.startScan(source)
  }

  /** A read of a scan: on the `per-read` clock a running one moves a step on. */
  pollScan(scan: ScanRecord): void {
    this.#sources.pollScan(scan)
  }

  /** Stops a running scan: `cancelled`, nothing found. */
  cancelScan(scan: ScanRecord): void {
    this.#sources.cancelScan(scan)
  }

  /** Makes the next scan of this source to end (running now or started later) end in `failed`. */
  failNextScan(sourceId: number): void {
    this.#sources.failNextScan(sourceId)
  }

  /** Ends every running scan now (`completed`, or `failed` where failures are due). */
  completeScans(): void {
    this.#sources.completeScans()
  }

  /** The permissions on an item, as set (or as every item starts: its owner admin, everyone view). */
  permissions(target: PermissionTarget): ReadonlyArray<PermissionRecord> {
    return this.#permissions.permissions(target)
  }

  /** The permissions on the layer, set or source with this id; throws for an unknown id. */
  permissionsOf(kind: PermissionKind, id: number): ReadonlyArray<PermissionRecord> {
    const target = kind === "layer" ? this.getLayer(id) : kind === "set" ? this.getSet(id) : this.getSource(id)
    if (target === undefined) throw new Error(`Unknown ${kind} id ${id}`)
    return this.permissions(target)
  }

  /** Replaces every permission on an item. */
  setPermissions(target: PermissionTarget, permissions: ReadonlyArray<PermissionRecord>): void {
    this.#permissions.setPermissions(target, permissions)
  }

  /** Every export, oldest first. */
  exports(): ReadonlyArray<ExportRecord> {
    return this.#exports.exports()
  }

  /** The export with this id. */
  getExport(id: number): ExportRecord | undefined {
    return this.#exports.getExport(id)
  }

  /** Starts an export (`processing`, via the API, sized {@link exportSize}); returns it. */
  createExport(fields: NewExport): ExportRecord {
    return this.#exports.createExport(fields)
  }

  /** A read of an export: on the `per-read` clock a processing one moves a step on. */
  pollExport(record: ExportRecord): void {
    this.#exports.pollExport(record)
  }

  /** Stops a processing export: `cancelled`. */
  cancelExport(record: ExportRecord): void {
    this.#exports.cancelExport(record)
  }

  /** Makes the next export to end (processing now or started later) end in `failed`. */
  failNextExport(): void {
    this.#exports.failNextExport()
  }

  /** Ends every processing export now (`complete`, or `failed` where a failure is due). */
  completeExports(): void {
    this.#exports.completeExports()
  }

  /** Sets a download size in bytes: of the export `exportId`, or of exports created from now on. */
  setExportSize(bytes: number, exportId?: number): void {
    this.#exports.setExportSize(bytes, exportId)
  }

  /** Makes the storage server cut a coming download's connection after `bytes` bytes of its body. */
  truncateNextDownload(bytes: number): void {
    this.#exports.truncateNextDownload(bytes)
  }

  /** The next cut {@link truncateNextDownload} asked for, once (the storage server takes it). */
  takeTruncation(): number | undefined {
    return this.#exports.takeTruncation()
  }

  /** The signature of a download path on the storage server (HMAC-SHA256, hex). */
  signDownload(path: string): string {
    return this.#exports.signDownload(path)
  }

  /**
   * Empties the catalog, publishes, sources, scans, permissions and exports, forgets pending
   * failures and download cuts, restores the configured tokens (dropping created ones), and
   * restarts ids and the random sequences (reference data, the clock, job and size settings stay).
   */
  reset(): void {
    this.#catalog.reset()
    this.#publishes.reset()
    this.#tokens.reset()
    this.#sources.reset()
    this.#permissions.reset()
    this.#exports.reset()
    this.#features.reset()
  }
}

