/**
 * Plane and spherical geometry for the data services: GeoJSON geometries in `[longitude,
 * latitude]`, great-circle (haversine) distances in metres, the distance from a point to a
 * line or polygon, bounding boxes, intersection tests of simple geometries, and the
 * projections the services answer in (EPSG:4326, Web Mercator EPSG:3857, NZTM2000 EPSG:2193).
 */

/**
 * A position: `[x, y]` (in EPSG:4326 `[longitude, latitude]`).
 *
 * @since 0.2.0
 */
export type Position = readonly [number, number]

/**
 * The GeoJSON geometries features have.
 *
 * @since 0.2.0
 */
export type Geometry =
  | { readonly type: "Point"; readonly coordinates: Position }
  | { readonly type: "LineString"; readonly coordinates: ReadonlyArray<Position> }
  | { readonly type: "Polygon"; readonly coordinates: ReadonlyArray<ReadonlyArray<Position>> }

/**
 * A box: west, south, east, north.
 *
 * @since 0.2.0
 */
export type Box = readonly [minX: number, minY: number, maxX: number, maxY: number]

/**
 * Mean earth radius (IUGG), metres: the sphere distances are measured on.
 *
 * @since 0.2.0
 */
export const EARTH_RADIUS = 6_371_008.8

const radians = (degrees: number): number => (degrees * Math.PI) / 180

/**
 * Great-circle distance in metres between two `[longitude, latitude]` positions (haversine).
 *
 * @since 0.2.0
 */
export const haversine = (a: Position, b: Position): number => {
  const dLat = radians(b[1] - a[1])
  const dLon = radians(b[0] - a[0])
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a[1])) * Math.cos(radians(b[1])) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Every position of a geometry.
 *
 * @since 0.2.0
 */
export const positionsOf = (geometry: Geometry): ReadonlyArray<Position> => {
  switch (geometry.type) {
    case "Point":
      return [geometry.coordinates]
    case "LineString":
      return geometry.coordinates
    case "Polygon":
      return geometry.coordinates.flat()
  }
}

/**
 * The bounding box of a geometry.
 *
 * @since 0.2.0
 */
export const boxOf = (geometry: Geometry): Box => {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const [x, y] of positionsOf(geometry)) {
    if (x < minX) minX = x
    if (y < minY) minY = y
    if (x > maxX) maxX = x
    if (y > maxY) maxY = y
  }
  return [minX, minY, maxX, maxY]
}

/**
 * True when two boxes share at least one point.
 *
 * @since 0.2.0
 */
export const boxesMeet = (a: Box, b: Box): boolean => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/**
 * A box as a closed polygon.
 *
 * @since 0.2.0
 */
export const boxPolygon = ([w, s, e, n]: Box): Geometry => ({
  type: "Polygon",
  coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]]
})

/** True when `point` lies inside the ring (even-odd rule). */
const inRing = (point: Position, ring: ReadonlyArray<Position>): boolean => {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position
    const [xj, yj] = ring[j] as Position
    if ((yi > point[1]) !== (yj > point[1]) && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) {
      inside = !inside
    }
  }
  return inside
}

/**
 * True when `point` lies inside the polygon (outer ring, outside its holes).
 *
 * @since 0.2.0
 */
export const inPolygon = (point: Position, rings: ReadonlyArray<ReadonlyArray<Position>>): boolean => {
  const [outer, ...holes] = rings
  return outer !== undefined && inRing(point, outer) && !holes.some((hole) => inRing(point, hole))
}

/** The segments of a geometry (a point has none). */
const segmentsOf = (geometry: Geometry): Array<readonly [Position, Position]> => {
  const lines = geometry.type === "Point" ? [] : geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates
  const segments: Array<readonly [Position, Position]> = []
  for (const line of lines) {
    for (let index = 1; index < line.length; index++) segments.push([line[index - 1] as Position, line[index] as Position])
  }
  return segments
}

/**
 * The point of segment `a`–`b` nearest to `p`, found in a local equirectangular plane
 * around `p` (exact enough for features kilometres across).
 */
const nearestOnSegment = (p: Position, a: Position, b: Position): Position => {
  const k = Math.cos(radians(p[1]))
  const ax = (a[0] - p[0]) * k
  const ay = a[1] - p[1]
  const bx = (b[0] - p[0]) * k
  const by = b[1] - p[1]
  const dx = bx - ax
  const dy = by - ay
  const length = dx * dx + dy * dy
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length))
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/**
 * Distance in metres from a `[longitude, latitude]` point to a geometry: 0 inside a
 * polygon, else the haversine distance to its nearest point.
 *
 * @since 0.2.0
 */
export const distanceTo = (point: Position, geometry: Geometry): number => {
  if (geometry.type === "Point") return haversine(point, geometry.coordinates)
  if (geometry.type === "Polygon" && inPolygon(point, geometry.coordinates)) return 0
  let best = Infinity
  for (const [a, b] of segmentsOf(geometry)) best = Math.min(best, haversine(point, nearestOnSegment(point, a, b)))
  return best
}

const cross = (o: Position, a: Position, b: Position): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

