/**
 * The features of layers and the rows of tables, generated lazily: nothing is built when a
 * layer is added. A feature is a pure function of the layer's seed, its primary-key value
 * and its variant (how many times it was edited), so any page of a layer of millions can be
 * produced on demand, in order, without holding the others.
 *
 * Each published version of a layer is a revision of its data, at the version's publish
 * time: the first loads `count` features (keys 1…count); each later one deletes, updates
 * and inserts a few (deterministic from the seed and the revision number; inserted features
 * get the next keys). The data of a layer is its state at its newest published version.
 * Only the edits are kept, so a revision's state is a handful of small maps.
 */
import { type Geometry, type Position } from "./Geometry.ts"
import type { LayerField, LayerRecord } from "./Model.ts"
import { publishedVersion } from "./Model.ts"
import { makeRng, type Rng, seedOf } from "./Random.ts"

/**
 * The geometry a layer's features have.
 *
 * @since 0.2.0
 */
export type GeometryKind = "point" | "linestring" | "polygon"

/**
 * How a layer's features are generated, where {@link Store.addLayer} options or
 * `store.setFeatures` set them; anything left out is derived from the layer's seed.
 *
 * @since 0.2.0
 */
export interface FeatureSettings {
  /** Features (rows, for a table) its first published version loads. */
  readonly count?: number
  /** The geometry of a vector layer's features. */
  readonly geometryType?: GeometryKind
}

/**
 * A property value.
 *
 * @since 0.2.0
 */
export type FeatureValue = string | number | null

/**
 * One feature (or table row) at one revision: its primary-key value, its geometry in
 * `[longitude, latitude]` (null for a table row), and its attributes by field name (the key
 * field included, the geometry field not).
 *
 * @since 0.2.0
 */
export interface FakeFeature {
  readonly key: number
  readonly geometry: Geometry | null
  readonly properties: Readonly<Record<string, FeatureValue>>
}

/**
 * One revision of a layer's data: the publish time of its version, in microseconds since the epoch.
 *
 * @since 0.2.0
 */
export interface Revision {
  /** Microseconds since the epoch. */
  readonly at: number
  /** The timestamp as the version carries it. */
  readonly timestamp: string
  readonly deletes: ReadonlyArray<number>
  readonly updates: ReadonlyArray<number>
  /** How many features it inserts (keys after the previous revision's largest). */
  readonly inserts: number
}

/**
 * The data of a layer at one revision.
 *
 * @since 0.2.0
 */
export interface DataState {
  /** Index of the revision (-1: before the first, no data). */
  readonly revision: number
  /** Largest key so far. */
  readonly maxKey: number
  /** Keys deleted by then, ascending. */
  readonly deleted: ReadonlyArray<number>
  readonly deletedSet: ReadonlySet<number>
  /** The variant of each key edited (inserted later or updated): the revision that last wrote it. */
  readonly variants: ReadonlyMap<number, number>
  /** Features alive. */
  readonly size: number
}

/**
 * Everything needed to generate a layer's features.
 *
 * @since 0.2.0
 */
export interface FeatureLayer {
  readonly layer: LayerRecord
  readonly seed: number
  /** Features the first revision loads. */
  readonly count: number
  /** Null for a table. */
  readonly geometryKind: GeometryKind | null
  /** The name of the geometry column (`shape`, `GEOMETRY`…); `""` for a table. */
  readonly geometryField: string
  /** The integer column holding each feature's key. */
  readonly keyField: string
  /** Whether the key is a declared primary key (changesets need one). */
  readonly hasPrimaryKey: boolean
  /** Attribute columns (no geometry), in order. */
  readonly attributes: ReadonlyArray<LayerField>
  /** The area features are placed in: west, south, east, north. */
  readonly bounds: readonly [number, number, number, number]
  readonly revisions: ReadonlyArray<Revision>
}

/**
 * Microseconds since the epoch of an ISO timestamp (date only = midnight UTC; zone-less = UTC); undefined when invalid.
 *
 * @since 0.2.0
 */
export const parseMicros = (text: string): number | undefined => {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text)
  if (match === null) return undefined
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone] = match
  const date = Date.UTC(Number(year), Number(month) - 1, Number(day))
  const check = new Date(date)
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  let offset = 0
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.slice(1).replace(":", "")
    offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000 * (zone.startsWith("-") ? -1 : 1)
  }
  const ms = date + ((Number(hour) * 60 + Number(minute)) * 60 + Number(second)) * 1000 - offset
  return ms * 1000 + Number(fraction.padEnd(6, "0"))
}

