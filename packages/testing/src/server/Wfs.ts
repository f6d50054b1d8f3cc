/**
 * WFS over HTTP GET (key-value pairs; parameter names in any case): GetCapabilities,
 * DescribeFeatureType and GetFeature of `layer-N` (vector layers), `table-N` (tables) and
 * their changesets `layer-N-changeset` / `table-N-changeset`, at `/services;key=KEY/wfs`,
 * `/services/wfs` (key as `?key=` or `Authorization: key …`) and `/wfs/{typeName}`.
 *
 * GetFeature answers GeoJSON (`outputFormat=json`, `application/json`) or CSV (`csv`,
 * geometry as WKT), streamed: `features` first, then GeoServer's `totalFeatures`,
 * `numberMatched`, `numberReturned`, `timeStamp` and `crs`. Paging by `count` (or
 * `maxFeatures`) and `startIndex` over features in key order (or `sortBy`); filters by
 * `bbox=minx,miny,maxx,maxy[,CRS]`, `cql_filter` or an OGC `filter` (see Cql.ts), one at a time; `propertyName`
 * picks attributes (the geometry only if named); `srsName` EPSG:4326 (default), EPSG:3857
 * or EPSG:2193, coordinates always x/y (longitude, latitude) in GeoJSON.
 *
 * A changeset takes `viewparams=from:TIMESTAMP;to:TIMESTAMP` (from exclusive, to inclusive,
 * UTC unless zoned, date only = midnight, up to 6 fractional digits): one row per feature
 * changed by the revisions published in that span, `__change__` INSERT, UPDATE or DELETE
 * (collapsed: inserted then updated is one INSERT with the final values; updated then
 * deleted is a DELETE carrying the last values; inserted then deleted is nothing). Only for
 * layers and tables with a primary key.
 *
 * Errors are OGC ExceptionReports (`application/xml`), or GeoServer's JSON form with
 * `exceptions=application/json`; 400 for bad or unknown parameters and type names.
 */
import { compileCql, CqlError, ogcFilterToCql, type Predicate } from "./Cql.ts"
import type { ServiceContext } from "./DataServices.ts"
import { ServiceError } from "./DataServices.ts"
import {
  aliveAt,
  type DataState,
  type FakeFeature,
  type FeatureLayer,
  featureOf,
  featuresAt,
  formatMicros,
  hasData,
  parseMicros,
  variantAt
} from "./Features.ts"
import {
  boxPolygon,
  type Geometry,
  intersects,
  mapGeometry,
  parseCrs,
  project,
  roundFor,
  SUPPORTED_CRS,
  swapsAxes,
  unproject
} from "./Geometry.ts"
import type { Reply } from "./Http.ts"
import type { LayerRecord } from "./Model.ts"
import { escapeXml } from "./Xml.ts"

/** Parameters by lower-case name (the last value of each). */
type Params = ReadonlyMap<string, string>

const paramsOf = (context: ServiceContext): Params => {
  const params = new Map<string, string>()
  for (const [name, value] of context.query) params.set(name.toLowerCase(), value)
  return params
}

const invalid = (message: string, locator: string) => new ServiceError(400, message, "InvalidParameterValue", locator)
const missing = (locator: string) =>
  new ServiceError(400, `Parameter "${locator}" is required.`, "MissingParameterValue", locator)

/** A type name: `layer-N`, `table-N`, `…-changeset`, optionally with a namespace prefix. */
interface TypeName {
  readonly kind: "layer" | "table"
  readonly id: number
  readonly changeset: boolean
}

const parseTypeName = (text: string): TypeName | undefined => {
  const match = /^(?:[^:]+:)?(layer|table)-(\d+)(-changeset)?$/.exec(text.trim())
  if (match === null) return undefined
  return { kind: match[1] as "layer" | "table", id: Number(match[2]), changeset: match[3] !== undefined }
}

const typeNameText = (name: TypeName): string => `${name.kind}-${name.id}${name.changeset ? "-changeset" : ""}`

