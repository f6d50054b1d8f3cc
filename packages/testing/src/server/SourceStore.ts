/**
 * Data sources, their scans and the datasources scans find, with ids handed out in
 * increasing order. A scan runs as a job on the fake's clock (Jobs.ts): `queued`, then
 * `scanning` as its progress climbs, then `completed` (the datasets not found before become
 * datasources) — or `failed` when its source was named by {@link SourceStore.failNextScan}.
 */
import type { FakeClock } from "./Clock.ts"
import { categoryBySlug, GROUPS, USERS } from "./Generate.ts"
import { Jobs } from "./Jobs.ts"
import {
  byIdOrNull,
  type DatasourceRecord,
  isRunningScan,
  type ScanRecord,
  type SourceRecord,
  type SourceType,
  type UploadFile
} from "./Model.ts"
import { makeRng, type Rng } from "./Random.ts"
import { datasetsOf, newDatasets, randomSource, scanMessages } from "./Scanning.ts"
import { formatTimestamp } from "./Time.ts"

/**
 * What {@link SourceStore.addSource} accepts; anything left out is generated.
 *
 * @since 0.1.0
 */
export interface SourceOptions {
  /** Default `upload`. */
  readonly type?: SourceType
  readonly title?: string
  readonly description?: string
  /** A group id from `store.groups`; null for none. */
  readonly group?: number | null
  /** A user id from `store.users`; null for none. */
  readonly user?: number | null
  /** Where a remote source (`arcgis`, `wfs`, `cifs`, `postgres`) reads from; ignored for the others. */
  readonly url_remote?: string
  readonly scan_schedule?: string | null
  readonly options?: Readonly<Record<string, unknown>>
  /** Category slugs from `store.categories`; default none. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  /** The files of an upload source (ignored for the other types). */
  readonly files?: ReadonlyArray<UploadFile>
  /** Whether it was scanned (some time ago), so its datasources exist; default true. */
  readonly scanned?: boolean
}

/**
 * What a new source holds; see {@link SourceStore.createSource}.
 *
 * @since 0.1.0
 */
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

const firstSourceId = 2101
const firstScanId = 4101
const firstDatasourceId = 140_001
const hour = 3_600_000

/** Every source, scan and datasource. */
export class SourceStore {
  readonly #seed: number
  readonly #clock: FakeClock
  readonly #scanLength: () => number
  readonly #jobs: Jobs<ScanRecord>
  /** Random source of sources and their datasets, apart from the catalog's so one does not shift the other. */
  #rng: Rng
  #sources: Array<SourceRecord> = []
  #scans: Array<ScanRecord> = []
  #failing = new Set<number>()
  #nextSourceId = firstSourceId
  #nextScanId = firstScanId
  #nextDatasourceId = firstDatasourceId

  /** No sources yet; scans last `scanLength()` on `clock`, and `due` is called when one's time runs out. */
  constructor(seed: number, clock: FakeClock, scanLength: () => number, due: () => void) {
    this.#seed = seed
    this.#rng = makeRng(~seed)
    this.#clock = clock
    this.#scanLength = scanLength
    this.#jobs = new Jobs(clock, due)
  }

