/**
 * What a data source holds and what scanning it finds. An upload holds one dataset per data
 * file, told by its extension (else its content type), with the metadata of a sidecar
 * `.xml` of the same name; the other types hold one to three generated datasets. Also the
 * generated sources of the catalog and the messages of a scan's log.
 */
import { attributePool, randomInstant, randomTheme, rectangle, type Theme } from "./Generate.ts"
import type {
  DatasetPlan,
  GroupRecord,
  LayerField,
  LayerKind,
  MetadataDocument,
  Polygon,
  SourceRecord,
  SourceType,
  UploadFile,
  UserRecord
} from "./Model.ts"
import { makeRng, type Rng, seedOf } from "./Random.ts"
import { slugify } from "./Render.ts"
import { isoDocument } from "./Xml.ts"

/** How a kind of file (or remote layer) is read. */
interface DataFormat {
  readonly kind: LayerKind
  /** MIME type. */
  readonly format: string
  /** The reader the log names. */
  readonly driver: string
}

const shapefile: DataFormat = { kind: "vector", format: "application/x-zipped-shp", driver: "ESRI Shapefile" }
const geotiff: DataFormat = { kind: "raster", format: "image/tiff", driver: "GTiff" }

/** Data files by extension. */
const fileFormats: Readonly<Record<string, DataFormat>> = {
  shp: shapefile,
  zip: shapefile,
  gpkg: { kind: "vector", format: "application/geopackage+sqlite3", driver: "GPKG" },
  geojson: { kind: "vector", format: "application/geo+json", driver: "GeoJSON" },
  kml: { kind: "vector", format: "application/vnd.google-earth.kml+xml", driver: "LIBKML" },
  csv: { kind: "table", format: "text/csv", driver: "CSV" },
  xlsx: {
    kind: "table",
    format: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    driver: "XLSX"
  },
  tif: geotiff,
  tiff: geotiff
}

/** Content types that say nothing about the data (the extension decides). */
const genericTypes = new Set(["application/octet-stream", "binary/octet-stream", "application/zip"])

/** What the remote source types serve. */
const remoteFormats: Readonly<Record<"arcgis" | "wfs" | "postgres", DataFormat>> = {
  arcgis: { kind: "vector", format: "application/x-arcgis-rest", driver: "ESRI REST" },
  wfs: { kind: "vector", format: "application/gml+xml", driver: "WFS" },
  postgres: { kind: "vector", format: "application/x-postgis", driver: "PostgreSQL" }
}

/** The lower-case extension of a path (`""` without one). */
const extensionOf = (path: string): string => /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? ""

/** A path without its extension. */
const stem = (path: string): string => path.replace(/\.[^./]+$/, "")

/** The last segment of a path. */
const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1)

/** The data format of an uploaded file; undefined for sidecars and files holding no dataset. */
const formatOf = (file: UploadFile): DataFormat | undefined => {
  const extension = extensionOf(file.upload_path)
  if (extension === "xml") return undefined
  const declared = file.content_type?.split(";")[0]?.trim().toLowerCase()
  const specific = declared === undefined || declared === "" || genericTypes.has(declared) ? undefined : declared
  const found = fileFormats[extension] ??
    Object.values(fileFormats).find((format) => format.format === specific)
  if (found === undefined) return undefined
  const elevation = found.kind === "raster" && /dem|dsm|dtm|elev|height|grid/i.test(baseName(file.upload_path))
  return { ...found, kind: elevation ? "grid" : found.kind, format: specific ?? found.format }
}

/** True for a `.xml` file: a metadata sidecar, never a dataset. */
export const isSidecar = (path: string): boolean => extensionOf(path) === "xml"

/** The reader the log names for a format. */
const driverOf = (format: string): string =>
  [...Object.values(fileFormats), ...Object.values(remoteFormats)].find((known) => known.format === format)?.driver ??
    "OGR"

const round = (value: number): number => Math.round(value * 1e6) / 1e6

/** A random rectangle somewhere in New Zealand. */
const randomExtent = (rng: Rng): Polygon => {
  const west = round(166.5 + rng.float() * 10)
  const south = round(-47 + rng.float() * 12)
  const east = round(west + 0.1 + rng.float() * 2)
  const north = round(south + 0.1 + rng.float() * 2)
  return rectangle(west, south, east, north)
}