/** The layer a type name stands for (a vector layer for `layer-N`, a table for `table-N`, published). */
const layerOf = (context: ServiceContext, name: TypeName, text: string, locator: string): FeatureLayer => {
  const record = context.store.getLayer(name.id)
  const fits = record !== undefined && hasData(record) &&
    (name.kind === "table" ? record.kind === "table" : record.kind === "vector")
  const layer = fits ? context.features.layer(record) : undefined
  if (layer === undefined) throw invalid(`Feature type "${text}" is unknown.`, locator)
  return layer
}

/** The type name a request asks for: `typeNames` (or `typeName`), else the one in the path; they must agree. */
const requestedType = (params: Params, pathName: string | undefined) => {
  const given = params.get("typenames") ?? params.get("typename")
  const locator = params.has("typenames") ? "typeNames" : "typeName"
  const fromPath = pathName === undefined ? undefined : parseTypeName(decodeURIComponent(pathName))
  if (pathName !== undefined && fromPath === undefined) throw invalid(`Feature type "${pathName}" is unknown.`, "typeNames")
  if (given === undefined) return fromPath && { name: fromPath, text: typeNameText(fromPath), locator }
  if (given.includes(",")) throw invalid("Only one type name at a time is served.", locator)
  const name = parseTypeName(given)
  if (name === undefined) throw invalid(`Feature type "${given}" is unknown.`, locator)
  if (fromPath !== undefined && typeNameText(fromPath) !== typeNameText(name)) {
    throw invalid(`Type name "${given}" does not match the path's "${pathName}".`, locator)
  }
  return { name, text: given, locator }
}

/**
 * Answers a WFS request; `pathName` is the type name of a `/wfs/{typeName}` path.
 *
 * @since 0.2.0
 */
export const handle = (context: ServiceContext, pathName: string | undefined): Reply => {
  const params = paramsOf(context)
  const service = params.get("service")
  if (service !== undefined && service.toUpperCase() !== "WFS") throw invalid(`Service "${service}" is not WFS.`, "service")
  const version = params.get("version") ?? params.get("acceptversions")?.split(",")[0] ?? "2.0.0"
  if (!["1.0.0", "1.1.0", "2.0.0", "2.0"].includes(version)) {
    throw new ServiceError(400, `Version "${version}" is not supported: use 1.0.0, 1.1.0 or 2.0.0.`, "VersionNegotiationFailed", "version")
  }
  const request = params.get("request")
  if (request === undefined) throw missing("request")
  switch (request.toLowerCase()) {
    case "getcapabilities":
      return capabilities(context, params, pathName)
    case "describefeaturetype":
      return describeFeatureType(context, params, pathName)
    case "getfeature":
      return getFeature(context, params, pathName)
    default:
      throw new ServiceError(400, `Request "${request}" is not supported.`, "OperationNotSupported", "request")
  }
}

// ---------------------------------------------------------------------------------------
// GetCapabilities, DescribeFeatureType

const nativeEpsg = (record: LayerRecord): string => record.data.crs.replace(/^EPSG:/i, "")

const featureTypeXml = (layer: FeatureLayer, changeset: boolean): string => {
  const record = layer.layer
  const [w, s, e, n] = layer.bounds
  const name = `${record.kind === "table" ? "table" : "layer"}-${record.id}${changeset ? "-changeset" : ""}`
  return `      <FeatureType>
        <Name>${name}</Name>
        <Title>${escapeXml(record.name)}${changeset ? " (changeset)" : ""}</Title>
        <DefaultCRS>urn:ogc:def:crs:EPSG::${nativeEpsg(record)}</DefaultCRS>
        <OtherCRS>urn:ogc:def:crs:EPSG::4326</OtherCRS>
        <OtherCRS>urn:ogc:def:crs:EPSG::3857</OtherCRS>
        <OtherCRS>urn:ogc:def:crs:EPSG::2193</OtherCRS>
        <ows:WGS84BoundingBox>
          <ows:LowerCorner>${w} ${s}</ows:LowerCorner>
          <ows:UpperCorner>${e} ${n}</ows:UpperCorner>
        </ows:WGS84BoundingBox>
      </FeatureType>`
}

