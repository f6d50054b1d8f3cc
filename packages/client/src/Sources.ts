/**
 * Data Sources: where layer data comes from — uploaded files, or remote servers (ArcGIS,
 * WFS, PostgreSQL, CIFS shares). Uploads are streamed as `multipart/form-data` (never held
 * whole in memory) with progress; scans find the datasources a source holds.
 *
 * @example
 * ```ts
 * import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
 * import * as Effect from "effect/Effect"
 * import * as Query from "@koordinates-effect/client/Query"
 * import * as Sources from "@koordinates-effect/client/Sources"
 *
 * const program = Effect.gen(function*() {
 *   const source = yield* Sources.createUpload({ title: "Contours", files: [{ path: "contours.zip" }] })
 *   const scan = yield* Sources.startScan(source.id)
 *   yield* Sources.waitForScan(source.id, scan.id)
 *   return yield* Query.collect(Sources.listDatasources(source.id))
 * }).pipe(Effect.provide(NodeFileSystem.layer))
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type CallError, ScanFailed } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import { Category, Field } from "./Layers.ts"
import { License } from "./Licenses.ts"
import { Metadata } from "./Metadata.ts"
import * as Query from "./Query.ts"
import { Group, User } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { Id, NonBlank, optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Upload from "./internal/upload.ts"
import * as Validate from "./internal/validate.ts"
import * as Wait from "./internal/wait.ts"

/**
 * The kinds of source.
 *
 * @example
 * ```ts
 * Schema.is(Sources.SourceType)("arcgis") // true
 * ```
 * @since 0.1.0
 * @category models
 */
export const SourceType = /* @__PURE__ */ Schema.Literals(["info", "upload", "cifs", "arcgis", "wfs", "postgres"])

/**
 * A kind of source (see {@link SourceType}).
 *
 * @since 0.1.0
 * @category models
 */
export type SourceType = typeof SourceType.Type

/**
 * A source as lists return it.
 *
 * @example
 * ```ts
 * Query.stream(Sources.list()).pipe(Stream.map((s: Sources.SourceSummary) => s.title))
 * ```
 * @since 0.1.0
 * @category models
 */
export class SourceSummary extends /* @__PURE__ */ Schema.Class<SourceSummary>("@koordinates-effect/client/SourceSummary")({
  id: Schema.Number,
  url: Schema.String,
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  title: Schema.String,
  type: Schema.String
}) {}

/**
 * A source: its type, owner, schedule, options, and where its scans and datasources are.
 *
 * @example
 * ```ts
 * const source = yield* Sources.get(21836)
 * source.type // "upload"
 * ```
 * @since 0.1.0
 * @category models
 */
export class Source extends /* @__PURE__ */ Schema.Class<Source>("@koordinates-effect/client/Source")({
  id: Schema.Number,
  url: Schema.String,
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  title: Schema.String,
  type: Schema.String,
  license: /* @__PURE__ */ optionalNullable(License),
  publish_to_catalog_services: /* @__PURE__ */ Schema.optionalKey(Schema.Boolean),
  permissions: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  description_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Category)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  group: /* @__PURE__ */ optionalNullable(Group),
  user: /* @__PURE__ */ optionalNullable(User),
  metadata: /* @__PURE__ */ optionalNullable(Metadata),
  last_scanned_at: /* @__PURE__ */ optionalNullable(Timestamp),
  scan_schedule: /* @__PURE__ */ optionalNullable(Schema.String),
  options: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown)),
  datasources: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  scans: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  url_remote: /* @__PURE__ */ optionalNullable(Schema.String)
}) {}

/**
 * A scan of a source: its status and what it found.
 *
 * @example
 * ```ts
 * const scan = yield* Sources.getScan(44, 41)
 * scan.change_counts?.added // 1
 * ```
 * @since 0.1.0
 * @category models
 */
export class Scan extends /* @__PURE__ */ Schema.Class<Scan>("@koordinates-effect/client/Scan")({
  id: Schema.Number,
  url: Schema.String,
  status: Schema.String,
  started_at: /* @__PURE__ */ optionalNullable(Timestamp),
  completed_at: /* @__PURE__ */ optionalNullable(Timestamp),
  change_counts: /* @__PURE__ */ optionalNullable(
    /* @__PURE__ */ Schema.Struct({ added: Schema.Number, updated: Schema.Number, deleted: Schema.Number })
  ),
  log: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  source: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  progress: /* @__PURE__ */ optionalNullable(Schema.Number)
}) {}