  /**
   * Adds a source; returns its (live) record. Unless `scanned` is false it was scanned some
   * time ago (sometimes after a failed scan), so its datasources exist. Throws on unknown ids.
   */
  addSource(options: SourceOptions = {}): SourceRecord {
    const type = options.type ?? "upload"
    const generated = randomSource(this.#rng, type, USERS)
    const source = this.createSource({
      type,
      title: options.title ?? generated.title,
      description: options.description ?? generated.description,
      group: options.group === undefined ? generated.group : byIdOrNull(GROUPS, options.group, "group"),
      user: options.user === undefined ? generated.user : byIdOrNull(USERS, options.user, "user"),
      url_remote: generated.url_remote === null ? null : options.url_remote ?? generated.url_remote,
      scan_schedule: options.scan_schedule === undefined ? generated.scan_schedule : options.scan_schedule,
      options: options.options ?? generated.options,
      categories: options.categories?.map(categoryBySlug) ?? [],
      tags: options.tags ?? generated.tags,
      files: type === "upload" ? options.files ?? generated.files : []
    }, generated.created)
    if (options.scanned ?? true) {
      let at = generated.created
      if (this.#rng.chance(0.25)) this.#endScan(this.#newScan(source, at), (at += hour), true)
      this.#endScan(this.#newScan(source, (at += hour)), at + this.#rng.int(2_000, 90_000), false)
    }
    return source
  }

  /** Adds `count` generated sources of every type, scanned; returns them. */
  generateSources(count: number): ReadonlyArray<SourceRecord> {
    const types: ReadonlyArray<SourceType> = ["upload", "arcgis", "upload", "wfs", "cifs", "postgres", "info"]
    return Array.from({ length: count }, (_, index) => this.addSource({ type: types[index % types.length] ?? "upload" }))
  }

  /** Creates a source as `POST /sources/` does (at `at`, default now): not scanned yet, its datasets planned. */
  createSource(fields: NewSource, at = this.#clock.now()): SourceRecord {
    const source: SourceRecord = {
      id: this.#nextSourceId++,
      ...fields,
      metadata: null,
      created_at: formatTimestamp(at, "millis"),
      last_scanned_at: null,
      datasets: datasetsOf(this.#rng, fields.type, fields.files),
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
    for (const scan of this.scans(source.id)) this.#jobs.stop(scan)
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

  /** Starts a scan of a source now (`queued`, its log planned); returns it. */
  startScan(source: SourceRecord): ScanRecord {
    const scan = this.#newScan(source, this.#clock.now())
    this.#jobs.start(scan, this.#scanLength(), {
      progress: 0,
      update: (progress) => {
        scan.status = "scanning"
        scan.progress = progress
      },
      end: (at) => this.#endScan(scan, at, this.#failing.delete(scan.source_id))
    })
    return scan
  }

  /** A read of a scan: on the `per-read` clock a running one moves a step on. */
  pollScan(scan: ScanRecord): void {
    this.#jobs.read(scan)
  }

  /** Stops a running scan: `cancelled`, nothing found. */
  cancelScan(scan: ScanRecord): void {
    this.#jobs.stop(scan)
    scan.status = "cancelled"
    scan.completed_at = formatTimestamp(this.#clock.now(), "micros")
  }

  /** Makes the next scan of this source to end (running now or started later) end in `failed`. */
  failNextScan(sourceId: number): void {
    this.#failing.add(this.#sourceWithId(sourceId).id)
  }

  /** Ends every running scan now (`completed`, or `failed` where failures are due). */
  completeScans(): void {
    this.#jobs.finish()
  }

  /** Brings the scans up to the clock. */
  settle(): void {
    this.#jobs.settle()
  }

  /** Forgets every source, scan and pending failure, and restarts ids and the random sequence. */
  reset(): void {
    this.#rng = makeRng(~this.#seed)
    this.#sources = []
    this.#scans = []
    this.#failing.clear()
    this.#jobs.clear()
    this.#nextSourceId = firstSourceId
    this.#nextScanId = firstScanId
    this.#nextDatasourceId = firstDatasourceId
  }

  #sourceWithId(id: number): SourceRecord {
    const source = this.getSource(id)
    if (source === undefined) throw new Error(`Unknown source id ${id}`)
    return source
  }

  /** A scan of a source started at `at`, `queued`. */
  #newScan(source: SourceRecord, at: number): ScanRecord {
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

  /** Ends a scan at `at`: `failed`, or `completed` with the datasets not found before as new datasources. */
  #endScan(scan: ScanRecord, at: number, failed: boolean): void {
    if (!isRunningScan(scan)) return
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
}