const capabilities = (context: ServiceContext, params: Params, pathName: string | undefined): Reply => {
  const requested = pathName === undefined ? undefined : requestedType(params, pathName)
  const entries: Array<string> = []
  if (requested !== undefined) {
    const layer = layerOf(context, requested.name, requested.text, "typeNames")
    if (requested.name.changeset) changesetLayer(layer, requested.text)
    entries.push(featureTypeXml(layer, requested.name.changeset))
  } else {
    for (const record of context.store.layers()) {
      const layer = hasData(record) ? context.features.layer(record) : undefined
      if (layer === undefined) continue
      entries.push(featureTypeXml(layer, false))
      if (layer.hasPrimaryKey) entries.push(featureTypeXml(layer, true))
    }
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns="http://www.opengis.net/wfs/2.0" version="2.0.0">
  <ows:ServiceIdentification>
    <ows:Title>Koordinates WFS</ows:Title>
    <ows:ServiceType>WFS</ows:ServiceType>
    <ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>
    <ows:ServiceTypeVersion>1.1.0</ows:ServiceTypeVersion>
    <ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion>
  </ows:ServiceIdentification>
  <ows:OperationsMetadata>
    <ows:Operation name="GetCapabilities"/>
    <ows:Operation name="DescribeFeatureType"/>
    <ows:Operation name="GetFeature">
      <ows:Parameter name="outputFormat">
        <ows:AllowedValues><ows:Value>application/json</ows:Value><ows:Value>json</ows:Value><ows:Value>csv</ows:Value></ows:AllowedValues>
      </ows:Parameter>
    </ows:Operation>
  </ows:OperationsMetadata>
  <FeatureTypeList>
${entries.join("\n")}
  </FeatureTypeList>
</wfs:WFS_Capabilities>
`
  return { status: 200, headers: { "Content-Type": "application/xml; charset=utf-8" }, body: xml }
}

const XSD_TYPES: Readonly<Record<string, string>> = { integer: "xsd:int", double: "xsd:double", string: "xsd:string" }
const GML_TYPES: Readonly<Record<string, string>> = {
  point: "gml:PointPropertyType",
  linestring: "gml:LineStringPropertyType",
  polygon: "gml:PolygonPropertyType"
}

const describeFeatureType = (context: ServiceContext, params: Params, pathName: string | undefined): Reply => {
  const requested = requestedType(params, pathName)
  if (requested === undefined) throw missing("typeNames")
  const layer = layerOf(context, requested.name, requested.text, requested.locator)
  const name = typeNameText(requested.name)
  const elements = [
    ...(requested.name.changeset ? [`<xsd:element name="__change__" type="xsd:string" nillable="false"/>`] : []),
    ...layer.attributes.map((field) =>
      `<xsd:element name="${escapeXml(field.name)}" type="${XSD_TYPES[field.type] ?? "xsd:string"}" nillable="true" minOccurs="0"/>`
    ),
    // the geometry column comes last, as a rule
    ...(layer.geometryKind === null
      ? []
      : [`<xsd:element name="${escapeXml(layer.geometryField)}" type="${GML_TYPES[layer.geometryKind]}" nillable="true" minOccurs="0"/>`])
  ]
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="http://www.opengis.net/gml/3.2" elementFormDefault="qualified">
  <xsd:complexType name="${name}Type">
    <xsd:complexContent>
      <xsd:extension base="gml:AbstractFeatureType">
        <xsd:sequence>
${elements.map((element) => `          ${element}`).join("\n")}
        </xsd:sequence>
      </xsd:extension>
    </xsd:complexContent>
  </xsd:complexType>
  <xsd:element name="${name}" type="${name}Type" substitutionGroup="gml:AbstractFeature"/>
</xsd:schema>
`
  return { status: 200, headers: { "Content-Type": "application/xml; charset=utf-8" }, body: xml }
}

// ---------------------------------------------------------------------------------------
// GetFeature

/** A row of a reply: a feature, with its change for a changeset. */
interface Row {
  readonly feature: FakeFeature
  readonly change?: "INSERT" | "UPDATE" | "DELETE"
}

const nonNegative = (params: Params, name: string, locator: string): number | undefined => {
  const text = params.get(name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text.trim())) throw invalid(`Parameter "${locator}" must be a non-negative integer, got "${text}".`, locator)
  return Number(text)
}