/**
 * A datasource: one dataset a scan found in a source (a shapefile, a table, a raster…).
 *
 * @example
 * ```ts
 * const datasource = yield* Sources.getDatasource(21838, 144187)
 * datasource.num_features // 622
 * ```
 * @since 0.1.0
 * @category models
 */
export class Datasource extends /* @__PURE__ */ Schema.Class<Datasource>("@koordinates-effect/client/Datasource")({
  id: Schema.Number,
  url: Schema.String,
  title: Schema.String,
  data_type: Schema.String,
  format: /* @__PURE__ */ optionalNullable(Schema.String),
  geometry_type: /* @__PURE__ */ optionalNullable(Schema.String),
  updated_at: /* @__PURE__ */ optionalNullable(Timestamp),
  upload_path: /* @__PURE__ */ optionalNullable(Schema.String),
  crs: /* @__PURE__ */ optionalNullable(Schema.String),
  fields: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Field)),
  num_dims: /* @__PURE__ */ optionalNullable(Schema.Number),
  num_features: /* @__PURE__ */ optionalNullable(Schema.Number),
  num_bands: /* @__PURE__ */ optionalNullable(Schema.Number),
  extent: /* @__PURE__ */ optionalNullable(Schema.Unknown),
  source: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  metadata: /* @__PURE__ */ optionalNullable(Metadata)
}) {}

/**
 * A new source on a remote server, by type: `arcgis`, `wfs`, `postgres`, `cifs` (these
 * need `url_remote`) or `info`. Uploads are made with {@link createUpload}.
 *
 * @example
 * ```ts
 * const input: Sources.NewSource = { type: "arcgis", title: "Bob's ArcGIS", url_remote: "https://gis.example.com/arcgis/rest/services" }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const NewSource = /* @__PURE__ */ Schema.Union([
  /* @__PURE__ */ Schema.Struct({
    type: /* @__PURE__ */ Schema.Literals(["arcgis", "wfs", "postgres", "cifs"]),
    title: NonBlank,
    url_remote: /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^[a-z][a-z0-9+.-]*:\/\/\S+$/i)),
    description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    group: /* @__PURE__ */ Schema.optionalKey(Id),
    user: /* @__PURE__ */ Schema.optionalKey(Id),
    scan_schedule: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    options: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown)),
    categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
    tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String))
  }),
  /* @__PURE__ */ Schema.Struct({
    type: /* @__PURE__ */ Schema.Literal("info"),
    title: NonBlank,
    description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    group: /* @__PURE__ */ Schema.optionalKey(Id),
    categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
    tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String))
  })
])

/**
 * A new remote source (see {@link NewSource}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type NewSource = typeof NewSource.Type

/**
 * Changes to a source.
 *
 * @example
 * ```ts
 * const changes: Sources.SourceChanges = { scan_schedule: "@daily" }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const SourceChanges = /* @__PURE__ */ Schema.Struct({
  title: /* @__PURE__ */ Schema.optionalKey(NonBlank),
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  url_remote: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  scan_schedule: /* @__PURE__ */ optionalNullable(Schema.String),
  options: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown)),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String))
})

/**
 * Changes to a source (see {@link SourceChanges}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type SourceChanges = typeof SourceChanges.Type

/**
 * The site's sources (abbreviated; expand for full ones).
 *
 * @example
 * ```ts
 * const sources = yield* Query.collect(Sources.list())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Sources.list", "/sources/", SourceSummary, {
  expandedSchema: Source
})

/**
 * A source by id; `expand` names related objects to embed (`Expand` header).
 *
 * @example
 * ```ts
 * const source = yield* Sources.get(21836)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.get("Koordinates.Sources.get", "/sources/{id}/", Source)

/**
 * Creates a source on a remote server (`BadRequest` when the server cannot reach it).
 *
 * @example
 * ```ts
 * const arcgis = yield* Sources.create({ type: "arcgis", title: "Bob's ArcGIS", url_remote: "https://gis.example.com/arcgis/rest/services" })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Endpoint.create("Koordinates.Sources.create", "/sources/", NewSource, Source)

/**
 * Changes a source.
 *
 * @example
 * ```ts
 * yield* Sources.update(58, { scan_schedule: "@daily" })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const update = /* @__PURE__ */ Endpoint.update("Koordinates.Sources.update", "/sources/{id}/", SourceChanges, Source)

const deleteSource = /* @__PURE__ */ Endpoint.remove("Koordinates.Sources.delete", "/sources/{id}/")

