/**
 * Tests of FakeKoordinates' WFS over real HTTP: GetFeature as GeoJSON (and CSV), paging that
 * covers every feature exactly once, bbox and CQL filters checked against the features
 * themselves, srsName reprojection, propertyName, sortBy, the URL forms of the key, and
 * errors as OGC exception reports.
 */
import { describe, expect, it } from "vitest"
import type { FakeFeature, LayerRecord } from "../packages/testing/src/server/index.ts"
import { rectangle } from "../packages/testing/src/server/Generate.ts"
import { getData } from "./support/data.ts"
import { useServer } from "./support/raw.ts"

const WFS = "/services;key=test-token/wfs"

/** A GetFeature on the path-key form; `extra` overrides. */
const getFeature = (server: Parameters<typeof getData>[0], typeName: string, extra: ReadonlyArray<readonly [string, string]> = []) =>
  getData(server, WFS, [
    ["service", "WFS"], ["version", "2.0.0"], ["request", "GetFeature"], ["typeNames", typeName], ["outputFormat", "json"],
    ...extra
  ], { key: null })

/** Every position of a geometry, flat. */
const positions = (geometry: any): Array<[number, number]> =>
  geometry.type === "Point" ? [geometry.coordinates] : geometry.type === "LineString" ? geometry.coordinates : geometry.coordinates.flat()

