/**
 * XYZ tiles and WMTS capabilities. A tile is a 256 × 256 PNG: the layer's colour, half
 * transparent, where the tile meets the layer's extent, else fully transparent; a zoom
 * outside 0–22 or a column or row outside the zoom's grid is 404. The capabilities list
 * the layer (or every published layer) with the tile URL template, the key in its path.
 */
import { deflateSync } from "node:zlib"
import type { ServiceContext } from "./DataServices.ts"
import { ServiceError } from "./DataServices.ts"
import { hasData } from "./Features.ts"
import { boxesMeet, boxOf, type Geometry } from "./Geometry.ts"
import type { Reply } from "./Http.ts"
import type { LayerRecord } from "./Model.ts"
import { escapeXml } from "./Xml.ts"

/**
 * A tile request.
 *
 * @since 0.2.0
 */
export interface TileRequest {
  readonly layer: number
  readonly style: string | undefined
  readonly z: number
  readonly x: number
  readonly y: number
}

/**
 * Deepest zoom served.
 *
 * @since 0.2.0
 */
export const MAX_ZOOM = 22

/**
 * The tile a path under `/services` asks for (`/tiles/v4/layer=ID[,style=S]/EPSG:3857/z/x/y.png`); undefined for another path.
 *
 * @since 0.2.0
 */
export const matchTile = (path: string): TileRequest | undefined => {
  const match = /^\/tiles\/v4\/layer=(\d+)(?:,style=([^/]+))?\/EPSG:3857\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(path)
  if (match === null) return undefined
  const [, layer, style, z, x, y] = match
  return { layer: Number(layer), style, z: Number(z), x: Number(x), y: Number(y) }
}

/**
 * Which capabilities a path asks for: one layer's, or the site's (null); undefined for another path.
 *
 * @since 0.2.0
 */
export const matchCapabilities = (path: string): { readonly layer: number | null } | undefined => {
  if (/^\/wmts\/1\.0\.0\/WMTSCapabilities\.xml$/.test(path)) return { layer: null }
  const match = /^\/wmts\/1\.0\.0\/layer\/(\d+)\/WMTSCapabilities\.xml$/.exec(path)
  return match === null ? undefined : { layer: Number(match[1]) }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const chunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, "latin1"), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

const pngCache = new Map<string, Buffer>()

/**
 * A 256 × 256 RGBA PNG of one colour.
 *
 * @since 0.2.0
 */
export const solidPng = (r: number, g: number, b: number, a: number): Buffer => {
  const cacheKey = `${r},${g},${b},${a}`
  const cached = pngCache.get(cacheKey)
  if (cached !== undefined) return cached
  const size = 256
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const row = Buffer.alloc(1 + size * 4)
  for (let x = 0; x < size; x++) row.set([r, g, b, a], 1 + x * 4)
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0))
  ])
  pngCache.set(cacheKey, png)
  return png
}

/**
 * The WGS84 box of tile x/y at zoom z: west, south, east, north.
 *
 * @since 0.2.0
 */
export const tileBox = (z: number, x: number, y: number): readonly [number, number, number, number] => {
  const n = 2 ** z
  const lon = (column: number) => (column / n) * 360 - 180
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) * 180) / Math.PI
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)]
}

/** A published, non-table layer, else a 404 in the service's form. */
const tiledLayer = (context: ServiceContext, id: number): LayerRecord => {
  const layer = context.store.getLayer(id)
  if (layer === undefined || layer.kind === "table" || !hasData(layer)) {
    throw new ServiceError(404, `Layer ${id} does not exist.`, "InvalidParameterValue", "layer")
  }
  return layer
}

/**
 * Answers a tile request.
 *
 * @since 0.2.0
 */
export const tile = (context: ServiceContext, request: TileRequest): Reply => {
  const layer = tiledLayer(context, request.layer)
  const side = 2 ** request.z
  if (request.z > MAX_ZOOM || request.x >= side || request.y >= side) {
    throw new ServiceError(404, `No tile ${request.z}/${request.x}/${request.y}: zoom 0–${MAX_ZOOM}, column and row below 2^zoom.`)
  }
  const meets = layer.extent === null ||
    boxesMeet(boxOf(layer.extent as Geometry), tileBox(request.z, request.x, request.y))
  const hue = (layer.id * 2654435761) >>> 0
  const png = meets ? solidPng(hue & 0xff, (hue >>> 8) & 0xff, (hue >>> 16) & 0xff, 128) : solidPng(0, 0, 0, 0)
  return {
    status: 200,
    headers: { "Content-Type": "image/png", "Cache-Control": "max-age=3600" },
    body: new Uint8Array(png)
  }
}

const tileMatrixSet = (): string => {
  const matrices = Array.from({ length: MAX_ZOOM + 1 }, (_, z) => {
    const scale = 559082264.0287178 / 2 ** z
    return `      <TileMatrix>
        <ows:Identifier>${z}</ows:Identifier>
        <ScaleDenominator>${scale}</ScaleDenominator>
        <TopLeftCorner>-20037508.3427892 20037508.3427892</TopLeftCorner>
        <TileWidth>256</TileWidth>
        <TileHeight>256</TileHeight>
        <MatrixWidth>${2 ** z}</MatrixWidth>
        <MatrixHeight>${2 ** z}</MatrixHeight>
      </TileMatrix>`
  })
  return `    <TileMatrixSet>
      <ows:Identifier>EPSG:3857</ows:Identifier>
      <ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>
${matrices.join("\n")}
    </TileMatrixSet>`
}

const layerEntry = (context: ServiceContext, layer: LayerRecord): string => {
  const box = layer.extent === null ? [-180, -90, 180, 90] : boxOf(layer.extent as Geometry)
  const template = `${context.url.origin}/services;key=${encodeURIComponent(context.caller.key)}/tiles/v4/layer=${layer.id}/EPSG:3857/{TileMatrix}/{TileCol}/{TileRow}.png`
  return `    <Layer>
      <ows:Title>${escapeXml(layer.name)}</ows:Title>
      <ows:WGS84BoundingBox>
        <ows:LowerCorner>${box[0]} ${box[1]}</ows:LowerCorner>
        <ows:UpperCorner>${box[2]} ${box[3]}</ows:UpperCorner>
      </ows:WGS84BoundingBox>
      <ows:Identifier>layer-${layer.id}</ows:Identifier>
      <Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style>
      <Format>image/png</Format>
      <TileMatrixSetLink><TileMatrixSet>EPSG:3857</TileMatrixSet></TileMatrixSetLink>
      <ResourceURL format="image/png" resourceType="tile" template="${escapeXml(template)}"/>
    </Layer>`
}

/**
 * Answers a WMTS GetCapabilities request (one layer, or every published non-table layer).
 *
 * @since 0.2.0
 */
export const capabilities = (context: ServiceContext, request: { readonly layer: number | null }): Reply => {
  const layers = request.layer === null
    ? context.store.layers().filter((layer) => layer.kind !== "table" && hasData(layer))
    : [tiledLayer(context, request.layer)]
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0">
  <ows:ServiceIdentification>
    <ows:Title>Koordinates WMTS</ows:Title>
    <ows:ServiceType>OGC WMTS</ows:ServiceType>
    <ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion>
  </ows:ServiceIdentification>
  <Contents>
${layers.map((layer) => layerEntry(context, layer)).join("\n")}
${tileMatrixSet()}
  </Contents>
</Capabilities>
`
  return { status: 200, headers: { "Content-Type": "application/xml; charset=utf-8" }, body: xml }
}
