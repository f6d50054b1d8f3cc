/**
 * Exports: layers and tables packaged for download in chosen formats, projection and
 * extent. Create one, wait until the server has built it, then download it as a byte
 * `Stream` (with progress) or straight to a file — the file is fetched from the storage host
 * it lives on, without the token.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Exports from "@koordinates-effect/client/Exports"
 * import * as Layers from "@koordinates-effect/client/Layers"
 *
 * const program = Effect.gen(function*() {
 *   const layer = yield* Layers.get(1474)
 *   const created = yield* Exports.create({
 *     crs: "EPSG:2193",
 *     formats: { vector: "application/x-zipped-shp" },
 *     items: [{ item: layer.url }]
 *   })
 *   const done = yield* Exports.waitForExport(created.id)
 *   return yield* Exports.downloadToFile(done, "downloads/")
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as HttpBody from "effect/http/HttpBody"
import { type CallError, ClientValidationError, DownloadError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import { License } from "./Licenses.ts"
import * as Download from "./internal/download.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"
import * as Wait from "./internal/wait.ts"

/**
 * An export: what it holds, its state (`processing`, `complete`, `cancelled`, `failed`) and,
 * once complete, where to download it.
 *
 * @example
 * ```ts
 * const e = yield* Exports.get(3)
 * e.state === "complete" && e.download_url
 * ```
 * @since 0.1.0
 * @category models
 */
export class Export extends /* @__PURE__ */ Schema.Class<Export>("@koordinates-effect/client/Export")({
  id: Schema.Number,
  url: Schema.String,
  name: Schema.String,
  state: Schema.String,
  created_at: Timestamp,
  created_via: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  download_url: /* @__PURE__ */ optionalNullable(Schema.String),
  extent: /* @__PURE__ */ optionalNullable(Schema.Unknown),
  delivery: /* @__PURE__ */ optionalNullable(/* @__PURE__ */ Schema.Struct({ method: Schema.String })),
  formats: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.String)),
  items: /* @__PURE__ */ Schema.optionalKey(
    /* @__PURE__ */ Schema.Array(
      /* @__PURE__ */ Schema.Struct({ item: Schema.String, color: /* @__PURE__ */ Schema.optionalKey(Schema.String) })
    )
  ),
  crs: /* @__PURE__ */ optionalNullable(Schema.String),
  options: /* @__PURE__ */ optionalNullable(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown)),
  size_estimate_zipped: /* @__PURE__ */ optionalNullable(Schema.Number),
  progress: /* @__PURE__ */ optionalNullable(Schema.Number)
}) {}

/**
 * What the server thinks of an export request before it is made: overall and per item.
 *
 * @example
 * ```ts
 * declare const request: Exports.NewExport
 * const check = yield* Exports.validate(request)
 * if (!check.is_valid) console.log(Exports.reasons(check))
 * ```
 * @since 0.1.0
 * @category models
 */
export class ExportValidation extends /* @__PURE__ */ Schema.Class<ExportValidation>(
  "@koordinates-effect/client/ExportValidation"
)({
  is_valid: Schema.Boolean,
  invalid_reasons: /* @__PURE__ */ Schema.Array(Schema.String),
  size_estimate_zipped: /* @__PURE__ */ optionalNullable(Schema.Number),
  items: /* @__PURE__ */ Schema.Array(
    /* @__PURE__ */ Schema.Struct({
      item: Schema.String,
      is_valid: Schema.Boolean,
      invalid_reasons: /* @__PURE__ */ Schema.Array(Schema.String),
      license: /* @__PURE__ */ optionalNullable(License),
      price: /* @__PURE__ */ optionalNullable(Schema.String),
      color: /* @__PURE__ */ Schema.optionalKey(Schema.String)
    })
  )
}) {}

/**
 * A layer of areas exports can be cropped to (regions, districts…).
 *
 * @example
 * ```ts
 * const cropLayers = yield* Query.collect(Exports.listCropLayers())
 * ```
 * @since 0.1.0
 * @category models
 */
export class CropLayer extends /* @__PURE__ */ Schema.Class<CropLayer>("@koordinates-effect/client/CropLayer")({
  id: Schema.Number,
  url: Schema.String,
  name: Schema.String,
  features: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  extent: /* @__PURE__ */ optionalNullable(Schema.Unknown),
  source_layer: /* @__PURE__ */ optionalNullable(Schema.String)
}) {}

/**
 * One area of a crop layer; usable as an export's `extent`. `geometry` comes with the
 * single-feature read.
 *
 * @example
 * ```ts
 * declare const layerUrl: string
 * const wellington = yield* Exports.getCropFeature(1, 12)
 * yield* Exports.create({ crs: "EPSG:2193", formats: { vector: "application/x-zipped-shp" }, items: [{ item: layerUrl }], extent: wellington })
 * ```
 * @since 0.1.0
 * @category models
 */
