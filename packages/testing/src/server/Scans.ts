/**
 * Scan endpoints (`/sources/{id}/scans/…`, `/sources/scans/`). A scan runs on the store's
 * clock (SourceStore.ts): `queued` → `scanning` → `completed`, or `failed`
 * (`store.failNextScan`); a completed scan adds the datasources it found. One scan of a
 * source runs at a time (a second is 409); DELETE cancels a running scan (409 once it ended).
 *
 * The log is plain text, one `YYYY-MM-DD HH:MM:SS: message` line per step, sent line by
 * line; it grows as the scan progresses (reading it does not move the scan on).
 */
import { setTimeout as sleep } from "node:timers/promises"
import { choiceFilter, dateFilters, type ListRules, select } from "./Filters.ts"
import {
  created,
  expandsList,
  HttpError,
  noContent,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { isRunningScan, SCAN_STATES, type ScanRecord } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import type { Urls } from "./Render.ts"
import { findSource } from "./Sources.ts"
import { parseTimestamp } from "./Time.ts"

/** The API URL of a scan. */
const scanUrl = (urls: Urls, scan: ScanRecord): string =>
  `${urls.apiRoot}/sources/${scan.source_id}/scans/${scan.id}/`

/** A scan; `detail` adds its progress (lists leave it out). */
const renderScan = (urls: Urls, scan: ScanRecord, detail: boolean) => {
  const url = scanUrl(urls, scan)
  return {
    id: scan.id,
    url,
    status: scan.status,
    started_at: scan.started_at,
    completed_at: scan.completed_at,
    change_counts: {
      deleted: scan.change_counts.deleted,
      updated: scan.change_counts.updated,
      added: scan.change_counts.added
    },
    log: `${url}log/`,
    source: `${urls.apiRoot}/sources/${scan.source_id}/`,
    ...(detail ? { progress: scan.progress } : {})
  }
}

/** What scan lists filter and sort on. */
interface ScanFacets {
  readonly id: number
  readonly status: string
  readonly started: number
  /** When it ended; NaN while it runs (no date filter matches). */
  readonly completed: number
}

const instant = (timestamp: string | null): number =>
  timestamp === null ? Number.NaN : parseTimestamp(timestamp)?.start ?? Number.NaN

/** Filters `status`, `started_at`, `completed_at` (with `.gt`, `.gte`, `.lt`, `.lte`); sorts by those and `id`. */
const scanRules: ListRules<ScanRecord, ScanFacets> = {
  facets: (scan) => ({
    id: scan.id,
    status: scan.status,
    started: instant(scan.started_at),
    completed: instant(scan.completed_at)
  }),
  filters: [
    choiceFilter<ScanFacets>("status", SCAN_STATES, (facets) => facets.status),
    ...dateFilters<ScanFacets>("started_at", (facets) => facets.started),
    ...dateFilters<ScanFacets>("completed_at", (facets) => facets.completed)
  ],
  sortKeys: {
    id: (facets) => facets.id,
    started_at: (facets) => facets.started,
    // running scans have not completed: they sort after every completed one
    completed_at: (facets) => Number.isNaN(facets.completed) ? Number.POSITIVE_INFINITY : facets.completed
  }
}

/** A page of scans (newest first unless sorted); each one shown is a read of it. */
const scanList = (context: RequestContext, scans: ReadonlyArray<ScanRecord>): Reply => {
  const detail = expandsList(context)
  return listReply(context, select([...scans].reverse(), context.query, scanRules), (scan) => {
    context.store.pollScan(scan)
    return renderScan(context.urls, scan, detail)
  })
}

/** GET `/sources/{id}/scans/`: the source's scans. */
export const list = (context: RequestContext, params: PathParams): Reply =>
  scanList(context, context.store.scans(findSource(context, params).id))

/** GET `/sources/scans/`: the scans of every source. */
export const listAll = (context: RequestContext): Reply => scanList(context, context.store.scans())

/** The scan `{scan}` of the source `{id}`; 404 when either is missing. */
const findScan = (context: RequestContext, params: PathParams): ScanRecord => {
  const source = findSource(context, params)
  const scan = context.store.getScan(pathParam(params, "scan"))
  if (scan === undefined || scan.source_id !== source.id) throw notFound()
  return scan
}

/** GET `/sources/{id}/scans/{scan}/`: a read of the scan. */
export const get = (context: RequestContext, params: PathParams): Reply => {
  const scan = findScan(context, params)
  context.store.pollScan(scan)
  return ok(renderScan(context.urls, scan, true))
}

/** POST `/sources/{id}/scans/`: a new scan, `queued`; 201 with its Location. 409 while one runs. */
export const start = (context: RequestContext, params: PathParams): Reply => {
  const source = findSource(context, params)
  if (context.store.scans(source.id).some(isRunningScan)) {
    throw new HttpError(409, "A scan of this source is already running")
  }
  const scan = context.store.startScan(source)
  return created(scanUrl(context.urls, scan), renderScan(context.urls, scan, true))
}

/** DELETE `/sources/{id}/scans/{scan}/`: cancels a running scan; 409 once it has ended. */
export const cancel = (context: RequestContext, params: PathParams): Reply => {
  const scan = findScan(context, params)
  if (!isRunningScan(scan)) throw new HttpError(409, `This scan has already ended (${scan.status})`)
  context.store.cancelScan(scan)
  return noContent()
}

/** How far apart the log's lines are stamped (so a line keeps its time as the log grows). */
const lineSpacingMs = 200

/** `2014-11-26 18:34:18` (UTC). */
const logTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ")

/** The log as far as the scan got: its share of the messages, and how it ended. */
const logLines = (scan: ScanRecord): Array<string> => {
  const shown = scan.status === "completed"
    ? scan.messages.length
    : Math.ceil(scan.progress * scan.messages.length)
  const ending = scan.status === "failed"
    ? ["ERROR: Scan failed: the source could not be read"]
    : scan.status === "cancelled"
    ? ["Scan cancelled"]
    : []
  const start = instant(scan.started_at)
  return [...scan.messages.slice(0, shown), ...ending]
    .map((message, index) => `${logTime(start + index * lineSpacingMs)}: ${message}`)
}

/** Each line as its own chunk, a moment apart. */
async function* streamLines(lines: ReadonlyArray<string>): AsyncGenerator<string> {
  for (const line of lines) {
    yield `${line}\n`
    await sleep(1)
  }
}

/** GET `/sources/{id}/scans/{scan}/log/`: `text/plain`, streamed line by line. */
export const log = (context: RequestContext, params: PathParams): Reply => ({
  status: 200,
  headers: { "Content-Type": "text/plain; charset=utf-8" },
  stream: streamLines(logLines(findScan(context, params)))
})