export {
  /**
   * Deletes a source and its datasources.
   *
   * @example
   * ```ts
   * yield* Sources.delete(58)
   * ```
   * @since 0.1.0
   * @category writes
   */
  deleteSource as delete
}

/**
 * A file to upload: from disk (`path`; needs a `FileSystem` service such as
 * `NodeFileSystem.layer`), from memory (`bytes`), or from a byte `Stream` (`size` lets the
 * progress report a total). `uploadPath` is its name on the server (default: the path's
 * file name; folders allowed, `folder/0001.tif`); `contentType` defaults to a guess from
 * the upload path's extension. An `.xml` file with the same base name as a data file is
 * read as its metadata.
 *
 * @example
 * ```ts
 * declare const xml: Uint8Array
 * const files: ReadonlyArray<Sources.UploadFile> = [{ path: "roads.csv" }, { bytes: xml, uploadPath: "roads.xml" }]
 * ```
 * @since 0.1.0
 * @category inputs
 */
export type UploadFile = Upload.UploadFile

/**
 * A new upload source: a title and its files; optionally a description, the owning group
 * and user (ids), categories (slugs) and tags.
 *
 * @example
 * ```ts
 * const upload: Sources.NewUpload = {
 *   title: "Test single-file upload",
 *   files: [{ path: "roads.csv" }],
 *   categories: ["transport"],
 *   tags: ["roads"]
 * }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export interface NewUpload {
  readonly title: string
  readonly description?: string
  readonly group?: number
  /** The user who owns the source (an id). @since 0.2.0 */
  readonly user?: number
  /** Category slugs. @since 0.2.0 */
  readonly categories?: ReadonlyArray<string>
  /** @since 0.2.0 */
  readonly tags?: ReadonlyArray<string>
  readonly files: ReadonlyArray<UploadFile>
}

/**
 * Options of {@link createUpload}: `onProgress` is called with the bytes sent so far (and
 * the total, when every file's size is known) as the body streams out.
 *
 * @example
 * ```ts
 * const options: Sources.UploadOptions = { onProgress: ({ sent, total }) => Effect.log(`${sent}/${total}`) }
 * ```
 * @since 0.1.0
 * @category options
 */
export interface UploadOptions {
  readonly onProgress?: (progress: Upload.Progress) => Effect.Effect<void>
}

const UploadFields = /* @__PURE__ */ Schema.Struct({
  title: NonBlank,
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  group: /* @__PURE__ */ Schema.optionalKey(Id),
  user: /* @__PURE__ */ Schema.optionalKey(Id),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String))
})

/**
 * Creates an upload source from files, streamed as `multipart/form-data`: files are read as
 * they are sent, never whole into memory. Missing files, duplicate upload paths, a blank
 * title and bad ids are refused before any request.
 *
 * @example
 * ```ts
 * const source = yield* Sources.createUpload(
 *   { title: "Contours", files: [{ path: "contours.zip" }, { path: "contours.xml" }] },
 *   { onProgress: ({ sent, total }) => Effect.log(`${sent} of ${total} bytes`) }
 * )
 * ```
 * @since 0.1.0
 * @category writes
 */
export const createUpload: (
  upload: NewUpload,
  options?: UploadOptions
) => Effect.Effect<Source, CallError, Koordinates> = /* @__PURE__ */ Effect.fn("Koordinates.Sources.createUpload")(
  function*(upload: NewUpload, options?: UploadOptions) {
    const fields = yield* Validate.input(UploadFields, upload)
    const body = yield* Upload.multipart({ type: "upload", ...fields }, upload.files, options?.onProgress)
    return yield* Http.json({ method: "POST", path: "/sources/", ...body }, Source)
  }
)


/**
 * Attributes scans can be filtered on.
 *
 * @example
 * ```ts
 * Sources.scanFilterKeys.includes("status") // true
 * ```
 * @since 0.2.0
 * @category filters
 */
export const scanFilterKeys = ["status", "started_at", "completed_at"] as const

/**
 * Attributes scans can be filtered on (see {@link scanFilterKeys}).
 *
 * @since 0.1.0
 * @category filters
 */
export type ScanFilter = (typeof scanFilterKeys)[number]

/**
 * Attributes scans can be ordered by.
 *
 * @example
 * ```ts
 * Sources.scanSortKeys.includes("id") // true
 * ```
 * @since 0.2.0
 * @category filters
 */
export const scanSortKeys = ["id", "started_at", "completed_at"] as const