export class CropFeature extends /* @__PURE__ */ Schema.Class<CropFeature>("@koordinates-effect/client/CropFeature")({
  id: Schema.Number,
  url: Schema.String,
  name: Schema.String,
  geometry: /* @__PURE__ */ optionalNullable(Schema.Unknown)
}) {}

/** A GeoJSON (Multi)Polygon. */
const Area = /* @__PURE__ */ Schema.Struct({
  type: /* @__PURE__ */ Schema.Literals(["Polygon", "MultiPolygon"]),
  coordinates: /* @__PURE__ */ Schema.Array(Schema.Unknown)
})

const layerUrl = /* @__PURE__ */ Schema.String.check(
  /* @__PURE__ */ Schema.isPattern(/^https?:\/\/[^/]+\/.*\/(layers|tables)\/\d+\/$/)
)

const ExportRequest = /* @__PURE__ */ Schema.Struct({
  name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  crs: /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^EPSG:\d+$/)),
  formats: /* @__PURE__ */ Schema.Struct({
    vector: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    raster: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    grid: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    table: /* @__PURE__ */ Schema.optionalKey(Schema.String),
    rat: /* @__PURE__ */ Schema.optionalKey(Schema.String)
  }).check(/* @__PURE__ */ Schema.makeFilter((formats: object) => Object.keys(formats).length > 0, {
    expected: "at least one format"
  })),
  items: /* @__PURE__ */ Schema.Array(
    /* @__PURE__ */ Schema.Struct({
      item: layerUrl,
      color: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^#[0-9a-fA-F]{6}$/)))
    })
  ).check(/* @__PURE__ */ Schema.isMinLength(1)),
  extent: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Area, /* @__PURE__ */ Schema.String])),
  options: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown))
})

/**
 * An export to make: projection (`EPSG:…`), one format per kind of data, the layers or
 * tables (their URLs, optionally a `color`), and an optional extent — a GeoJSON
 * (Multi)Polygon or a crop feature.
 *
 * @example
 * ```ts
 * declare const roads: Layers.Layer
 * declare const imagery: Layers.Layer
 * const request: Exports.NewExport = {
 *   crs: "EPSG:2193",
 *   formats: { vector: "application/x-zipped-shp", raster: "image/jpeg" },
 *   items: [{ item: roads.url }, { item: imagery.url, color: "#003399" }]
 * }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export interface NewExport extends Omit<typeof ExportRequest.Type, "extent"> {
  readonly extent?: typeof Area.Type | CropFeature
}

/** POSTs an export request (a crop feature given as its URL), checked before any request. */
const sendRequest = <A>(path: string, request: NewExport, reply: Schema.Decoder<A>) =>
  Effect.flatMap(
    Validate.input(ExportRequest, {
      ...request,
      ...(request.extent instanceof CropFeature ? { extent: request.extent.url } : {})
    }),
    (checked) => Http.json({ method: "POST", path, body: HttpBody.jsonUnsafe(checked) }, reply)
  )

/**
 * The token's exports, newest first.
 *
 * @example
 * ```ts
 * const recent = yield* Query.collect(Query.limit(Exports.list(), 5))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Exports.list", "/exports/", Export)

/**
 * An export by id.
 *
 * @example
 * ```ts
 * const e = yield* Exports.get(3)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.get("Koordinates.Exports.get", "/exports/{id}/", Export)

/**
 * Requests an export; the server builds it in the background (see {@link waitForExport}).
 *
 * @example
 * ```ts
 * declare const table: Layers.Layer
 * const e = yield* Exports.create({ crs: "EPSG:4326", formats: { table: "text/csv" }, items: [{ item: table.url }] })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Endpoint.make(
  "Koordinates.Exports.create",
  "/exports/",
  (path, request: NewExport) => sendRequest(path, request, Export)
)

/**
 * Asks the server whether an export request would succeed, and why not.
 *
 * @example
 * ```ts
 * declare const request: Exports.NewExport
 * const check = yield* Exports.validate(request)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const validate = /* @__PURE__ */ Endpoint.make(
  "Koordinates.Exports.validate",
  "/exports/validate/",
  (path, request: NewExport) => sendRequest(path, request, ExportValidation)
)

/**
 * The reasons a validation gives, by what they concern: `__all__` for the request as a
 * whole, then each item's URL. Only non-empty lists are included.
 *
 * @example
 * ```ts
 * declare const check: Exports.ExportValidation
 * Exports.reasons(check) // { __all__: ["too-large"], "https://…/layers/12/": ["outside-extent"] }
 * ```
 * @since 0.1.0
 * @category utils
 */
