/**
 * Export endpoints (`/exports/…`): layers and tables packaged in chosen formats, projection
 * and extent, then downloaded. Exports are per user: each caller sees only their own. An
 * export runs on the store's clock (ExportStore.ts): `processing` → `complete`, or
 * `failed`. Its download URL answers 302 to a signed URL on the storage server
 * (Storage.ts) once it is complete, 404 before.
 *
 * A request names its items by layer or table URL, a CRS (`EPSG:<code>`, one the fake
 * knows), formats by kind of data, and optionally an extent: a GeoJSON (Multi)Polygon or a
 * crop feature URL; a malformed one is 400 with field errors. `/exports/validate/` then
 * marks an item `no-format` when no format was chosen for its kind, `outside-extent` when
 * the extent's bounding box misses the layer's (a table, without geometry, is never
 * outside), and the whole export `too-large` past the store's `exportSizeLimit` (creating
 * an export does not check these).
 * Also the crop layers and their features, offered as extents.
 */
import { Fields, isObject, type Json, type JsonObject, jsonBody } from "./Body.ts"
import {
  callerOf,
  created,
  expandsList,
  HttpError,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { cropFeatureAt, layerAt } from "./Links.ts"
import {
  type Area,
  type CropFeatureRecord,
  type CropLayerRecord,
  type ExportItem,
  type ExportRecord,
  type LayerRecord,
  type MultiPolygon
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { layerUrl, renderLicense, slugify, type Urls } from "./Render.ts"
import { signedDownloadUrl } from "./Storage.ts"
import type { Store } from "./Store.ts"
import { formatDate } from "./Time.ts"

/** The API URL of an export. */
const exportUrl = (urls: Urls, record: ExportRecord): string => `${urls.apiRoot}/exports/${record.id}/`

/** An export as `/exports/` lists it; `download_url` is null until it is complete. */
const renderExportSummary = (urls: Urls, record: ExportRecord) => ({
  id: record.id,
  name: record.name,
  created_at: record.created_at,
  created_via: record.created_via,
  state: record.state,
  url: exportUrl(urls, record),
  download_url: record.state === "complete" ? `${exportUrl(urls, record)}download/` : null
})

/** The full export. */
const renderExport = (urls: Urls, record: ExportRecord) => ({
  ...renderExportSummary(urls, record),
  extent: record.extent,
  delivery: { method: "download" },
  formats: record.formats,
  items: record.items.map(({ layer, color }) => ({
    item: layerUrl(urls, layer),
    ...(color === undefined ? {} : { color })
  })),
  crs: record.crs,
  options: record.options,
  size_estimate_zipped: record.size_estimate_zipped,
  progress: record.progress
})

/** The API URL of a crop layer. */
const cropLayerUrl = (urls: Urls, layer: CropLayerRecord): string =>
  `${urls.apiRoot}/exports/croplayers/${layer.id}/`

/** The API URL of a crop feature. */
const cropFeatureUrl = (urls: Urls, layer: CropLayerRecord, feature: CropFeatureRecord): string =>
  `${cropLayerUrl(urls, layer)}cropfeatures/${feature.id}/`

/** A crop layer; its extent holds every feature's polygons. */
const renderCropLayer = (urls: Urls, layer: CropLayerRecord) => {
  const extent: MultiPolygon = {
    type: "MultiPolygon",
    coordinates: layer.features.flatMap((feature) => feature.geometry.coordinates)
  }
  return {
    id: layer.id,
    name: layer.name,
    url: cropLayerUrl(urls, layer),
    features: `${cropLayerUrl(urls, layer)}cropfeatures/`,
    extent,
    source_layer: `${urls.apiRoot}/layers/${layer.source_layer}/`
  }
}

/** A crop feature; `withGeometry` (its own endpoint) adds the geometry. */
const renderCropFeature = (
  urls: Urls,
  layer: CropLayerRecord,
  feature: CropFeatureRecord,
  withGeometry: boolean
) => ({
  id: feature.id,
  name: feature.name,
  url: cropFeatureUrl(urls, layer, feature),
  ...(withGeometry ? { geometry: feature.geometry } : {})
})

/** The kinds of data an export has formats for (`rat`: raster attribute tables of grids). */
const FORMAT_KINDS = ["vector", "raster", "grid", "rat", "table"] as const

type FormatKind = (typeof FORMAT_KINDS)[number]

/** A format an export can be written in. */
interface Choice {
  readonly display_name: string
  readonly value: string
}

const choice = (value: string, display_name: string): Choice => ({ display_name, value })

const geotiff = choice("image/tiff;subtype=geotiff", "GeoTIFF")
const geopackage = choice("application/x-ogc-gpkg", "GeoPackage / SQLite")
const csv = choice("text/csv", "CSV")
const fileGeodatabase = choice("application/x-ogc-filegdb", "ESRI File Geodatabase")

/** The formats offered for each kind of data. */
const FORMATS: Readonly<Record<FormatKind, ReadonlyArray<Choice>>> = {
  vector: [
    choice("application/x-zipped-shp", "Shapefile"),
    geopackage,
    fileGeodatabase,
    choice("application/vnd.google-earth.kml+xml", "KML"),
    choice("application/vnd.geo+json", "GeoJSON"),
    choice("application/x-ogc-mapinfo_file", "MapInfo TAB"),
    choice("image/vnd.dwg", "AutoCAD DWG"),
    csv
  ],
  raster: [
    geotiff,
    choice("image/jpeg", "JPEG"),
    choice("image/png", "PNG"),
    choice("image/jp2", "JPEG2000"),
    choice("application/x-ogc-kea", "KEA")
  ],
  grid: [geotiff, choice("application/x-ogc-aaigrid", "ASCII Grid"), choice("image/x-erdas-hfa", "Erdas Imagine")],
  rat: [csv, geopackage, choice("application/x-ogc-dbf", "DBF")],
  table: [
    csv,
    geopackage,
    fileGeodatabase,
    choice("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)")
  ]
}

/** The projections exports can be written in. */
const KNOWN_CRS = new Set(["EPSG:2193", "EPSG:4167", "EPSG:4326", "EPSG:3857", "EPSG:27200", "EPSG:3577"])

/** What an export request asks for, checked. */
interface ExportRequest {
  readonly name: string | undefined
  readonly crs: string
  readonly formats: Readonly<Record<string, string>>
  readonly items: ReadonlyArray<ExportItem>
  readonly extent: Area | null
  readonly options: JsonObject
}

/** `crs`: `EPSG:<code>`, one of {@link KNOWN_CRS}. */
const crsOf = (fields: Fields): string | undefined => {
  const crs = fields.text("crs", { required: true })
  if (crs === undefined) return undefined
  if (!/^EPSG:\d+$/.test(crs)) return fields.fail("crs", "Enter a CRS as EPSG:<code>.")
  return KNOWN_CRS.has(crs) ? crs : fields.fail("crs", `Unsupported CRS "${crs}".`)
}

/** `formats`: a MIME type (one {@link FORMATS} offers) per kind of data. */
const formatsOf = (fields: Fields): Readonly<Record<string, string>> | undefined => {
  const formats = fields.object("formats", true)
  if (formats === undefined) return undefined
  const entries = Object.entries(formats)
  if (entries.length === 0) return fields.fail("formats", "Choose a format for at least one kind of data.")
  const problems = entries.flatMap(([kind, value]) => {
    const offered = FORMATS[kind as FormatKind] as ReadonlyArray<Choice> | undefined
    if (offered === undefined) return [`Unknown kind of data "${kind}": use ${FORMAT_KINDS.join(", ")}.`]
    return offered.some((format) => format.value === value) ? [] : [`"${String(value)}" is not a valid ${kind} format.`]
  })
  for (const problem of problems) fields.fail("formats", problem)
  return problems.length === 0 ? formats as Readonly<Record<string, string>> : undefined
}

/** One element of `items`: `{item: layer or table URL, color?: "#rrggbb"}`, or why it is wrong. */
const exportItem = (context: RequestContext, value: Json): ExportItem | string => {
  const url = isObject(value) ? value["item"] : undefined
  const layer = typeof url === "string" ? layerAt(context, url) : undefined
  if (layer === undefined) return `${JSON.stringify(url ?? value)} is not a known layer or table`
  const color = isObject(value) ? value["color"] : undefined
  if (color === undefined) return { layer }
  return typeof color === "string" && /^#[0-9a-f]{6}$/i.test(color) ? { layer, color } : `Invalid color for ${url}`
}

/** `items`: a non-empty list of layers and tables. */
const itemsOf = (context: RequestContext, fields: Fields): ReadonlyArray<ExportItem> | undefined => {
  const values = fields.list("items", true)
  if (values === undefined) return undefined
  if (values.length === 0) return fields.fail("items", "This list may not be empty.")
  const items = values.map((value) => exportItem(context, value))
  const problems = items.filter((item) => typeof item === "string")
  for (const problem of problems) fields.fail("items", problem)
  return problems.length === 0 ? items.filter((item) => typeof item !== "string") : undefined
}

const isPosition = (value: Json): boolean =>
  Array.isArray(value) && value.length >= 2 && value.length <= 3 && value.every((part) => typeof part === "number")

const isRings = (value: Json | undefined): boolean =>
  Array.isArray(value) && value.length > 0 &&
  value.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition))