describe("WFS GetFeature", () => {
  const server = useServer({
    catalogSize: 0,
    tokens: { "test-token": ["query", "wxs:wfs", "tiles"], "no-wfs": ["query"] }
  })
  let layer: LayerRecord
  let lines: LayerRecord
  let all: Array<FakeFeature>
  const setUp = () => {
    layer ??= server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1), features: 123, geometryType: "point", primaryKey: true })
    lines ??= server.store.addLayer({ extent: rectangle(174.6, -41.4, 174.9, -41.1), features: 60, geometryType: "linestring" })
    all ??= [...server.store.features(layer.id)]
  }

  it("pages through every feature exactly once, with numberMatched and numberReturned", async () => {
    setUp()
    const seen: Array<string> = []
    for (let start = 0, pages = 0; pages < 50; pages++, start += 10) {
      const { status, type, json } = await getFeature(server, `layer-${layer.id}`, [["count", "10"], ["startIndex", String(start)]])
      expect(status).toBe(200)
      expect(type).toContain("application/json")
      expect(json.type).toBe("FeatureCollection")
      expect(json.numberMatched).toBe(123)
      expect(json.totalFeatures).toBe(123)
      expect(json.numberReturned).toBe(json.features.length)
      seen.push(...json.features.map((feature: any) => feature.id))
      if (json.features.length < 10) break
    }
    expect(seen).toEqual(all.map((feature) => `layer-${layer.id}.${feature.key}`))
    const maxFeatures = await getFeature(server, `layer-${layer.id}`, [["maxFeatures", "4"]])
    expect(maxFeatures.json.features).toHaveLength(4)
    const whole = await getFeature(server, `layer-${layer.id}`)
    expect(whole.json.features).toHaveLength(123)
    expect(whole.json.features[0].properties).toEqual(all[0]?.properties)
    expect(whole.json.features[0].geometry).toEqual(all[0]?.geometry)
  })

  it("filters by bbox (lon/lat, or lat/lon with a URN CRS) and by CQL", async () => {
    setUp()
    const box = [174.7, -41.3, 174.8, -41.2] as const
    const inside = all.filter((feature) => {
      const [x, y] = feature.geometry?.coordinates as [number, number]
      return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]
    }).map((feature) => feature.key)
    expect(inside.length).toBeGreaterThan(3)
    const keys = (json: any) => json.features.map((feature: any) => Number(String(feature.id).split(".").at(-1)))
    const lonLat = await getFeature(server, `layer-${layer.id}`, [["bbox", box.join(",")]])
    expect(keys(lonLat.json)).toEqual(inside)
    expect(lonLat.json.numberMatched).toBe(inside.length)
    const latLon = await getFeature(server, `layer-${layer.id}`, [
      ["bbox", `${box[1]},${box[0]},${box[3]},${box[2]},urn:ogc:def:crs:EPSG::4326`]
    ])
    expect(keys(latLon.json)).toEqual(inside)
    const cqlBox = await getFeature(server, `layer-${layer.id}`, [["cql_filter", `BBOX(${layer.data.geometry_field},${box.join(",")})`]])
    expect(keys(cqlBox.json)).toEqual(inside)

    const fields = layer.data.fields.filter((field) => field.type !== "geometry").map((field) => field.name)
    const key = layer.data.primary_key_fields[0] as string
    const text = fields.find((name) => name !== key && typeof all[0]?.properties[name] === "string") as string
    const value = all[0]?.properties[text] as string
    const cases: ReadonlyArray<readonly [string, (feature: FakeFeature) => boolean]> = [
      [`${key} < 10`, (f) => f.key < 10],
      [`${key} >= 100 AND ${key} <> 110`, (f) => f.key >= 100 && f.key !== 110],
      [`${key} <= 3 OR ${key} > 120`, (f) => f.key <= 3 || f.key > 120],
      [`NOT (${key} > 5)`, (f) => f.key <= 5],
      [`${key} IN (4, 8, 15, 16, 23, 42)`, (f) => [4, 8, 15, 16, 23, 42].includes(f.key)],
      [`${key} BETWEEN 10 AND 20`, (f) => f.key >= 10 && f.key <= 20],
      [`${text} = '${value.replaceAll("'", "''")}'`, (f) => f.properties[text] === value],
      [`${text} LIKE '${value.slice(0, 2)}%'`, (f) => String(f.properties[text] ?? "\u0000").startsWith(value.slice(0, 2))],
      [`${text} IS NULL`, (f) => f.properties[text] === null],
      [`INTERSECTS(${layer.data.geometry_field}, POLYGON((174.7 -41.3, 174.8 -41.3, 174.8 -41.2, 174.7 -41.2, 174.7 -41.3)))`, (f) => inside.includes(f.key)]
    ]
    for (const [filter, test] of cases) {
      const { status, json } = await getFeature(server, `layer-${layer.id}`, [["cql_filter", filter]])
      expect(status, filter).toBe(200)
      expect(keys(json), filter).toEqual(all.filter(test).map((feature) => feature.key))
    }
    // the same in OGC filter XML
    const ogc = `<?xml version="1.0"?><fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">` +
      `<fes:And><fes:PropertyIsGreaterThanOrEqualTo><fes:ValueReference>${key}</fes:ValueReference><fes:Literal>10</fes:Literal>` +
      `</fes:PropertyIsGreaterThanOrEqualTo><fes:BBOX><fes:ValueReference>${layer.data.geometry_field}</fes:ValueReference>` +
      `<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>${box[1]} ${box[0]}</gml:lowerCorner>` +
      `<gml:upperCorner>${box[3]} ${box[2]}</gml:upperCorner></gml:Envelope></fes:BBOX></fes:And></fes:Filter>`
    const xml = await getFeature(server, `layer-${layer.id}`, [["filter", ogc]])
    expect(xml.status, xml.text.slice(0, 400)).toBe(200)
    expect(keys(xml.json)).toEqual(inside.filter((k) => k >= 10))
    const like = `<Filter><PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><PropertyName>${text}</PropertyName>` +
      `<Literal>${value.slice(0, 2)}*</Literal></PropertyIsLike></Filter>`
    expect(keys((await getFeature(server, `layer-${layer.id}`, [["filter", like]])).json))
      .toEqual(all.filter((f) => String(f.properties[text] ?? "\u0000").startsWith(value.slice(0, 2))).map((f) => f.key))
    // a page of a filtered query
    const page = await getFeature(server, `layer-${layer.id}`, [["cql_filter", `${key} > 50`], ["count", "5"], ["startIndex", "5"]])
    expect(keys(page.json)).toEqual([56, 57, 58, 59, 60].filter((k) => all.some((f) => f.key === k)).slice(0, 5))
    expect(page.json.numberMatched).toBe(all.filter((f) => f.key > 50).length)
  })

  it("intersects lines with a polygon honestly", async () => {
    setUp()
    const features = [...server.store.features(lines.id)]
    const polygon = "POLYGON((174.6 -41.4, 174.75 -41.4, 174.75 -41.1, 174.6 -41.1, 174.6 -41.4))"
    const { json } = await getFeature(server, `layer-${lines.id}`, [["cql_filter", `INTERSECTS(${lines.data.geometry_field},${polygon})`]])
    const got = new Set(json.features.map((feature: any) => feature.id))
    for (const feature of features) {
      const coords = positions(feature.geometry)
      const anyWest = coords.some(([x]) => x <= 174.75)
      const allWest = coords.every(([x]) => x <= 174.75)
      const id = `layer-${lines.id}.${feature.key}`
      if (allWest) expect(got.has(id), id).toBe(true)
      if (!anyWest) expect(got.has(id), id).toBe(false)
    }
  })

  it("reprojects to EPSG:3857 and EPSG:2193, selects properties and sorts", async () => {
    setUp()
    const [first] = all
    const [lon, lat] = first?.geometry?.coordinates as [number, number]
    const mercator = await getFeature(server, `layer-${layer.id}`, [["srsName", "EPSG:3857"], ["count", "1"]])
    const [x, y] = mercator.json.features[0].geometry.coordinates
    expect(x).toBeCloseTo((6378137 * lon * Math.PI) / 180, 2)
    expect(y).toBeCloseTo(6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)), 2)
    expect(mercator.json.crs.properties.name).toBe("urn:ogc:def:crs:EPSG::3857")
    const nztm = await getFeature(server, `layer-${layer.id}`, [["srsName", "urn:ogc:def:crs:EPSG::2193"], ["count", "1"]])
    const [e, n] = nztm.json.features[0].geometry.coordinates
    // Wellington lies near E 1,750,000 N 5,430,000
    expect(e).toBeGreaterThan(1_720_000)
    expect(e).toBeLessThan(1_780_000)
    expect(n).toBeGreaterThan(5_400_000)
    expect(n).toBeLessThan(5_460_000)

    const key = layer.data.primary_key_fields[0] as string
    const picked = await getFeature(server, `layer-${layer.id}`, [["propertyName", key], ["count", "2"]])
    expect(picked.json.features[0].properties).toEqual({ [key]: first?.key })
    expect(picked.json.features[0].geometry).toBeNull()
    const sorted = await getFeature(server, `layer-${layer.id}`, [["sortBy", `${key} DESC`], ["count", "3"]])
    expect(sorted.json.features.map((feature: any) => feature.properties[key]))
      .toEqual(all.map((feature) => feature.key).sort((a, b) => b - a).slice(0, 3))
    const csv = await getData(server, WFS, [
      ["request", "GetFeature"], ["typeNames", `layer-${layer.id}`], ["outputFormat", "csv"], ["count", "2"]
    ], { key: null })
    expect(csv.type).toContain("text/csv")
    const rows = csv.text.trim().split("\n")
    expect(rows).toHaveLength(3)
    expect(rows[0]?.startsWith("FID,")).toBe(true)
    expect(rows[1]).toMatch(/POINT \(174\.\d+ -41\.\d+\)$/)
  })

  it("serves tables as rows without geometry; layers never published are unknown", async () => {
    setUp()
    const table = server.store.addLayer({ kind: "table", features: 25 })
    const rows = await getFeature(server, `table-${table.id}`, [["count", "30"]])
    expect(rows.status).toBe(200)
    expect(rows.json.numberMatched).toBe(25)
    expect(rows.json.features.every((row: any) => row.geometry === null)).toBe(true)
    expect(rows.json.features.map((row: any) => row.id)).toEqual(
      [...server.store.features(table.id)].map((row) => `table-${table.id}.${row.key}`)
    )
    expect((await getFeature(server, `layer-${table.id}`)).status).toBe(400)
    const draft = server.store.addLayer({ publishedVersions: 0 })
    const unknown = await getFeature(server, `layer-${draft.id}`)
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain("unknown")
    const hits = await getFeature(server, `layer-${layer.id}`, [["resultType", "hits"]])
    expect(hits.json).toMatchObject({ numberMatched: 123, numberReturned: 0, features: [] })
  })

  it("takes the key in the path, in the query or in the Authorization header, and the per-layer path", async () => {
    setUp()
    const params = [["request", "GetFeature"], ["typeNames", `layer-${layer.id}`], ["outputFormat", "application/json"], ["count", "1"]] as const
    expect((await getData(server, "/services/wfs", params)).status).toBe(200)
    expect((await getData(server, "/services/wfs", params, { key: null, headers: { authorization: "key test-token" } })).status)
      .toBe(200)
    const perLayer = await getData(server, `/services;key=test-token/wfs/layer-${layer.id}/`, params.filter(([name]) => name !== "typeNames"), { key: null })
    expect(perLayer.status).toBe(200)
    expect(perLayer.json.features).toHaveLength(1)
    const caps = await getData(server, `/services;key=test-token/wfs/layer-${layer.id}/`, [["service", "WFS"], ["request", "GetCapabilities"]], { key: null })
    expect(caps.status).toBe(200)
    expect(caps.text).toContain(`<Name>layer-${layer.id}</Name>`)
    const describeType = await getData(server, WFS, [["request", "DescribeFeatureType"], ["typeName", `layer-${layer.id}`]], { key: null })
    expect(describeType.text).toMatch(
      new RegExp(`<xsd:element name="${layer.data.geometry_field}" type="gml:PointPropertyType"[^>]*/>\\s*</xsd:sequence>`)
    )
  })

  it("answers errors as OGC exception reports (JSON with exceptions=application/json)", async () => {
    setUp()
    const key = layer.data.primary_key_fields[0] as string
    const cases: ReadonlyArray<readonly [ReadonlyArray<readonly [string, string]>, string, string]> = [
      [[["typeNames", "layer-999999"]], "InvalidParameterValue", "typeNames"],
      [[["typeNames", `table-${layer.id}`]], "InvalidParameterValue", "typeNames"],
      [[["count", "-1"]], "InvalidParameterValue", "count"],
      [[["startIndex", "x"]], "InvalidParameterValue", "startIndex"],
      [[["srsName", "EPSG:27200"]], "InvalidParameterValue", "srsName"],
      [[["bbox", "1,2,3"]], "InvalidParameterValue", "bbox"],
      [[["bbox", "174,-42,175,-41"], ["cql_filter", `${key} = 1`]], "InvalidParameterValue", "bbox"],
      [[["cql_filter", `${key.toUpperCase()}X = 1`]], "InvalidParameterValue", "cql_filter"],
      [[["cql_filter", `${key} = `]], "InvalidParameterValue", "cql_filter"],
      [[["outputFormat", "GML3"]], "InvalidParameterValue", "outputFormat"],
      [[["filter", "<Filter><PropertyIsEqualTo>"]], "InvalidParameterValue", "filter"],
      [[["filter", "<Filter><Beyond/></Filter>"]], "InvalidParameterValue", "filter"],
      [[["propertyName", "nope"]], "InvalidParameterValue", "propertyName"],
      [[["request", "Transaction"]], "OperationNotSupported", "request"],
      [[["version", "3.0.0"]], "VersionNegotiationFailed", "version"]
    ]
    for (const [extra, code, locator] of cases) {
      const { status, type, text } = await getFeature(server, `layer-${layer.id}`, extra)
      expect(status, JSON.stringify(extra)).toBe(400)
      expect(type, JSON.stringify(extra)).toContain("xml")
      expect(text, JSON.stringify(extra)).toContain(`exceptionCode="${code}"`)
      expect(text, JSON.stringify(extra)).toContain(`locator="${locator}"`)
    }
    const json = await getFeature(server, "layer-999999", [["exceptions", "application/json"]])
    expect(json.status).toBe(400)
    expect(json.json.exceptions[0]).toMatchObject({ code: "InvalidParameterValue", locator: "typeNames" })

    const params = [["request", "GetFeature"], ["typeNames", `layer-${layer.id}`], ["outputFormat", "json"]] as const
    const anonymous = await getData(server, "/services/wfs", params, { key: null })
    expect(anonymous.status).toBe(401)
    expect(anonymous.text).toContain("ows:ExceptionReport")
    expect((await getData(server, "/services;key=nope/wfs", params, { key: null })).status).toBe(401)
    expect((await getData(server, "/services;key=no-wfs/wfs", params, { key: null })).status).toBe(403)
    server.setService("wfs", false)
    try {
      const off = await getData(server, WFS, params, { key: null })
      expect(off.status).toBe(403)
      expect(off.text).toContain("disabled")
    } finally {
      server.setService("wfs", true)
    }
  })
})