export const reasons = (validation: ExportValidation): Record<string, ReadonlyArray<string>> => {
  const result: Record<string, ReadonlyArray<string>> = {}
  if (validation.invalid_reasons.length > 0) result["__all__"] = validation.invalid_reasons
  for (const item of validation.items) {
    if (item.invalid_reasons.length > 0) result[item.item] = item.invalid_reasons
  }
  return result
}

const FormatOptions = /* @__PURE__ */ Schema.Struct({
  actions: /* @__PURE__ */ Schema.Struct({
    POST: /* @__PURE__ */ Schema.Struct({
      formats: /* @__PURE__ */ Schema.Struct({
        children: /* @__PURE__ */ Schema.Record(
          Schema.String,
          /* @__PURE__ */ Schema.Struct({
            choices: /* @__PURE__ */ Schema.Array(
              /* @__PURE__ */ Schema.Struct({ value: Schema.String, display_name: Schema.String })
            )
          })
        )
      })
    })
  })
})

/**
 * The formats exports can be made in, by kind of data: `{ vector: { "application/x-zipped-shp": "Shapefile", … }, … }`.
 *
 * @example
 * ```ts
 * const formats = yield* Exports.formats()
 * Object.keys(formats.vector ?? {})
 * ```
 * @since 0.1.0
 * @category getters
 */
export const formats = /* @__PURE__ */ Effect.fn("Koordinates.Exports.formats")(
  function*(): Effect.fn.Return<Record<string, Record<string, string>>, CallError, Koordinates> {
    const options = yield* Http.json({ method: "OPTIONS", path: "/exports/" }, FormatOptions)
    return Object.fromEntries(
      Object.entries(options.actions.POST.formats.children).map(([kind, field]) => [
        kind,
        Object.fromEntries(field.choices.map((choice) => [choice.value, choice.display_name]))
      ])
    )
  })

/**
 * Cancels an export the server is still building (`DELETE /exports/{id}/`); returns it,
 * now `cancelled`. The API keeps every export: one that has ended (complete, failed,
 * cancelled) cannot be cancelled, and the server answers `Conflict`.
 *
 * @example
 * ```ts
 * yield* Exports.cancel(3)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const cancel = /* @__PURE__ */ Endpoint.make(
  "Koordinates.Exports.cancel",
  "/exports/{id}/",
  (path) => Http.json({ method: "DELETE", path }, Export)
)

const exportOutcome = (exported: Export) => {
  switch (exported.state) {
    case "complete":
      return Option.some(Effect.succeed(exported))
    case "processing":
    case "queued":
      return Option.none()
    default:
      return Option.some(Effect.fail(new DownloadError({ exportId: exported.id, message: `Export ${exported.id} ${exported.state}` })))
  }
}

/**
 * Waits until an export is built: the export once `complete`; `DownloadError` when it
 * failed or was cancelled; `TimeoutError` when the wait gives up.
 *
 * @example
 * ```ts
 * declare const created: Exports.Export
 * const done = yield* Exports.waitForExport(created.id, { timeout: "30 minutes" })
 * ```
 * @since 0.1.0
 * @category waits
 */
export const waitForExport = /* @__PURE__ */ Effect.fn("Koordinates.Exports.waitForExport")(function*(
  id: number,
  options?: Wait.WaitOptions
): Effect.fn.Return<Export, CallError | DownloadError, Koordinates> {
  return yield* Wait.until(`export ${id}`, get(id), exportOutcome, options)
})

/**
 * Bytes received so far, of a total the server announced (`Content-Length`) when it did.
 *
 * @example
 * ```ts
 * const onProgress = ({ received, total }: Exports.DownloadProgress) => Effect.log(`${received}/${total}`)
 * ```
 * @since 0.1.0
 * @category options
 */
export type DownloadProgress = Download.Progress

/**
 * Options of the downloads: `onProgress` is called first with nothing received, then after
 * every chunk.
 *
 * @example
 * ```ts
 * declare const done: Exports.Export
 * Exports.download(done, { onProgress: ({ received }) => Effect.log(received) })
 * ```
 * @since 0.1.0
 * @category options
 */
export interface DownloadOptions {
  readonly onProgress?: (progress: DownloadProgress) => Effect.Effect<void>
}

const completeExport = (exported: Export | number) =>
  Effect.gen(function*() {
    const current = typeof exported === "number" ? yield* get(exported) : exported
    if (current.state !== "complete" || current.download_url == null) {
      return yield* new DownloadError({
        exportId: current.id,
        message: `Download not available: export ${current.id} is ${current.state}`
      })
    }
    return current
  })