/** The changeset refusal for a layer without a primary key, else the layer. */
const changesetLayer = (layer: FeatureLayer, text: string): FeatureLayer => {
  if (!layer.hasPrimaryKey) {
    throw new ServiceError(
      400,
      `Changesets are not available for "${text}": ${layer.layer.kind === "table" ? "the table" : "the layer"} has no primary key.`,
      "InvalidParameterValue",
      "typeNames"
    )
  }
  return layer
}

/** `from` and `to` of `viewparams=from:…;to:…`, in microseconds since the epoch. */
const changesetSpan = (params: Params): { readonly from: number; readonly to: number } => {
  const text = params.get("viewparams")
  if (text === undefined) throw missing("viewparams")
  const values = new Map<string, string>()
  for (const pair of text.split(";")) {
    if (pair.trim() === "") continue
    const colon = pair.indexOf(":")
    if (colon < 0) throw invalid(`viewparams entry "${pair}" is not name:value.`, "viewparams")
    values.set(pair.slice(0, colon).trim().toLowerCase(), pair.slice(colon + 1).trim())
  }
  const read = (name: string): number => {
    const value = values.get(name)
    if (value === undefined) throw invalid(`viewparams needs "${name}:TIMESTAMP" (from:…;to:…).`, "viewparams")
    const micros = parseMicros(value)
    if (micros === undefined) {
      throw invalid(`viewparams ${name} "${value}" is not a timestamp (YYYY-MM-DD[Thh:mm:ss[.ffffff]][Z]).`, "viewparams")
    }
    return micros
  }
  const from = read("from")
  const to = read("to")
  if (from > to) throw invalid("viewparams from must not be after to.", "viewparams")
  return { from, to }
}

/** The index of the newest revision published at or before `at` (-1 when none). */
const revisionAt = (layer: FeatureLayer, at: number): number => {
  let index = -1
  layer.revisions.forEach((revision, position) => {
    if (revision.at <= at) index = position
  })
  return index
}

/** The rows of a changeset from state `a` to state `b`, in key order. */
function* changeRows(layer: FeatureLayer, a: DataState, b: DataState): Generator<Row> {
  if (b.revision <= a.revision) return
  const candidates = new Set<number>()
  if (a.revision < 0) {
    for (let key = 1; key <= b.maxKey; key++) candidates.add(key)
  } else {
    for (const [key, variant] of b.variants) if (variant > a.revision) candidates.add(key)
    for (const key of b.deleted) if (!a.deletedSet.has(key)) candidates.add(key)
    for (let key = a.maxKey + 1; key <= b.maxKey; key++) candidates.add(key)
  }
  for (const key of [...candidates].sort((x, y) => x - y)) {
    const before = aliveAt(a, key)
    const after = aliveAt(b, key)
    if (after && !before) yield { feature: featureOf(layer, key, variantAt(b, key)), change: "INSERT" }
    else if (before && !after) yield { feature: featureOf(layer, key, variantAt(a, key)), change: "DELETE" }
    else if (before && after && variantAt(a, key) !== variantAt(b, key)) {
      yield { feature: featureOf(layer, key, variantAt(b, key)), change: "UPDATE" }
    }
  }
}

/** The output CRS: `srsName`, default EPSG:4326. */
const outputCrs = (params: Params): number => {
  const text = params.get("srsname")
  if (text === undefined) return 4326
  const crs = parseCrs(text)
  if (crs === undefined || !SUPPORTED_CRS.includes(crs.epsg)) {
    throw invalid(`srsName "${text}" is not supported: use EPSG:4326, EPSG:3857 or EPSG:2193.`, "srsName")
  }
  return crs.epsg
}