/** True for a GeoJSON Polygon or MultiPolygon. */
const isArea = (value: Json): boolean => {
  if (!isObject(value)) return false
  const coordinates = value["coordinates"]
  if (value["type"] === "Polygon") return isRings(coordinates)
  return value["type"] === "MultiPolygon" && Array.isArray(coordinates) && coordinates.length > 0 &&
    coordinates.every(isRings)
}

/** `extent`: a GeoJSON (Multi)Polygon, a crop feature URL (its geometry), or null / absent for none. */
const extentOf = (context: RequestContext, fields: Fields): Area | null | undefined => {
  const value = fields.value("extent")
  if (value === undefined || value === null) return null
  if (typeof value === "string") {
    return cropFeatureAt(context, value)?.geometry ?? fields.fail("extent", `${value} is not a known crop feature`)
  }
  return isArea(value)
    ? value as unknown as Area
    : fields.fail("extent", "Expected a GeoJSON Polygon or MultiPolygon, or a crop feature URL.")
}

/** An export request from a body; 400 with field errors. */
const exportRequest = (context: RequestContext): ExportRequest => {
  const fields = new Fields(jsonBody(context))
  const name = fields.text("name", { blank: false })
  const options = fields.object("options") ?? {}
  const checked = fields.checked({
    crs: crsOf(fields),
    formats: formatsOf(fields),
    items: itemsOf(context, fields),
    extent: extentOf(context, fields)
  })
  return { ...checked, name, options }
}