/**
 * Attributes scans can be ordered by (see {@link scanSortKeys}).
 *
 * @since 0.1.0
 * @category filters
 */
export type ScanSort = (typeof scanSortKeys)[number]

/**
 * The scans of a source (or of every source), newest first; filterable on status and
 * times.
 *
 * @example
 * ```ts
 * Query.collect(Sources.listScans(44).pipe(Query.filter({ status: "completed" })))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listScans = (sourceId?: number): Query.Query<Scan, ScanFilter, ScanSort> =>
  Query.make<Scan, ScanFilter, ScanSort>({
    name: "Koordinates.Sources.listScans",
    path: sourceId === undefined ? "/sources/scans/" : `/sources/${sourceId}/scans/`,
    schema: Scan,
    filterKeys: scanFilterKeys,
    sortKeys: scanSortKeys,
    ids: sourceId === undefined ? {} : { sourceId }
  })

const scanPath = "/sources/{sourceId}/scans/{scanId}/"

/**
 * Starts a scan of a source.
 *
 * @example
 * ```ts
 * const scan = yield* Sources.startScan(44)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const startScan = /* @__PURE__ */ Endpoint.action("Koordinates.Sources.startScan", "/sources/{sourceId}/scans/", Scan)

/**
 * A scan by id.
 *
 * @example
 * ```ts
 * const scan = yield* Sources.getScan(44, 41)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getScan = /* @__PURE__ */ Endpoint.read("Koordinates.Sources.getScan", scanPath, Scan)

/**
 * Cancels a running scan.
 *
 * @example
 * ```ts
 * yield* Sources.cancelScan(44, 41)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const cancelScan = /* @__PURE__ */ Endpoint.remove("Koordinates.Sources.cancelScan", scanPath)

/**
 * A scan's log, streamed line by line (without line breaks) as the server sends it.
 *
 * @example
 * ```ts
 * yield* Sources.scanLog(44, 41).pipe(Stream.runForEach((line) => Console.log(line)))
 * ```
 * @since 0.1.0
 * @category getters
 */
export const scanLog = (sourceId: number, scanId: number): Stream.Stream<string, CallError, Koordinates> =>
  Stream.unwrap(Effect.gen(function*() {
    const path = yield* Endpoint.path(`${scanPath}log/`, [sourceId, scanId])
    return Http.stream({ method: "GET", path, headers: { accept: "text/plain" } }).pipe(Stream.decodeText, Stream.splitLines)
  })).pipe(Stream.withSpan("Koordinates.Sources.scanLog"))

const scanOutcome = (sourceId: number) => (scan: Scan) => {
  switch (scan.status) {
    case "completed":
      return Option.some(Effect.succeed(scan))
    case "failed":
    case "cancelled":
    case "error":
      return Option.some(Effect.fail(new ScanFailed({ sourceId, scanId: scan.id, state: scan.status, message: `Scan ${scan.id} of source ${sourceId} ${scan.status}` })))
    default:
      return Option.none()
  }
}

/**
 * Waits until a scan is over: the scan once `completed`, `ScanFailed` when it failed or was
 * cancelled, `TimeoutError` when the wait gives up.
 *
 * @example
 * ```ts
 * declare const scan: Sources.Scan
 * const done = yield* Sources.waitForScan(44, scan.id, { timeout: "10 minutes" })
 * ```
 * @since 0.1.0
 * @category waits
 */
export const waitForScan = /* @__PURE__ */ Effect.fn("Koordinates.Sources.waitForScan")(function*(
  sourceId: number,
  scanId: number,
  options?: Wait.WaitOptions
): Effect.fn.Return<Scan, CallError | ScanFailed, Koordinates> {
  return yield* Wait.until(`scan ${scanId} of source ${sourceId}`, getScan(sourceId, scanId), scanOutcome(sourceId), options)
})

/**
 * The datasources a source holds.
 *
 * @example
 * ```ts
 * const datasources = yield* Query.collect(Sources.listDatasources(21838))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listDatasources = /* @__PURE__ */ Endpoint.list(
  "Koordinates.Sources.listDatasources",
  "/sources/{sourceId}/datasources/",
  Datasource
)

/**
 * A datasource by id.
 *
 * @example
 * ```ts
 * const datasource = yield* Sources.getDatasource(21838, 144187)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getDatasource = /* @__PURE__ */ Endpoint.read(
  "Koordinates.Sources.getDatasource",
  "/sources/{sourceId}/datasources/{datasourceId}/",
  Datasource
)