/** The `bbox` filter as a WGS84 polygon. */
const bboxFilter = (text: string): Geometry => {
  const parts = text.split(",").map((part) => part.trim())
  if (parts.length !== 4 && parts.length !== 5) throw invalid("bbox must be minx,miny,maxx,maxy[,CRS].", "bbox")
  const numbers = parts.slice(0, 4).map(Number)
  if (numbers.some((value) => !Number.isFinite(value))) throw invalid("bbox must be minx,miny,maxx,maxy[,CRS].", "bbox")
  const crs = parts[4] === undefined ? { epsg: 4326, registryAxes: false } : parseCrs(parts[4])
  if (crs === undefined || !SUPPORTED_CRS.includes(crs.epsg)) {
    throw invalid(`bbox CRS "${parts[4]}" is not supported: use EPSG:4326, EPSG:3857 or EPSG:2193.`, "bbox")
  }
  const [a, b, c, d] = numbers as [number, number, number, number]
  const [minX, minY, maxX, maxY] = crs.registryAxes && swapsAxes(crs.epsg) ? [b, a, d, c] : [a, b, c, d]
  if (minX > maxX || minY > maxY) throw invalid("bbox minimum corner is above its maximum corner.", "bbox")
  return mapGeometry(boxPolygon([minX, minY, maxX, maxY]), (position) => unproject(crs.epsg, position))
}

/** The filter of a request (`bbox` or `cql_filter`, not both), on rows; undefined for none. */
const rowFilter = (params: Params, layer: FeatureLayer, changeset: boolean): ((row: Row) => boolean) | undefined => {
  const bbox = params.get("bbox")
  const cql = params.get("cql_filter")
  const xml = params.get("filter")
  if ([bbox, cql, xml].filter((value) => value !== undefined).length > 1) {
    throw invalid("bbox, cql_filter and filter are mutually exclusive.", bbox === undefined ? "filter" : "bbox")
  }
  if (bbox !== undefined) {
    if (layer.geometryKind === null) throw invalid("bbox needs a layer with geometry.", "bbox")
    const box = bboxFilter(bbox)
    return (row) => row.feature.geometry !== null && intersects(row.feature.geometry, box)
  }
  if (cql === undefined && xml === undefined) return undefined
  let predicate: Predicate
  try {
    const attributes = layer.attributes.map((field) => field.name)
    const source = cql ?? ogcFilterToCql(xml as string)
    predicate = compileCql(source, {
      attributes: changeset ? ["__change__", ...attributes] : attributes,
      geometry: layer.geometryField
    })
  } catch (error) {
    if (error instanceof CqlError) {
      throw invalid(`Invalid ${cql === undefined ? "filter" : "cql_filter"}: ${error.message}`, cql === undefined ? "filter" : "cql_filter")
    }
    throw error
  }
  return (row) =>
    predicate(row.change === undefined ? row.feature : {
      geometry: row.feature.geometry,
      properties: { __change__: row.change, ...row.feature.properties }
    })
}

/** `sortBy=field [A|D|ASC|DESC], …` as a comparison of rows. */
const rowOrder = (params: Params, layer: FeatureLayer): ((a: Row, b: Row) => number) | undefined => {
  const text = params.get("sortby")
  if (text === undefined) return undefined
  const keys = text.split(",").map((part) => {
    const [name = "", direction = "ASC"] = part.trim().split(/\s+/)
    if (!layer.attributes.some((field) => field.name === name)) throw invalid(`Cannot sort by unknown attribute "${name}".`, "sortBy")
    if (!/^(A|D|ASC|DESC)$/i.test(direction)) throw invalid(`Sort direction "${direction}" is not ASC or DESC.`, "sortBy")
    return { name, sign: /^D/i.test(direction) ? -1 : 1 }
  })
  return (a, b) => {
    for (const { name, sign } of keys) {
      const x = a.feature.properties[name] ?? null
      const y = b.feature.properties[name] ?? null
      if (x === y) continue
      if (x === null) return sign
      if (y === null) return -sign
      return (x < y ? -1 : 1) * sign
    }
    return a.feature.key - b.feature.key
  }
}