/** The zipped size the fake estimates for a layer or table (bytes; fixed per layer). */
const estimatedSize = (layer: LayerRecord): number => {
  switch (layer.kind) {
    case "vector":
      return 150_000 + (layer.id * 7_919) % 20_000_000
    case "table":
      return 20_000 + (layer.id * 104_729) % 2_000_000
    case "raster":
      return 50_000_000 + (layer.id * 15_485_863) % 2_000_000_000
    case "grid":
      return 10_000_000 + (layer.id * 1_299_709) % 500_000_000
  }
}

/** The zipped size the fake estimates for all the items of a request. */
const estimatedTotal = (request: ExportRequest): number =>
  request.items.reduce((total, { layer }) => total + estimatedSize(layer), 0)

/** A bounding box: west, south, east, north. */
type Bounds = readonly [number, number, number, number]

/** The bounding box of an area. */
const boundsOf = (area: Area): Bounds => {
  const positions = (area.type === "Polygon" ? [area.coordinates] : area.coordinates).flat(2)
  const longitudes = positions.map(([longitude]) => longitude)
  const latitudes = positions.map(([, latitude]) => latitude)
  return [Math.min(...longitudes), Math.min(...latitudes), Math.max(...longitudes), Math.max(...latitudes)]
}

/** True when the bounding box of `extent` misses the layer's extent (a layer without one is never outside). */
const outside = (extent: Area, layer: LayerRecord): boolean => {
  if (layer.extent === null) return false
  const [west, south, east, north] = boundsOf(extent)
  const [layerWest, layerSouth, layerEast, layerNorth] = boundsOf(layer.extent)
  return west > layerEast || east < layerWest || south > layerNorth || north < layerSouth
}