/**
 * Writes microseconds since the epoch as `2018-09-01T07:35:20.049485Z`.
 *
 * @since 0.2.0
 */
export const formatMicros = (micros: number): string => {
  const ms = Math.floor(micros / 1000)
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, "0")}Z`
}

/** A 32-bit mix of integers, for per-feature seeds. */
const mix = (...values: ReadonlyArray<number>): number => {
  let hash = 0x9e3779b9
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x85ebca6b) >>> 0
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0
    hash = (hash ^ Math.floor(value / 4294967296)) >>> 0
  }
  return (hash ^ (hash >>> 16)) >>> 0
}

const linear = /centreline|rail|river|contour|coast|track|fault|road|line/i
const areal = /footprint|parcel|polygon|zone|boundar|lake|area|flood/i

/** The geometry a layer's features get when nothing says: from its name, else from the seed. */
const defaultKind = (layer: LayerRecord, rng: Rng): GeometryKind => {
  if (linear.test(layer.name)) return "linestring"
  if (areal.test(layer.name)) return "polygon"
  return rng.pick(["point", "point", "linestring", "polygon"] as const)
}

const streets = ["Kowhai", "Rimu", "Totara", "Manuka", "Harbour", "Station", "Church", "Beach", "Hill", "Victoria", "Albert"]
const kinds = ["Street", "Road", "Terrace", "Avenue", "Place", "Crescent", "Drive"]
const CODES = ["bldg", "road", "rail", "rivr", "lake", "cont", "trk", "pcl"]
const SOURCES = ["aerial", "survey", "lidar", "council", "gps"]
/**
 * The values of every generated `status` attribute.
 *
 * @since 0.2.0
 */
export const STATUSES = ["current", "proposed", "historic"] as const

/** The value of an attribute of a feature (`rng` seeded by the feature and its variant). */
const attributeValue = (field: LayerField, rng: Rng): FeatureValue => {
  switch (field.name) {
    case "name":
      return rng.chance(0.05) ? null : `${rng.pick(streets)} ${rng.pick(kinds)}`
    case "feat_code":
      return rng.pick(CODES)
    case "source":
      return rng.pick(SOURCES)
    case "status":
      return rng.pick(STATUSES)
    case "capture_year":
      return rng.int(1990, 2022)
    case "elevation":
      return Math.round(rng.float() * 30_000) / 10
    default:
      if (field.type === "integer") return rng.int(0, 100_000)
      if (field.type === "double") return Math.round(rng.float() * 1_000_000) / 100
      return `${field.name}-${rng.int(1, 999)}`
  }
}

/**
 * Where a feature sits: a point drawn inside the layer's bounds (the same for every variant).
 *
 * @since 0.2.0
 */
export const anchorOf = (layer: FeatureLayer, key: number): Position => {
  const rng = makeRng(mix(layer.seed, key, 0x51ed))
  const [w, s, e, n] = layer.bounds
  return [w + rng.float() * (e - w), s + rng.float() * (n - s)]
}

const round7 = (value: number): number => Math.round(value * 1e7) / 1e7

/** A feature's geometry: about 50 m to 1 km across, kept inside the bounds. */
const geometryOf = (layer: FeatureLayer, key: number, variant: number): Geometry | null => {
  if (layer.geometryKind === null) return null
  const rng = makeRng(mix(layer.seed, key, variant, 0x6e0))
  const [w, s, e, n] = layer.bounds
  const [x0, y0] = anchorOf(layer, key)
  // an edit moves a feature a little
  const shift = 0.0002 * Math.min(variant, 5)
  const clamp = (x: number, y: number): Position => [
    round7(Math.min(e, Math.max(w, x + shift))),
    round7(Math.min(n, Math.max(s, y + shift)))
  ]
  switch (layer.geometryKind) {
    case "point":
      return { type: "Point", coordinates: clamp(x0, y0) }
    case "linestring": {
      const vertices = rng.int(2, 5)
      const coordinates: Array<Position> = []
      let [x, y] = [x0, y0]
      let heading = rng.float() * 2 * Math.PI
      for (let index = 0; index < vertices; index++) {
        coordinates.push(clamp(x, y))
        heading += (rng.float() - 0.5) * 1.2
        const step = 0.0005 + rng.float() * 0.002
        x += Math.cos(heading) * step
        y += Math.sin(heading) * step
      }
      return { type: "LineString", coordinates }
    }
    case "polygon": {
      const half = 0.0003 + rng.float() * 0.003
      const tilt = rng.float() * 0.3 * half
      const ring = [
        clamp(x0 - half, y0 - half + tilt),
        clamp(x0 + half, y0 - half),
        clamp(x0 + half, y0 + half - tilt),
        clamp(x0 - half, y0 + half)
      ]
      return { type: "Polygon", coordinates: [[...ring, ring[0] as Position]] }
    }
  }
}

/**
 * A feature of the layer, by key and variant.
 *
 * @since 0.2.0
 */
export const featureOf = (layer: FeatureLayer, key: number, variant: number): FakeFeature => {
  const rng = makeRng(mix(layer.seed, key, variant))
  const properties: Record<string, FeatureValue> = {}
  for (const field of layer.attributes) {
    properties[field.name] = field.name === layer.keyField ? key : attributeValue(field, rng)
  }
  return { key, geometry: geometryOf(layer, key, variant), properties }
}

/** The state before any revision: no data. */
const EMPTY: DataState = {
  revision: -1,
  maxKey: 0,
  deleted: [],
  deletedSet: new Set(),
  variants: new Map(),
  size: 0
}

/** Draws up to `wanted` distinct live keys of `state`, some among the recently inserted. */
const drawKeys = (rng: Rng, state: DataState, wanted: number, taken: Set<number>, count: number): Array<number> => {
  const keys: Array<number> = []
  for (let attempt = 0; attempt < wanted * 20 && keys.length < wanted; attempt++) {
    const recent = state.maxKey > count && rng.chance(0.3)
    const key = recent ? rng.int(count + 1, state.maxKey) : rng.int(1, state.maxKey)
    if (state.deletedSet.has(key) || taken.has(key)) continue
    taken.add(key)
    keys.push(key)
  }
  return keys.sort((a, b) => a - b)
}

/** The state after applying one revision to `state`. */
const applyRevision = (state: DataState, revision: Revision, index: number, first: number): DataState => {
  const variants = new Map(state.variants)
  if (index === 0) {
    return { revision: 0, maxKey: first, deleted: [], deletedSet: new Set(), variants, size: first }
  }
  for (const key of revision.updates) variants.set(key, index)
  for (let key = state.maxKey + 1; key <= state.maxKey + revision.inserts; key++) variants.set(key, index)
  const deleted = [...state.deleted, ...revision.deletes].sort((a, b) => a - b)
  return {
    revision: index,
    maxKey: state.maxKey + revision.inserts,
    deleted,
    deletedSet: new Set(deleted),
    variants,
    size: state.size + revision.inserts - revision.deletes.length
  }
}

/** The edits of revision `index` (≥ 1) on top of `state`. */
const planRevision = (
  seed: number,
  count: number,
  state: DataState,
  index: number,
  at: number,
  timestamp: string
): Revision => {
  const rng = makeRng(mix(seed, index, 0xed175))
  const most = Math.max(1, Math.min(40, Math.round(count * 0.05)))
  const taken = new Set<number>()
  const live = state.size > 0
  const deletes = live ? drawKeys(rng, state, rng.int(1, most), taken, count) : []
  const updates = live ? drawKeys(rng, state, rng.int(1, most), taken, count) : []
  return { at, timestamp, deletes, updates, inserts: rng.int(1, most) }
}

/** The revisions of a layer, one per published version, in publish order. */
const revisionsOf = (layer: LayerRecord, seed: number, count: number): Array<Revision> => {
  const revisions: Array<Revision> = []
  let state = EMPTY
  const published = layer.versions
    .flatMap((version) => version.published_at === null ? [] : [{ at: parseMicros(version.published_at) ?? 0, version }])
    .sort((a, b) => a.at - b.at)
  for (const { at, version } of published) {
    if (version.published_at === null) continue
    const index = revisions.length
    const revision = index === 0
      ? { at, timestamp: version.published_at, deletes: [], updates: [], inserts: count }
      : planRevision(seed, count, state, index, at, version.published_at)
    revisions.push(revision)
    state = applyRevision(state, revision, index, count)
  }
  return revisions
}

/**
 * The key of the `position`-th live feature (0-based) of `state`.
 *
 * @since 0.2.0
 */
export const keyAt = (state: DataState, position: number): number => {
  let key = position + 1
  for (const deleted of state.deleted) {
    if (deleted <= key) key++
    else break
  }
  return key
}

/**
 * The variant of a key at `state` (0 for a feature of the first load never updated).
 *
 * @since 0.2.0
 */
export const variantAt = (state: DataState, key: number): number => state.variants.get(key) ?? 0

/**
 * True when the key is a live feature at `state`.
 *
 * @since 0.2.0
 */
export const aliveAt = (state: DataState, key: number): boolean =>
  key >= 1 && key <= state.maxKey && !state.deletedSet.has(key)

/**
 * The live features of `state` in key order, from the `start`-th, generated one at a time.
 *
 * @since 0.2.0
 */
export function* featuresAt(layer: FeatureLayer, state: DataState, start = 0): Generator<FakeFeature> {
  if (state.size === 0 || start >= state.size) return
  let key = keyAt(state, start)
  for (; key <= state.maxKey; key++) {
    if (state.deletedSet.has(key)) continue
    yield featureOf(layer, key, variantAt(state, key))
  }
}

/**
 * The layer's features and revisions, derived on demand and kept while its published versions stay the same.
 *
 * @since 0.2.0
 */
export class FeatureStore {
  readonly #seed: number
  #settings = new Map<number, FeatureSettings>()
  #cache = new Map<number, { readonly signature: string; readonly layer: FeatureLayer; states: Array<DataState> }>()

  constructor(seed: number) {
    this.#seed = seed
  }

  /** Sets (merges) how a layer's features are generated; its data is derived anew. */
  configure(layerId: number, settings: FeatureSettings): void {
    if (settings.count !== undefined && (!Number.isInteger(settings.count) || settings.count < 0)) {
      throw new Error(`features must be a non-negative integer, got ${settings.count}`)
    }
    this.#settings.set(layerId, { ...this.#settings.get(layerId), ...settings })
    this.#cache.delete(layerId)
  }

  /** Forgets every setting and derived layer. */
  reset(): void {
    this.#settings.clear()
    this.#cache.clear()
  }

  /** What generates the features of a vector layer or table; undefined for rasters and grids. */
  layer(record: LayerRecord): FeatureLayer | undefined {
    if (record.kind !== "vector" && record.kind !== "table") return undefined
    return this.#entry(record).layer
  }

  /** The state of a layer's data after revision `index` (-1: before any). */
  state(record: LayerRecord, index: number): DataState {
    const entry = this.#entry(record)
    if (index < 0) return EMPTY
    while (entry.states.length <= index) {
      const at = entry.states.length
      const revision = entry.layer.revisions[at]
      if (revision === undefined) throw new Error(`Layer ${record.id} has no revision ${at}`)
      entry.states.push(applyRevision(entry.states[at - 1] ?? EMPTY, revision, at, entry.layer.count))
    }
    return entry.states[index] as DataState
  }

  /** The state of a layer's data now (its newest published version). */
  current(record: LayerRecord): DataState {
    return this.state(record, this.#entry(record).layer.revisions.length - 1)
  }

  #entry(record: LayerRecord) {
    const signature = record.versions.map((version) => version.published_at ?? "-").join("|")
    const cached = this.#cache.get(record.id)
    if (cached !== undefined && cached.signature === signature) return cached
    const settings = this.#settings.get(record.id) ?? {}
    const seed = mix(this.#seed, record.id, seedOf(record.created_at))
    const rng = makeRng(seed)
    const count = settings.count ?? rng.int(40, 400)
    const data = record.data
    const geometryField = data.fields.find((field) => field.type === "geometry")?.name ?? ""
    const attributes = data.fields.filter((field) => field.type !== "geometry")
    const keyField = data.primary_key_fields[0] ?? attributes.find((field) => field.type === "integer")?.name ?? "fid"
    const box = record.extent?.coordinates[0] ?? [[166.4, -47.4], [178.6, -34.4]]
    const xs = box.map((position) => position[0])
    const ys = box.map((position) => position[1])
    const layer: FeatureLayer = {
      layer: record,
      seed,
      count,
      geometryKind: record.kind === "table" ? null : settings.geometryType ?? defaultKind(record, rng),
      geometryField: record.kind === "table" ? "" : geometryField === "" ? "shape" : geometryField,
      keyField,
      hasPrimaryKey: data.primary_key_fields.length > 0,
      attributes: attributes.some((field) => field.name === keyField)
        ? attributes
        : [{ name: keyField, type: "integer" }, ...attributes],
      bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      revisions: revisionsOf(record, seed, count)
    }
    const entry = { signature, layer, states: [] as Array<DataState> }
    this.#cache.set(record.id, entry)
    return entry
  }
}

/**
 * True when a layer has published data (at least one published version).
 *
 * @since 0.2.0
 */
export const hasData = (record: LayerRecord): boolean => publishedVersion(record) !== undefined