/** The `propertyName` list: which attributes, and whether the geometry, a reply carries. */
const selection = (params: Params, layer: FeatureLayer, changeset: boolean) => {
  const text = params.get("propertyname")
  const all = layer.attributes.map((field) => field.name)
  if (text === undefined) return { attributes: all, geometry: true }
  const names = text.replace(/^\(|\)$/g, "").split(",").map((name) => name.trim()).filter((name) => name !== "")
  for (const name of names) {
    if (name !== layer.geometryField && !all.includes(name) && !(changeset && name === "__change__")) {
      throw invalid(`Unknown property "${name}" (names are case-sensitive).`, "propertyName")
    }
  }
  return { attributes: all.filter((name) => names.includes(name)), geometry: names.includes(layer.geometryField) }
}

const outputFormat = (params: Params): "json" | "csv" => {
  const text = (params.get("outputformat") ?? "").trim().toLowerCase()
  if (text === "json" || text === "geojson" || text.startsWith("application/json")) return "json"
  if (text === "csv" || text === "text/csv") return "csv"
  throw invalid(
    text === ""
      ? "Give outputFormat=json (GeoJSON) or csv: GML is not served here."
      : `outputFormat "${params.get("outputformat")}" is not served here: use json (GeoJSON) or csv.`,
    "outputFormat"
  )
}

const wkt = (geometry: Geometry): string => {
  const pair = ([x, y]: readonly [number, number]) => `${x} ${y}`
  switch (geometry.type) {
    case "Point":
      return `POINT (${pair(geometry.coordinates)})`
    case "LineString":
      return `LINESTRING (${geometry.coordinates.map(pair).join(", ")})`
    case "Polygon":
      return `POLYGON (${geometry.coordinates.map((ring) => `(${ring.map(pair).join(", ")})`).join(", ")})`
  }
}

const csvCell = (value: string | number | null): string => {
  if (value === null) return ""
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text
}