/** What validation says about a request. */
interface Validation {
  readonly items: ReadonlyArray<{ readonly item: ExportItem; readonly reasons: ReadonlyArray<string> }>
  readonly size: number
  readonly reasons: ReadonlyArray<string>
  readonly valid: boolean
}

const validate = (store: Store, request: ExportRequest): Validation => {
  const { extent } = request
  const items = request.items.map((item) => ({
    item,
    reasons: [
      ...(request.formats[item.layer.kind] === undefined ? ["no-format"] : []),
      ...(extent !== null && outside(extent, item.layer) ? ["outside-extent"] : [])
    ]
  }))
  const size = estimatedTotal(request)
  const reasons = size > store.exportSizeLimit ? ["too-large"] : []
  return { items, size, reasons, valid: reasons.length === 0 && items.every((item) => item.reasons.length === 0) }
}

/** The reply body of a validation. */
const renderValidation = (context: RequestContext, validation: Validation) => ({
  items: validation.items.map(({ item, reasons }) => {
    const license = renderLicense(context.urls, item.layer.license)
    return {
      item: layerUrl(context.urls, item.layer),
      license: { ...license, url_fulltext: `${license.url_html}fulltext/` },
      price: "0.00",
      is_valid: reasons.length === 0,
      invalid_reasons: reasons,
      ...(item.color === undefined ? {} : { color: item.color })
    }
  }),
  size_estimate_zipped: validation.size,
  is_valid: validation.valid,
  invalid_reasons: validation.reasons
})

/** POST `/exports/validate/`: 200 with the validation, valid or not. */
export const validateExport = (context: RequestContext): Reply =>
  ok(renderValidation(context, validate(context.store, exportRequest(context))))

/** The name the server gives an export: `kx-{slug of the asked name or first item}-{YYYYMMDD}`. */
const exportName = (request: ExportRequest, now: number): string => {
  const asked = request.name ?? request.items[0]?.layer.name ?? "export"
  return `kx-${slugify(asked).replace(/^kx-/, "")}-${formatDate(now).replaceAll("-", "")}`
}

/**
 * POST `/exports/`: `{name?, crs, formats, items, extent?, options?}`; 201 with the new
 * export's Location and no body; 400 with field errors.
 */
export const create = (context: RequestContext): Reply => {
  const request = exportRequest(context)
  const record = context.store.createExport({
    name: exportName(request, context.store.clock.now()),
    user: callerOf(context).user,
    crs: request.crs,
    formats: request.formats,
    items: request.items,
    extent: request.extent,
    options: request.options,
    size_estimate_zipped: estimatedTotal(request)
  })
  return created(exportUrl(context.urls, record))
}

/** The caller's export `{id}`; 404 for anyone else's. */
const findExport = (context: RequestContext, params: PathParams): ExportRecord => {
  const record = context.store.getExport(pathParam(params, "id"))
  if (record === undefined || record.user !== callerOf(context).user) throw notFound()
  return record
}

