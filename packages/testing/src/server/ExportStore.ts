/**
 * Exports and their downloads. An export runs as a job on the fake's clock (Jobs.ts):
 * `processing`, its progress climbing, then `complete` — or `failed` when
 * {@link ExportStore.failNextExport} was called. Also what the storage server needs: the
 * key download URLs are signed with, the size of each download, and the cuts tests ask for.
 */
import { createHmac, randomBytes } from "node:crypto"
import type { FakeClock } from "./Clock.ts"
import { Jobs } from "./Jobs.ts"
import type { ExportRecord } from "./Model.ts"
import { formatTimestamp } from "./Time.ts"

/**
 * What a new export holds; see {@link ExportStore.createExport}.
 *
 * @since 0.1.0
 */
export type NewExport = Pick<
  ExportRecord,
  "name" | "user" | "crs" | "formats" | "items" | "extent" | "options" | "size_estimate_zipped"
>

const firstExportId = 9001

const byteCount = (name: string, bytes: number): number => {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`${name} must be a whole number of bytes, got ${bytes}`)
  return bytes
}

/** Every export, oldest first. */
export class ExportStore {
  /**
   * Largest estimated (zipped) size of an export, in bytes; a bigger one is invalid
   * (`too-large`). Default 5 GB.
   */
  exportSizeLimit = 5_000_000_000
  /** Whether the storage server honours `Range: bytes=N-` on downloads (206); when off it ignores it (200). On by default. */
  downloadRanges = true

  readonly #clock: FakeClock
  readonly #exportLength: () => number
  readonly #jobs: Jobs<ExportRecord>
  /** Signs export download URLs on the storage server. */
  readonly #downloadKey = randomBytes(32)
  #exportSize = 65_536
  #exports: Array<ExportRecord> = []
  #failNext = false
  #truncations: Array<number> = []
  #nextExportId = firstExportId

  /** No exports yet; each lasts `exportLength()` on `clock`, and `due` is called when one's time runs out. */
  constructor(clock: FakeClock, exportLength: () => number, due: () => void) {
    this.#clock = clock
    this.#exportLength = exportLength
    this.#jobs = new Jobs(clock, due)
  }

  /** Length in bytes of the download of exports created from now on (default 64 KiB). */
  get exportSize(): number {
    return this.#exportSize
  }

  set exportSize(bytes: number) {
    this.#exportSize = byteCount("exportSize", bytes)
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
      created_at: formatTimestamp(this.#clock.now(), "micros"),
      created_via: "api",
      state: "processing",
      progress: 0,
      size: this.#exportSize,
      ...fields
    }
    this.#exports.push(record)
    this.#jobs.start(record, this.#exportLength(), {
      progress: 0,
      update: (progress) => {
        record.progress = progress
      },
      end: () => this.#endExport(record)
    })
    return record
  }

  /** A read of an export: on the `per-read` clock a processing one moves a step on. */
  pollExport(record: ExportRecord): void {
    this.#jobs.read(record)
  }

  /** Stops a processing export: `cancelled`. */
  cancelExport(record: ExportRecord): void {
    this.#jobs.stop(record)
    record.state = "cancelled"
  }

  /** Makes the next export to end (processing now or started later) end in `failed`. */
  failNextExport(): void {
    this.#failNext = true
  }

  /** Ends every processing export now (`complete`, or `failed` where a failure is due). */
  completeExports(): void {
    this.#jobs.finish()
  }

  /** Brings the exports up to the clock. */
  settle(): void {
    this.#jobs.settle()
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

  /** Forgets every export, pending failure and download cut; ranges back on; ids restart. */
  reset(): void {
    this.#exports = []
    this.#jobs.clear()
    this.#failNext = false
    this.#truncations = []
    this.downloadRanges = true
    this.#nextExportId = firstExportId
  }

  #endExport(record: ExportRecord): void {
    if (this.#failNext) {
      this.#failNext = false
      record.state = "failed"
      return
    }
    record.state = "complete"
    record.progress = 1
  }
}