/** A generated dataset at `path`: its schema and statistics depend only on the path. */
const dataset = (path: string, data: DataFormat, title: string, metadata: MetadataDocument | null): DatasetPlan => {
  const rng = makeRng(seedOf(path))
  const attributes: Array<LayerField> = [{ name: "fid", type: "integer" }, ...rng.sample(attributePool, rng.int(2, 5))]
  const common = { title, data_type: data.kind, format: data.format, upload_path: path, metadata }
  switch (data.kind) {
    case "vector":
      return {
        ...common,
        geometry_type: rng.pick(["point", "linestring", "polygon", "multipolygon"]),
        crs: rng.pick(["EPSG:2193", "EPSG:4326"]),
        fields: [{ name: "GEOMETRY", type: "geometry" }, ...attributes],
        num_dims: rng.chance(0.2) ? 3 : 2,
        num_features: rng.int(10, 250_000),
        num_bands: null,
        extent: randomExtent(rng)
      }
    case "table":
      return {
        ...common,
        geometry_type: "",
        crs: null,
        fields: attributes,
        num_dims: 2,
        num_features: rng.int(5, 50_000),
        num_bands: null,
        extent: null
      }
    case "raster":
    case "grid":
      return {
        ...common,
        geometry_type: "",
        crs: "EPSG:2193",
        fields: [],
        num_dims: 2,
        num_features: 0,
        num_bands: data.kind === "grid" ? 1 : rng.pick([3, 4]),
        extent: randomExtent(rng)
      }
  }
}

/** A dataset's title from its file name: `nz-roads_2020.shp` → `nz roads 2020`. */
const titleOf = (path: string): string => stem(baseName(path)).replace(/[-_\s]+/g, " ").trim()

/** The metadata sidecar of a data file: `x.xml` or `x.{ext}.xml` beside `x.{ext}`. */
const sidecarOf = (files: ReadonlyArray<UploadFile>, file: UploadFile): MetadataDocument | null =>
  files.find((other) =>
    other.document !== null && isSidecar(other.upload_path) &&
    [stem(file.upload_path), file.upload_path].includes(stem(other.upload_path))
  )?.document ?? null

/** The datasets of an upload: one per data file, in upload order. */
const uploadDatasets = (files: ReadonlyArray<UploadFile>): Array<DatasetPlan> =>
  files.flatMap((file) => {
    const data = formatOf(file)
    return data === undefined
      ? []
      : [dataset(file.upload_path, data, titleOf(file.upload_path), sidecarOf(files, file))]
  })

/** Lower-case words joined by underscores, as table and layer names are. */
const slug = (text: string): string => slugify(text).replaceAll("-", "_")

/** The path and format of a remote dataset about `theme`, the `index`th of its source. */
const remoteEntry = (rng: Rng, type: Exclude<SourceType, "upload">, theme: Theme, index: number) => {
  switch (type) {
    case "arcgis":
      return { path: `${theme.title.replaceAll(" ", "")}/MapServer/${index}`, data: remoteFormats.arcgis }
    case "wfs":
      return { path: `data:${slug(theme.title)}`, data: remoteFormats.wfs }
    case "postgres":
      return { path: `public.${slug(theme.title)}`, data: remoteFormats.postgres }
    case "cifs":
    case "info": {
      const extension = rng.pick(["shp", "gpkg", "csv", "tif"])
      const data = fileFormats[extension] ?? shapefile
      return { path: `${slug(theme.group.name)}/${slug(theme.title)}.${extension}`, data }
    }
  }
}

/** One to three generated datasets of a source of a type other than `upload`. */
const remoteDatasets = (rng: Rng, type: Exclude<SourceType, "upload">): Array<DatasetPlan> => {
  const count = rng.int(1, 3)
  const plans: Array<DatasetPlan> = []
  for (let index = 0; index < count; index++) {
    const theme = randomTheme(rng, "vector")
    const { path, data } = remoteEntry(rng, type, theme, index)
    if (!plans.some((plan) => plan.upload_path === path)) plans.push(dataset(path, data, theme.title, null))
  }
  return plans
}

/** The datasets a new source holds. */
export const datasetsOf = (rng: Rng, type: SourceType, files: ReadonlyArray<UploadFile>): Array<DatasetPlan> =>
  type === "upload" ? uploadDatasets(files) : remoteDatasets(rng, type)

/** Uploaded files that hold no dataset and are not sidecars (the log skips them). */
const skippedFiles = (files: ReadonlyArray<UploadFile>): ReadonlyArray<UploadFile> =>
  files.filter((file) => !isSidecar(file.upload_path) && formatOf(file) === undefined)