/** GET `/exports/`: the caller's exports, newest first (each one shown is a read of it). */
export const list = (context: RequestContext): Reply => {
  const user = callerOf(context).user
  const expand = expandsList(context)
  const own = context.store.exports().filter((record) => record.user === user).reverse()
  return listReply(context, own, (record) => {
    context.store.pollExport(record)
    return expand ? renderExport(context.urls, record) : renderExportSummary(context.urls, record)
  })
}

/** GET `/exports/{id}/`: a read of the export. */
export const get = (context: RequestContext, params: PathParams): Reply => {
  const record = findExport(context, params)
  context.store.pollExport(record)
  return ok(renderExport(context.urls, record))
}

/**
 * DELETE `/exports/{id}/`: cancels a processing export (202 with it, now `cancelled`); 409
 * for one that has ended (complete, failed or cancelled), which stays as it is.
 */
export const remove = (context: RequestContext, params: PathParams): Reply => {
  const record = findExport(context, params)
  if (record.state !== "processing") {
    throw new HttpError(409, `This export has already ended (${record.state}): only a processing export can be cancelled`)
  }
  context.store.cancelExport(record)
  return { status: 202, body: renderExport(context.urls, record) }
}

/** GET `/exports/{id}/download/`: 302 to the signed storage URL once complete; 404 before. */
export const download = (context: RequestContext, params: PathParams): Reply => {
  const record = findExport(context, params)
  if (record.state !== "complete") throw new HttpError(404, "This export is not ready for download.")
  return { status: 302, headers: { Location: signedDownloadUrl(context.store, context.urls.storage, record) } }
}

/** OPTIONS `/exports/`: what a POST takes, with the formats offered per kind of data. */
export const describe = (): Reply =>
  ok({
    name: "Export List",
    description: "Exports of layers and tables, in the formats, projection and extent asked for.",
    renders: ["application/json", "text/html"],
    parses: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    actions: {
      POST: {
        formats: {
          type: "nested object",
          required: true,
          read_only: false,
          label: "Formats",
          children: Object.fromEntries(FORMAT_KINDS.map((kind) => [kind, {
            type: "choice",
            required: false,
            read_only: false,
            label: kind === "rat" ? "Raster attribute table" : `${kind[0]?.toUpperCase()}${kind.slice(1)}`,
            choices: FORMATS[kind]
          }]))
        }
      }
    }
  })

/** The crop layer `{id}`; 404 when there is none. */
const findCropLayer = (context: RequestContext, params: PathParams): CropLayerRecord => {
  const id = pathParam(params, "id")
  const layer = context.store.cropLayers.find((candidate) => candidate.id === id)
  if (layer === undefined) throw notFound()
  return layer
}

/** GET `/exports/croplayers/`. */
export const listCropLayers = (context: RequestContext): Reply =>
  listReply(context, context.store.cropLayers, (layer) => renderCropLayer(context.urls, layer))

/** GET `/exports/croplayers/{id}/`. */
export const getCropLayer = (context: RequestContext, params: PathParams): Reply =>
  ok(renderCropLayer(context.urls, findCropLayer(context, params)))

/** GET `/exports/croplayers/{id}/cropfeatures/`: features without their geometry. */
export const listCropFeatures = (context: RequestContext, params: PathParams): Reply => {
  const layer = findCropLayer(context, params)
  return listReply(context, layer.features, (feature) => renderCropFeature(context.urls, layer, feature, false))
}

/** GET `/exports/croplayers/{id}/cropfeatures/{feature}/`: with its geometry. */
export const getCropFeature = (context: RequestContext, params: PathParams): Reply => {
  const layer = findCropLayer(context, params)
  const id = pathParam(params, "feature")
  const feature = layer.features.find((candidate) => candidate.id === id)
  if (feature === undefined) throw notFound()
  return ok(renderCropFeature(context.urls, layer, feature, true))
}