const onSegment = (p: Position, a: Position, b: Position): boolean =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1])

/** True when two segments share a point. */
const segmentsMeet = ([a, b]: readonly [Position, Position], [c, d]: readonly [Position, Position]): boolean => {
  const d1 = cross(c, d, a)
  const d2 = cross(c, d, b)
  const d3 = cross(a, b, c)
  const d4 = cross(a, b, d)
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true
  return (d1 === 0 && onSegment(a, c, d)) || (d2 === 0 && onSegment(b, c, d)) ||
    (d3 === 0 && onSegment(c, a, b)) || (d4 === 0 && onSegment(d, a, b))
}

/** True when `point` is a point of `geometry` (inside or on the boundary of a polygon). */
const covers = (geometry: Geometry, point: Position): boolean => {
  if (geometry.type === "Point") return geometry.coordinates[0] === point[0] && geometry.coordinates[1] === point[1]
  if (geometry.type === "Polygon" && inPolygon(point, geometry.coordinates)) return true
  return segmentsOf(geometry).some(([a, b]) => cross(a, b, point) === 0 && onSegment(point, a, b))
}

/**
 * True when two geometries (in the same plane coordinates) share at least one point.
 *
 * @since 0.2.0
 */
export const intersects = (a: Geometry, b: Geometry): boolean => {
  if (!boxesMeet(boxOf(a), boxOf(b))) return false
  if (a.type === "Point") return covers(b, a.coordinates)
  if (b.type === "Point") return covers(a, b.coordinates)
  const sa = segmentsOf(a)
  const sb = segmentsOf(b)
  for (const one of sa) for (const other of sb) if (segmentsMeet(one, other)) return true
  // no boundaries cross: one lies wholly inside the other, or they are apart
  const first = (geometry: Geometry) => positionsOf(geometry)[0] as Position
  return (b.type === "Polygon" && covers(b, first(a))) || (a.type === "Polygon" && covers(a, first(b)))
}

/**
 * True when `inner` lies wholly within polygon or box geometry `outer` (every vertex covered, no crossing).
 *
 * @since 0.2.0
 */
export const within = (inner: Geometry, outer: Geometry): boolean =>
  positionsOf(inner).every((position) => covers(outer, position))

// ---------------------------------------------------------------------------------------
// Projections

/**
 * The coordinate systems the services answer in, by EPSG code.
 *
 * @since 0.2.0
 */
export const SUPPORTED_CRS: ReadonlyArray<number> = [4326, 3857, 2193]

const mercatorRadius = 6_378_137

/** WGS84 `[longitude, latitude]` → Web Mercator `[x, y]` metres. */
const toMercator = ([lon, lat]: Position): Position => [
  mercatorRadius * radians(lon),
  mercatorRadius * Math.log(Math.tan(Math.PI / 4 + radians(Math.max(-85.05112878, Math.min(85.05112878, lat))) / 2))
]

/** Web Mercator `[x, y]` metres → WGS84 `[longitude, latitude]`. */
const fromMercator = ([x, y]: Position): Position => [
  (x / mercatorRadius) * (180 / Math.PI),
  (2 * Math.atan(Math.exp(y / mercatorRadius)) - Math.PI / 2) * (180 / Math.PI)
]

// NZTM2000: transverse Mercator on GRS80, central meridian 173°E, scale 0.9996, false
// easting 1,600,000 m, false northing 10,000,000 m. Krüger's series to n^4 (sub-millimetre).
const tmA = 6_378_137
const tmF = 1 / 298.257222101
const tmN = tmF / (2 - tmF)
const tmRect = (tmA / (1 + tmN)) * (1 + tmN ** 2 / 4 + tmN ** 4 / 64)
const alpha = [
  tmN / 2 - (2 / 3) * tmN ** 2 + (5 / 16) * tmN ** 3 + (41 / 180) * tmN ** 4,
  (13 / 48) * tmN ** 2 - (3 / 5) * tmN ** 3 + (557 / 1440) * tmN ** 4,
  (61 / 240) * tmN ** 3 - (103 / 140) * tmN ** 4,
  (49561 / 161280) * tmN ** 4
]
const beta = [
  tmN / 2 - (2 / 3) * tmN ** 2 + (37 / 96) * tmN ** 3 - (1 / 360) * tmN ** 4,
  (1 / 48) * tmN ** 2 + (1 / 15) * tmN ** 3 - (437 / 1440) * tmN ** 4,
  (17 / 480) * tmN ** 3 - (37 / 840) * tmN ** 4,
  (4397 / 161280) * tmN ** 4
]
const tmE = Math.sqrt(tmF * (2 - tmF))
const nztm = { lon0: 173, k0: 0.9996, e0: 1_600_000, n0: 10_000_000 }