/** Answers GetFeature: rows (paged, filtered, sorted) streamed as GeoJSON or CSV. */
const getFeature = (context: ServiceContext, params: Params, pathName: string | undefined): Reply => {
  const requested = requestedType(params, pathName)
  if (requested === undefined) throw missing("typeNames")
  const layer = layerOf(context, requested.name, requested.text, requested.locator)
  const changeset = requested.name.changeset
  if (changeset) changesetLayer(layer, requested.text)
  const format = outputFormat(params)
  const epsg = outputCrs(params)
  const count = nonNegative(params, "count", "count") ?? nonNegative(params, "maxfeatures", "maxFeatures")
  const start = nonNegative(params, "startindex", "startIndex") ?? 0
  const filter = rowFilter(params, layer, changeset)
  const order = rowOrder(params, layer)
  const chosen = selection(params, layer, changeset)
  const hits = (params.get("resulttype") ?? "").toLowerCase() === "hits"

  let matched: () => number
  let page: Iterable<Row>
  if (changeset) {
    const { from, to } = changesetSpan(params)
    const a = context.features.state(layer.layer, revisionAt(layer, from))
    const b = context.features.state(layer.layer, revisionAt(layer, to))
    const rows = [...changeRows(layer, a, b)].filter((row) => filter === undefined || filter(row))
    if (order !== undefined) rows.sort(order)
    matched = () => rows.length
    page = rows.slice(start, count === undefined ? undefined : start + count)
  } else {
    const state = context.features.current(layer.layer)
    if (filter === undefined && order === undefined) {
      matched = () => state.size
      page = limited(mapRows(featuresAt(layer, state, start)), count)
    } else if (order === undefined) {
      const counter = { matched: 0 }
      matched = () => counter.matched
      page = filteredPage(layer, state, filter as (row: Row) => boolean, start, count, counter)
    } else {
      const rows = [...mapRows(featuresAt(layer, state))].filter((row) => filter === undefined || filter(row))
      rows.sort(order)
      matched = () => rows.length
      page = rows.slice(start, count === undefined ? undefined : start + count)
    }
  }
  if (hits) page = []

  const typeName = typeNameText(requested.name)
  const round = roundFor(epsg)
  const output = (geometry: Geometry | null): Geometry | null =>
    geometry === null || !chosen.geometry
      ? null
      : mapGeometry(geometry, (position) => {
        const [x, y] = project(epsg, position)
        return [round(x), round(y)]
      })
  const properties = (row: Row) => {
    const values: Record<string, unknown> = row.change === undefined ? {} : { __change__: row.change }
    for (const name of chosen.attributes) values[name] = row.feature.properties[name] ?? null
    return values
  }
  if (format === "csv") {
    const header = [
      "FID",
      ...(changeset ? ["__change__"] : []),
      ...chosen.attributes,
      ...(chosen.geometry && layer.geometryKind !== null ? [layer.geometryField] : [])
    ]
    async function* csv(): AsyncGenerator<string> {
      yield `${header.map(csvCell).join(",")}\n`
      let batch = ""
      for (const row of page) {
        const geometry = output(row.feature.geometry)
        const cells = [
          `${typeName}.${row.feature.key}`,
          ...(changeset ? [row.change ?? ""] : []),
          ...chosen.attributes.map((name) => row.feature.properties[name] ?? null),
          ...(chosen.geometry && layer.geometryKind !== null ? [geometry === null ? "" : wkt(geometry)] : [])
        ]
        batch += `${cells.map(csvCell).join(",")}\n`
        if (batch.length > 64_000) {
          yield batch
          batch = ""
        }
      }
      if (batch !== "") yield batch
    }
    return { status: 200, headers: { "Content-Type": "text/csv; charset=utf-8" }, stream: csv() }
  }
  const crsName = `urn:ogc:def:crs:EPSG::${epsg}`
  async function* json(): AsyncGenerator<string> {
    yield "{\"type\":\"FeatureCollection\",\"features\":["
    let returned = 0
    let batch = ""
    for (const row of page) {
      const feature = {
        type: "Feature",
        id: `${typeName}.${row.feature.key}`,
        geometry: output(row.feature.geometry),
        ...(layer.geometryKind === null ? {} : { geometry_name: layer.geometryField }),
        properties: properties(row)
      }
      batch += `${returned === 0 ? "" : ","}${JSON.stringify(feature)}`
      returned++
      if (batch.length > 64_000) {
        yield batch
        batch = ""
      }
    }
    const total = matched()
    yield `${batch}],"totalFeatures":${total},"numberMatched":${total},"numberReturned":${returned},` +
      `"timeStamp":${JSON.stringify(formatMicros(context.store.clock.now() * 1000).slice(0, 23) + "Z")},` +
      `"crs":{"type":"name","properties":{"name":"${crsName}"}}}`
  }
  return { status: 200, headers: { "Content-Type": "application/json;charset=UTF-8" }, stream: json() }
}

function* mapRows(features: Iterable<FakeFeature>): Generator<Row> {
  for (const feature of features) yield { feature }
}

function* limited<T>(items: Iterable<T>, count: number | undefined): Generator<T> {
  if (count === 0) return
  let taken = 0
  for (const item of items) {
    yield item
    if (count !== undefined && ++taken >= count) return
  }
}

/** The page of filtered rows; counts every match into `counter` as the iteration goes (to the end). */
function* filteredPage(
  layer: FeatureLayer,
  state: DataState,
  filter: (row: Row) => boolean,
  start: number,
  count: number | undefined,
  counter: { matched: number }
): Generator<Row> {
  for (const feature of featuresAt(layer, state)) {
    const row = { feature }
    if (!filter(row)) continue
    const index = counter.matched++
    if (index >= start && (count === undefined || index < start + count)) yield row
  }
}
