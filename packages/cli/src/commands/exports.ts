/**
 * `koordinates exports`: package layers and tables for download — create an export, wait
 * until it is built, download it with a progress bar (bytes, rate, ETA); a download that
 * breaks off resumes where it stopped.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import { format } from "../connection.ts"
import { type Column, printOne } from "../output.ts"
import * as Progress from "../progress.ts"
import * as Resource from "../resource.ts"
import * as Wait from "../wait.ts"

const columns: ReadonlyArray<Column<Exports.Export>> = [
  ["ID", (e) => e.id],
  ["STATE", (e) => e.state],
  ["CREATED", (e) => e.created_at],
  ["NAME", (e) => e.name]
]

/** An export, and the file it was downloaded to when it was. */
type Result = Exports.Export & { readonly file?: string }

const fields: ReadonlyArray<Column<Result>> = [
  ...columns,
  ["CRS", (e) => e.crs],
  ["FORMATS", (e) => e.formats === undefined ? undefined : Object.entries(e.formats).map(([kind, mime]) => `${kind}=${mime}`)],
  ["DOWNLOAD_URL", (e) => e.download_url],
  ["FILE", (e) => e.file]
]

const kinds = ["vector", "raster", "grid", "table", "rat"] as const

/**
 * `--format` values as the export's formats: `KIND=MIME` (kind one of vector, raster,
 * grid, table, rat), or a bare MIME type for vector data:
 * `["application/x-zipped-shp", "raster=image/tiff"]` gives
 * `{ vector: "application/x-zipped-shp", raster: "image/tiff" }`.
 */
const parseFormats = (
  given: ReadonlyArray<string>
): Effect.Effect<Exports.NewExport["formats"], ClientValidationError> => {
  const formats: Record<string, string> = {}
  for (const text of given) {
    const [kind, mime] = text.includes("=") ? text.split("=", 2) as [string, string] : ["vector", text]
    if (!(kinds as ReadonlyArray<string>).includes(kind) || mime === "") {
      return Effect.fail(new ClientValidationError({
        field: "format",
        message: `Invalid --format "${text}": expected MIME or KIND=MIME, KIND one of ${kinds.join(", ")}`
      }))
    }
    formats[kind] = mime
  }
  return Effect.succeed(formats)
}

const exportState = (polled: unknown) =>
  polled instanceof Exports.Export
    ? `${polled.state}${polled.progress == null ? "" : ` ${Math.round(polled.progress * 100)}%`}`
    : undefined

/** Downloads a complete export into `directory`, a byte bar on stderr; the path of the file. */
const download = (done: Exports.Export, directory: string) =>
  Effect.gen(function*() {
    const line = yield* Progress.line
    const bar = Progress.bytes(line, "download")
    return yield* Exports.downloadToFile(done, directory, { onProgress: ({ received, total }) => bar(received, total) }).pipe(
      Effect.ensuring(line.end)
    )
  })

const create = Command.make(
  "create",
  {
    layer: Flag.Int("layer").pipe(Flag.withMetavar("id"), Flag.withDescription("A layer or table to export (repeat it for more)"), Flag.atLeast(1)),
    format: Flag.String("format").pipe(
      Flag.withMetavar("[kind=]mime"),
      Flag.withDescription("A format per kind of data, e.g. application/x-zipped-shp or raster=image/tiff (repeat it)"),
      Flag.atLeast(1)
    ),
    crs: Flag.String("crs").pipe(Flag.withDescription("Projection of the export, e.g. EPSG:2193")),
    name: Flag.String("name").pipe(Flag.withDescription("The export's name (and its file's)"), Flag.optional),
    wait: Wait.flag("the export is built (failed: DownloadError, exit 8)"),
    download: Flag.String("download").pipe(
      Flag.withMetavar("dir"),
      Flag.withDescription("Download it into this existing directory once built (implies --wait); resumes if cut"),
      Flag.optional
    )
  },
  Effect.fn(function*(input) {
    const formats = yield* parseFormats(input.format)
    const layers = yield* Effect.forEach(input.layer, (id) => Layers.get(id))
    const created = yield* Exports.create({
      crs: input.crs,
      formats,
      items: layers.map((layer) => ({ item: layer.url })),
      ...Option.match(input.name, { onNone: () => ({}), onSome: (name) => ({ name }) })
    })
    const waiting = input.wait || Option.isSome(input.download)
    const done = waiting
      ? yield* Wait.watch("export", exportState, (options) => Exports.waitForExport(created.id, options))
      : created
    const result: Result = yield* Option.match(input.download, {
      onNone: () => Effect.succeed(done),
      // the export as the site described it, with the file beside its fields
      onSome: (directory) => Effect.map(download(done, directory), (file) => Object.assign(done, { file }))
    })
    yield* printOne(result, fields, yield* format)
  })
).pipe(
  Command.withDescription("Export layers or tables, optionally wait and download"),
  Command.withExamples([
    {
      command: "koordinates exports create --layer 1474 --format application/x-zipped-shp --crs EPSG:2193 --download .",
      description: "Build a zipped shapefile, then download it here"
    },
    { command: "koordinates exports create --layer 1474 --layer 1475 --format vector=application/geopackage+sqlite3 --crs EPSG:4326 --wait" }
  ])
)

const list = Resource.list("list", () => Exports.list(), columns, {
  description: "List your exports, newest first",
  examples: [{ command: "koordinates exports list --limit 5" }]
})

const get = Resource.get("export", (id) => Exports.get(id), fields, [{ command: "koordinates exports get 3" }])

/**
 * `koordinates exports …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("exports", {
  description: "Exports: package data for download",
  examples: [{ command: "koordinates exports create --layer 1474 --format application/x-zipped-shp --crs EPSG:2193 --download ." }]
}, [create, list, get])