/** WGS84 (≈ NZGD2000) `[longitude, latitude]` → NZTM2000 `[easting, northing]`. */
const toNztm = ([lon, lat]: Position): Position => {
  const phi = radians(lat)
  const lambda = radians(lon - nztm.lon0)
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - tmE * Math.atanh(tmE * Math.sin(phi)))
  const xiP = Math.atan2(t, Math.cos(lambda))
  const etaP = Math.atanh(Math.sin(lambda) / Math.sqrt(1 + t * t))
  let xi = xiP
  let eta = etaP
  alpha.forEach((a, index) => {
    const j = 2 * (index + 1)
    xi += a * Math.sin(j * xiP) * Math.cosh(j * etaP)
    eta += a * Math.cos(j * xiP) * Math.sinh(j * etaP)
  })
  return [nztm.e0 + nztm.k0 * tmRect * eta, nztm.n0 + nztm.k0 * tmRect * xi]
}

/** NZTM2000 `[easting, northing]` → WGS84 `[longitude, latitude]`. */
const fromNztm = ([easting, northing]: Position): Position => {
  const xi = (northing - nztm.n0) / (nztm.k0 * tmRect)
  const eta = (easting - nztm.e0) / (nztm.k0 * tmRect)
  let xiP = xi
  let etaP = eta
  beta.forEach((b, index) => {
    const j = 2 * (index + 1)
    xiP -= b * Math.sin(j * xi) * Math.cosh(j * eta)
    etaP -= b * Math.cos(j * xi) * Math.sinh(j * eta)
  })
  const chi = Math.asin(Math.sin(xiP) / Math.cosh(etaP))
  let phi = chi
  for (let step = 0; step < 8; step++) {
    const s = Math.sin(phi)
    phi = 2 * Math.atan(
      Math.tan(Math.PI / 4 + chi / 2) * ((1 + tmE * s) / (1 - tmE * s)) ** (tmE / 2)
    ) - Math.PI / 2
  }
  const lambda = Math.atan2(Math.sinh(etaP), Math.cos(xiP))
  return [nztm.lon0 + (lambda * 180) / Math.PI, (phi * 180) / Math.PI]
}

/**
 * Projects a WGS84 position into the CRS with this EPSG code (one of {@link SUPPORTED_CRS}).
 *
 * @since 0.2.0
 */
export const project = (epsg: number, position: Position): Position =>
  epsg === 3857 ? toMercator(position) : epsg === 2193 ? toNztm(position) : position

/**
 * Brings a position in the CRS with this EPSG code back to WGS84.
 *
 * @since 0.2.0
 */
export const unproject = (epsg: number, position: Position): Position =>
  epsg === 3857 ? fromMercator(position) : epsg === 2193 ? fromNztm(position) : position

/**
 * A geometry with every position mapped by `f`.
 *
 * @since 0.2.0
 */
export const mapGeometry = (geometry: Geometry, f: (position: Position) => Position): Geometry => {
  switch (geometry.type) {
    case "Point":
      return { type: "Point", coordinates: f(geometry.coordinates) }
    case "LineString":
      return { type: "LineString", coordinates: geometry.coordinates.map(f) }
    case "Polygon":
      return { type: "Polygon", coordinates: geometry.coordinates.map((ring) => ring.map(f)) }
  }
}

/**
 * The EPSG code a CRS name stands for (`EPSG:2193`, `urn:ogc:def:crs:EPSG::2193`,
 * `http://www.opengis.net/def/crs/EPSG/0/2193`, `…/gml/srs/epsg.xml#2193`, `CRS:84`), and
 * whether it is an EPSG-registry axis-order form (the URN and URI forms: latitude first in
 * EPSG:4326, northing first in EPSG:2193); undefined when it is none of these. NZGD2000
 * (EPSG:4167) is read as EPSG:4326.
 *
 * @since 0.2.0
 */
export const parseCrs = (name: string): { readonly epsg: number; readonly registryAxes: boolean } | undefined => {
  const found = crsOf(name.trim())
  // NZGD2000 geographic (4167) coincides with WGS84 to well under a metre
  return found?.epsg === 4167 ? { ...found, epsg: 4326 } : found
}

const crsOf = (text: string): { readonly epsg: number; readonly registryAxes: boolean } | undefined => {
  if (/^CRS:84$/i.test(text)) return { epsg: 4326, registryAxes: false }
  const short = /^EPSG:(\d+)$/i.exec(text)
  if (short) return { epsg: Number(short[1]), registryAxes: false }
  const urn = /^urn:(?:x-)?ogc:def:crs:EPSG:[\d.]*:(\d+)$/i.exec(text) ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[^/]+\/(\d+)$/i.exec(text)
  if (urn) return { epsg: Number(urn[1]), registryAxes: true }
  const xml = /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i.exec(text)
  if (xml) return { epsg: Number(xml[1]), registryAxes: false }
  return undefined
}

/**
 * True when the registry axis order of this EPSG code puts the second plane coordinate first.
 *
 * @since 0.2.0
 */
export const swapsAxes = (epsg: number): boolean => epsg === 4326 || epsg === 2193

/**
 * Rounds a coordinate to a fixed number of decimals (7 for degrees, 3 for metres).
 *
 * @since 0.2.0
 */
export const roundFor = (epsg: number) => (value: number): number => {
  const factor = epsg === 4326 ? 1e7 : 1e3
  return Math.round(value * factor) / factor
}
