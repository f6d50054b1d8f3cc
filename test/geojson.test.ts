/**
 * GeoJSON: the schemas decode every geometry type and refuse what is not one; the fast
 * reading of WFS pages gives exactly what the schema gives, and refuses exactly what it
 * refuses (property-based, over valid and broken features alike).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import * as GeoJson from "@koordinates-effect/client/GeoJson"
import * as FastGeoJson from "../packages/client/src/internal/geojson.ts"

const decodeFeature = Schema.decodeUnknownOption(GeoJson.Feature)

const number = fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom(Number.NaN, Infinity, 0))
const position = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -200, max: 200 }), { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(number, { minLength: 0, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("1,2", null, [1, "2"], {}) }
)
const positions = fc.array(position, { maxLength: 4 })
const rings = fc.array(positions, { maxLength: 3 })
const simple = fc.oneof(
  fc.record({ type: fc.constant("Point"), coordinates: position }),
  fc.record({ type: fc.constantFrom("MultiPoint", "LineString"), coordinates: positions }),
  fc.record({ type: fc.constantFrom("Polygon", "MultiLineString"), coordinates: rings }),
  fc.record({ type: fc.constant("MultiPolygon"), coordinates: fc.array(rings, { maxLength: 2 }) }),
  fc.record({ type: fc.constantFrom("Curve", "point"), coordinates: position }),
  fc.record({ type: fc.constant("Point"), coordinates: position, bbox: fc.constant([0, 0, 1, 1]) })
)
const geometry = fc.oneof(
  { weight: 5, arbitrary: simple },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("GeometryCollection"), geometries: fc.array(simple, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, "POINT (1 2)", []) }
)
const feature = fc.record({
  type: fc.oneof({ weight: 9, arbitrary: fc.constant("Feature") }, { weight: 1, arbitrary: fc.constant("feature") }),
  id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
  geometry,
  properties: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom<unknown>(null, [1], "x")),
  geometry_name: fc.constant("shape")
}, { requiredKeys: ["type"] })

describe("GeoJson", () => {
  it("decodes each geometry type, a collection of them, and a feature without geometry", () => {
    const geometries: ReadonlyArray<GeoJson.Geometry> = [
      { type: "Point", coordinates: [174.7, -41.2, 12] },
      { type: "MultiPoint", coordinates: [[1, 2], [3, 4]] },
      { type: "LineString", coordinates: [[1, 2], [3, 4]] },
      { type: "MultiLineString", coordinates: [[[1, 2], [3, 4]]] },
      { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
      { type: "MultiPolygon", coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] },
      { type: "GeometryCollection", geometries: [{ type: "Point", coordinates: [0, 0] }, { type: "GeometryCollection", geometries: [] }] }
    ]
    for (const g of geometries) assert.deepStrictEqual(Schema.decodeUnknownSync(GeoJson.Geometry)(g), g)
    assert.deepStrictEqual(Schema.decodeUnknownSync(GeoJson.Feature)({ type: "Feature", properties: { a: 1 } }), {
      type: "Feature",
      geometry: null,
      properties: { a: 1 }
    })
    for (const bad of [{ type: "Point", coordinates: [1] }, { type: "Point", coordinates: [1, Number.NaN] }, { type: "Circle", coordinates: [0, 0] }]) {
      assert.isTrue(Option.isNone(Schema.decodeUnknownOption(GeoJson.Geometry)(bad)), JSON.stringify(bad))
    }
  })

  it("the fast reading of a page agrees with the schema, feature by feature", () => {
    fc.assert(
      fc.property(fc.array(feature, { maxLength: 4 }), (page) => {
        const json = JSON.parse(JSON.stringify(page)) as ReadonlyArray<unknown>
        const bySchema = json.map((f) => decodeFeature(f))
        const expected = bySchema.every(Option.isSome) ? bySchema.map((o) => o.value) : undefined
        assert.deepStrictEqual(FastGeoJson.features(json), expected)
        json.forEach((f, i) => assert.deepStrictEqual(FastGeoJson.features([f])?.[0], Option.getOrUndefined(bySchema[i]!)))
      }),
      { numRuns: 2000, seed: 42 }
    )
  })
})