const bytesOf = (current: Export, options: DownloadOptions) =>
  Download.bytes({
    request: { method: "GET", path: current.download_url!, headers: { accept: "*/*" }, elsewhere: "withoutToken" },
    refuse: (message) => new DownloadError({ exportId: current.id, message }),
    onProgress: options.onProgress
  })

/**
 * Downloads a complete export as a byte `Stream`, never holding it whole. The download URL
 * may redirect to a storage host: bytes come from there, without the token (in a browser,
 * which hides the redirect from the client, the browser follows it and drops the token as
 * it leaves the API's origin; storage must allow CORS from `null`). A download that
 * breaks off, or stalls for the idle timeout, is resumed where it stopped (`Range`, with
 * `If-Range`), as retries of the request allow; every resumption must be the same file
 * (content type, `ETag`/`Last-Modified`, size). Fails with `DownloadError` when the export
 * is not complete, a reply is an HTML page or another file, or the body ends short.
 *
 * @example
 * ```ts
 * declare const done: Exports.Export
 * const bytes = Exports.download(done, { onProgress: ({ received, total }) => Effect.log(`${received}/${total}`) })
 * ```
 * @since 0.1.0
 * @category downloads
 */
export const download = (
  exported: Export | number,
  options: DownloadOptions = {}
): Stream.Stream<Uint8Array, CallError | DownloadError, Koordinates> =>
  Stream.unwrap(Effect.map(completeExport(exported), (current) => bytesOf(current, options))).pipe(
    Stream.withSpan("Koordinates.Exports.download")
  )

/**
 * Downloads a complete export to a file and returns its path. Into an existing directory
 * the file is named after the export (`{name}.zip`, made a plain file name: separators,
 * control characters and leading dots go, long names are cut — see the README), and is
 * checked to lie in that directory. An existing file is refused unless `overwrite` is set,
 * also when it appears while the download runs: of several downloads to one file, one
 * wins and the others fail with `DownloadError`. Bytes go to a temporary file that takes
 * the file's name at the end, so a failed or interrupted download leaves nothing behind.
 * Needs a `FileSystem` service.
 *
 * @example
 * ```ts
 * declare const done: Exports.Export
 * const path = yield* Exports.downloadToFile(done, "downloads/", { overwrite: true }).pipe(Effect.provide(NodeFileSystem.layer))
 * ```
 * @since 0.1.0
 * @category downloads
 */
export const downloadToFile = /* @__PURE__ */ Effect.fn("Koordinates.Exports.downloadToFile")(
  function*(
    exported: Export | number,
    target: string,
    options?: DownloadOptions & { readonly overwrite?: boolean }
  ): Effect.fn.Return<string, CallError | DownloadError, Koordinates | FileSystem.FileSystem> {
    if (target.trim() === "") {
      return yield* new ClientValidationError({ field: "target", message: "Invalid target: empty download file path" })
    }
    const current = yield* completeExport(exported)
    return yield* Download.toFile(bytesOf(current, options ?? {}), target, {
      name: { name: current.name, fallback: `export-${current.id}`, extension: ".zip" },
      overwrite: options?.overwrite === true,
      refuse: (message) => new DownloadError({ exportId: current.id, message })
    })
  })

/**
 * The crop layers exports can be cropped to.
 *
 * @example
 * ```ts
 * const cropLayers = yield* Query.collect(Exports.listCropLayers())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listCropLayers = /* @__PURE__ */ Endpoint.list(
  "Koordinates.Exports.listCropLayers",
  "/exports/croplayers/",
  CropLayer
)

/**
 * A crop layer by id.
 *
 * @example
 * ```ts
 * const regions = yield* Exports.getCropLayer(1)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getCropLayer = /* @__PURE__ */ Endpoint.get("Koordinates.Exports.getCropLayer", "/exports/croplayers/{id}/", CropLayer)

/**
 * The features (areas) of a crop layer.
 *
 * @example
 * ```ts
 * const regions = yield* Query.collect(Exports.listCropFeatures(1))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listCropFeatures = /* @__PURE__ */ Endpoint.list(
  "Koordinates.Exports.listCropFeatures",
  "/exports/croplayers/{cropLayerId}/cropfeatures/",
  CropFeature
)

/**
 * A crop feature with its geometry.
 *
 * @example
 * ```ts
 * const wellington = yield* Exports.getCropFeature(1, 12)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getCropFeature = /* @__PURE__ */ Endpoint.read(
  "Koordinates.Exports.getCropFeature",
  "/exports/croplayers/{cropLayerId}/cropfeatures/{featureId}/",
  CropFeature
)
