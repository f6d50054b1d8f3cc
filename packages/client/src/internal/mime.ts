/**
 * Content types guessed from a file's name, for uploads.
 *
 * @since 0.1.0
 * @internal
 */

const byExtension: Readonly<Record<string, string>> = {
  csv: "text/csv",
  txt: "text/plain",
  prj: "text/plain",
  xml: "text/xml",
  json: "application/json",
  geojson: "application/geo+json",
  zip: "application/zip",
  gz: "application/gzip",
  kml: "application/vnd.google-earth.kml+xml",
  kmz: "application/vnd.google-earth.kmz",
  gpx: "application/gpx+xml",
  gpkg: "application/geopackage+sqlite3",
  shp: "application/x-esri-shape",
  shx: "application/x-esri-shape-index",
  dbf: "application/dbase",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  tif: "image/tiff",
  tiff: "image/tiff",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  pdf: "application/pdf"
}

/**
 * The content type of a file name's extension, when it is a known one.
 *
 * @since 0.1.0
 */
export const guess = (name: string): string | undefined =>
  byExtension[/\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? ""]