/** The datasets of a source a scan would add (those not found by an earlier scan). */
export const newDatasets = (source: SourceRecord): ReadonlyArray<DatasetPlan> => {
  const known = new Set(source.datasources.map((datasource) => datasource.upload_path))
  return source.datasets.filter((plan) => !known.has(plan.upload_path))
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`

/** The messages of the log of a scan starting now, had it completed. */
export const scanMessages = (source: SourceRecord): Array<string> => {
  const found = source.datasets
  const added = new Set(newDatasets(source))
  return [
    ...(source.url_remote === null ? [] : [`Connecting to ${source.url_remote}`]),
    `Looking for possible datasources in ${source.id}/`,
    `Found ${plural(found.length, "possible data source")}`,
    ...found.flatMap((plan) => {
      const driver = driverOf(plan.format)
      return [`Scanning ${plan.upload_path} as ${driver}`, `    - valid ${driver}`]
    }),
    ...skippedFiles(source.files).map((file) => `WARNING: Skipping ${file.upload_path}: not a recognised data format`),
    "Scanning valid datasources for more information",
    ...found.flatMap((plan) => [
      `Scanning ${plan.upload_path}`,
      added.has(plan) ? "  New data source created" : "  Data source unchanged",
      ...(plan.metadata === null ? [] : ["  Metadata attached"])
    ]),
    "Finishing up",
    `Updating ${plural(added.size, "new or changed dataset")}`,
    "Updating user interface",
    "Finished!"
  ]
}

/** The fields of a source the generator makes (the store adds id, datasets and scans). */
export interface GeneratedSource {
  readonly title: string
  readonly description: string
  readonly group: GroupRecord | null
  readonly user: UserRecord | null
  readonly url_remote: string | null
  readonly scan_schedule: string | null
  readonly options: Readonly<Record<string, unknown>>
  readonly tags: ReadonlyArray<string>
  readonly files: ReadonlyArray<UploadFile>
  /** When it was created (ms since the epoch). */
  readonly created: number
}

const hex = (rng: Rng, digits: number): string =>
  Array.from({ length: digits }, () => rng.int(0, 15).toString(16)).join("")

/** A generated file of an upload (only its identity: path, type, size and digest). */
const generatedFile = (rng: Rng, upload_path: string, content_type: string | null): UploadFile => ({
  upload_path,
  content_type,
  size: rng.int(20_000, 80_000_000),
  sha256: hex(rng, 64),
  document: null
})

/** The files of a generated upload about `theme`: a data file, sometimes a sidecar and a readme. */
const generatedFiles = (rng: Rng, theme: Theme, created: number): ReadonlyArray<UploadFile> => {
  const name = slugify(theme.title)
  const [extension, type] = rng.pick([["zip", "application/zip"], ["gpkg", null], ["csv", "text/csv"]] as const)
  const files = [generatedFile(rng, `${name}.${extension}`, type)]
  if (rng.chance(0.5)) {
    const document = Buffer.from(isoDocument({
      identifier: `urn:koordinates:upload:${name}`,
      title: theme.title,
      abstract: theme.about,
      keywords: theme.tags,
      created: new Date(created).toISOString(),
      published: null
    }))
    files.push({ ...generatedFile(rng, `${name}.xml`, "text/xml"), size: document.length, document })
  }
  if (rng.chance(0.3)) files.push(generatedFile(rng, "README.txt", "text/plain"))
  return files
}

const remoteUrls: Readonly<Record<Exclude<SourceType, "upload" | "info">, (host: string) => string>> = {
  arcgis: (host) => `https://gis.${host}/arcgis/rest/services`,
  wfs: (host) => `https://data.${host}/geoserver/ows`,
  cifs: (host) => `smb://files.${host}/geodata`,
  postgres: (host) => `postgres://db.${host}:5432/gis`
}

/**
 * A random source of the given type, owned by a group or (sometimes) by a user; only the
 * remote types (`arcgis`, `wfs`, `cifs`, `postgres`) get a `url_remote`.
 */
export const randomSource = (rng: Rng, type: SourceType, users: ReadonlyArray<UserRecord>): GeneratedSource => {
  const theme = randomTheme(rng, "vector")
  const created = randomInstant(rng)
  const host = `${slugify(theme.group.name).replaceAll("-", "")}.example.com`
  const byUser = rng.chance(0.3)
  return {
    title: type === "upload" ? `${theme.title} upload` : `${theme.group.name} ${type === "info" ? "catalogue" : type}`,
    description: rng.chance(0.3) ? "" : `${theme.about} Supplied by ${theme.group.name}.`,
    group: byUser ? null : theme.group,
    user: byUser ? rng.pick(users) : null,
    url_remote: type === "upload" || type === "info" ? null : remoteUrls[type](host),
    scan_schedule: type === "upload" ? null : rng.pick([null, "@daily", "@weekly"]),
    options: type === "postgres" ? { username: "reader" } : {},
    tags: theme.tags,
    files: type === "upload" ? generatedFiles(rng, theme, created) : [],
    created
  }
}
