/**
 * Realistic, deterministic content for the fake: fixed reference data (groups, users,
 * licenses, categories, crop layers) and seeded random layers, versions, sets, documents
 * and dataset themes built from small word lists of New Zealand and Australian geodata.
 */
import type {
  Category,
  CropLayerRecord,
  DocumentRecord,
  GroupRecord,
  LayerContent,
  LayerData,
  LayerField,
  LayerKind,
  LayerRecord,
  LicenseRecord,
  MultiPolygon,
  Polygon,
  SetContent,
  SetRecord,
  UserRecord,
  VersionRecord,
  VersionStatus
} from "./Model.ts"
import type { Rng } from "./Random.ts"
import { formatDate, formatTimestamp, TIMESTAMP_STYLES } from "./Time.ts"

/** Publisher groups every store starts with. */
export const GROUPS: ReadonlyArray<GroupRecord> = [
  { id: 101, name: "Land Information New Zealand", country: "NZ" },
  { id: 102, name: "Auckland Council", country: "NZ" },
  { id: 103, name: "Greater Wellington Regional Council", country: "NZ" },
  { id: 104, name: "Environment Canterbury", country: "NZ" },
  { id: 105, name: "Department of Conservation", country: "NZ" },
  { id: 106, name: "Otago Regional Council", country: "NZ" },
  { id: 107, name: "Geoscience Australia", country: "AU" },
  { id: 108, name: "Spatial Services NSW", country: "AU" }
]

const firstNames = ["Aroha", "Ben", "Charlotte", "Daniel", "Emma", "Hemi", "Isla", "Kiri", "Liam", "Priya", "Sam"]
const lastNames = ["Anderson", "Chen", "Fraser", "Ngata", "Patel", "Robinson", "Taylor", "Walker", "Williams", "Wilson"]

/** The built-in group every user belongs to; permissions name it `group.everyone`. */
export const EVERYONE: GroupRecord = { id: 1, name: "Everyone", country: null, slug: "everyone" }

/** One or two publisher groups of the user's country. */
const membership = (index: number, country: string): ReadonlyArray<GroupRecord> => {
  const local = GROUPS.filter((group) => group.country === country)
  const picks = index % 3 === 0 ? [index, index + 2] : [index]
  return [...new Set(picks.map((pick) => local[pick % local.length]))]
    .filter((group): group is GroupRecord => group !== undefined)
}

/**
 * User accounts every store starts with. Each signs in with its `email` and the password
 * `password-{id}`; the first is the default user, owner of the configured tokens.
 */
export const USERS: ReadonlyArray<UserRecord> = firstNames.map((first_name, index) => {
  const id = 2001 + index * 37
  const last_name = lastNames[(index * 3) % lastNames.length] ?? "Smith"
  const country = index % 5 === 4 ? "AU" : "NZ"
  return {
    id,
    first_name,
    last_name,
    country,
    email: `${first_name}.${last_name}@example.com`.toLowerCase(),
    password: `password-${id}`,
    groups: membership(index, country)
  }
})

const ccWords: Readonly<Record<string, string>> = {
  by: "Attribution",
  nc: "NonCommercial",
  sa: "ShareAlike",
  nd: "NoDerivatives"
}
const jurisdictionNames: Readonly<Record<string, string>> = { "": "International", nz: "New Zealand", au: "Australia" }

const creativeCommons = (id: number, type: string, jurisdiction: string, version: string): LicenseRecord => {
  const words = type.split("-").slice(1).map((part) => ccWords[part] ?? part).join("-")
  const title = `Creative Commons ${words} ${version} ${jurisdictionNames[jurisdiction] ?? jurisdiction}`
  return { id, title, type, jurisdiction, version }
}

/**
 * Licenses every store starts with: public domain and the Koordinates geodata license
 * (no jurisdiction or version), and each Creative Commons type (`cc-by`, `cc-by-sa`,
 * `cc-by-nd`, `cc-by-nc`, `cc-by-nc-sa`, `cc-by-nc-nd`) ported to New Zealand and Australia
 * (3.0) and international (4.0, jurisdiction `""`). Ids 1–10 never change.
 */
export const LICENSES: ReadonlyArray<LicenseRecord> = [
  { id: 1, title: "Public Domain", type: "public-domain" },
  { id: 2, title: "Koordinates Geodata License 1.0", type: "koordinates-geodata-license" },
  creativeCommons(3, "cc-by", "nz", "3.0"),
  creativeCommons(4, "cc-by", "", "4.0"),
  creativeCommons(5, "cc-by", "au", "3.0"),
  creativeCommons(6, "cc-by-nc", "nz", "3.0"),
  creativeCommons(7, "cc-by-sa", "nz", "3.0"),
  creativeCommons(8, "cc-by-nd", "au", "3.0"),
  creativeCommons(9, "cc-by-nc-sa", "", "4.0"),
  creativeCommons(10, "cc-by-nc-nd", "nz", "3.0"),
  creativeCommons(11, "cc-by-sa", "au", "3.0"),
  creativeCommons(12, "cc-by-sa", "", "4.0"),
  creativeCommons(13, "cc-by-nd", "nz", "3.0"),
  creativeCommons(14, "cc-by-nd", "", "4.0"),
  creativeCommons(15, "cc-by-nc", "au", "3.0"),
  creativeCommons(16, "cc-by-nc", "", "4.0"),
  creativeCommons(17, "cc-by-nc-sa", "nz", "3.0"),
  creativeCommons(18, "cc-by-nc-sa", "au", "3.0"),
  creativeCommons(19, "cc-by-nc-nd", "au", "3.0"),
  creativeCommons(20, "cc-by-nc-nd", "", "4.0")
]

/** Catalog categories. */
export const CATEGORIES: ReadonlyArray<Category> = [
  { name: "Cadastral & Property", slug: "cadastral" },
  { name: "Transport", slug: "transport" },
  { name: "Water", slug: "hydrography" },
  { name: "Elevation", slug: "elevation" },
  { name: "Imagery", slug: "imagery" },
  { name: "Environment", slug: "environment" },
  { name: "Hazards", slug: "hazards" },
  { name: "Boundaries", slug: "boundaries" },
  { name: "People & Society", slug: "society" },
  { name: "Geology", slug: "geology" }
]

interface Subject {
  readonly name: string
  readonly category: string
  readonly tags: ReadonlyArray<string>
  readonly about: string
}

const subject = (name: string, category: string, tags: string, about: string): Subject =>
  ({ name, category, tags: tags.split(" "), about })

const subjects: Readonly<Record<LayerKind, ReadonlyArray<Subject>>> = {
  vector: [
    subject("Building Footprints", "cadastral", "building footprint outline",
      "Roof outlines of buildings digitised from aerial photography."),
    subject("Property Parcels", "cadastral", "parcel property boundary",
      "Primary land parcels with their appellations and survey areas."),
    subject("Road Centrelines", "transport", "road centreline street",
      "Centrelines of formed public roads with names and hierarchy."),
    subject("Rail Network", "transport", "rail railway",
      "Operational and disused railway lines."),
    subject("River Centrelines", "hydrography", "river stream water",
      "Centrelines of rivers and streams wider than three metres."),
    subject("Lake Polygons", "hydrography", "lake water",
      "Outlines of lakes and reservoirs at mean water level."),
    subject("Contours (20m)", "elevation", "contour elevation topographic",
      "Twenty-metre contour lines derived from the national elevation model."),
    subject("Flood Hazard Zones", "hazards", "flood hazard risk",
      "Areas modelled to flood in a one-in-one-hundred-year rainfall event."),
    subject("Coastline", "hydrography", "coast shoreline",
      "Mean high water springs coastline."),
    subject("Walking Tracks", "environment", "track walking recreation",
      "Public walking and tramping tracks with grades and huts."),
    subject("Electoral Boundaries", "boundaries", "electorate boundary",
      "General electorate boundaries as set by the representation commission."),
    subject("Active Faults", "geology", "fault geology earthquake",
      "Mapped traces of faults active in the last 125,000 years.")
  ],
  raster: [
    subject("Aerial Imagery (0.3m)", "imagery", "aerial imagery orthophoto",
      "Orthorectified colour aerial photography at 0.3 m resolution."),
    subject("Satellite Mosaic", "imagery", "satellite imagery mosaic",
      "Cloud-free mosaic of satellite scenes."),
    subject("Historic Aerial Photos", "imagery", "aerial historic",
      "Scanned and georeferenced historic aerial survey runs."),
    subject("Land Cover", "environment", "landcover vegetation",
      "Land cover classes interpreted from satellite imagery.")
  ],
  grid: [
    subject("Digital Elevation Model (8m)", "elevation", "dem elevation",
      "Bare-earth elevation model interpolated from contours and spot heights."),
    subject("LiDAR Surface Model (1m)", "elevation", "dsm lidar elevation",
      "First-return surface model from airborne LiDAR."),
    subject("Mean Annual Rainfall", "environment", "rainfall climate",
      "Interpolated mean annual rainfall in millimetres.")
  ],
  table: [
    subject("Census Population by Meshblock", "society", "census population",
      "Usually resident population counts per meshblock."),
    subject("Place Names", "boundaries", "placenames gazetteer",
      "Official and recorded place names with their feature types."),
    subject("Water Quality Samples", "hydrography", "water quality monitoring",
      "Laboratory results of river water samples."),
    subject("Traffic Counts", "transport", "traffic count",
      "Average daily traffic counts at permanent count sites."),
    subject("School Directory", "society", "school education",
      "Registered schools with roll numbers and contact details.")
  ]
}

interface Place {
  readonly name: string
  /** The place's geotag, then its country's. */
  readonly geotags: ReadonlyArray<string>
  readonly country: "nz" | "au"
  /** Groups publishing in that country. */
  readonly groups: ReadonlyArray<GroupRecord>
  /** Licenses that fit the country: international Creative Commons, its own port, the others. */
  readonly licenses: ReadonlyArray<LicenseRecord>
  /** What it covers, roughly: the extent of its layers. */
  readonly extent: Polygon
}

/** A rectangle of `[longitude, latitude]` corners, as a polygon. */
export const rectangle = (west: number, south: number, east: number, north: number): Polygon => ({
  type: "Polygon",
  coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]]
})

/** Rough bounds (west, south, east, north) of each place layers are generated for. */
const placeBounds: Readonly<Record<string, readonly [number, number, number, number]>> = {
  "Wellington": [174.6, -41.7, 176.3, -40.6],
  "Auckland": [174.2, -37.3, 175.6, -36.1],
  "Christchurch": [172.4, -43.7, 172.8, -43.4],
  "Canterbury": [170, -44.9, 174.2, -41.9],
  "Otago": [167.9, -46.7, 171.3, -44],
  "Waikato": [174.6, -39.3, 176.3, -36.9],
  "Northland": [172.6, -36.5, 174.9, -34.4],
  "Nelson": [172.7, -41.5, 173.5, -40.9],
  "Southland": [166.4, -47.4, 169.4, -45],
  "New Zealand": [166.4, -47.4, 178.6, -34.4],
  "New South Wales": [141, -37.5, 153.6, -28.2],
  "Tasmania": [144.6, -43.7, 148.5, -39.6],
  "Queensland": [138, -29.2, 153.6, -10.7]
}

const makePlace = (name: string, country: Place["country"]): Place => ({
  name,
  extent: rectangle(...(placeBounds[name] ?? [-180, -90, 180, 90])),
  geotags: [name.toLowerCase().replaceAll(" ", "-"), country],
  country,
  groups: GROUPS.filter((group) => group.country?.toLowerCase() === country),
  licenses: LICENSES.filter(({ jurisdiction }) =>
    jurisdiction === undefined || jurisdiction === "" || jurisdiction === country
  )
})

const places: ReadonlyArray<Place> = [
  ...["Wellington", "Auckland", "Christchurch", "Canterbury", "Otago", "Waikato", "Northland", "Nelson", "Southland"]
    .map((name) => makePlace(name, "nz")),
  makePlace("New Zealand", "nz"),
  ...["New South Wales", "Tasmania", "Queensland"].map((name) => makePlace(name, "au"))
]

const setThemes = ["Base Data", "Hazards Collection", "Transport Layers", "Imagery Collection", "Water Resources"]
const collectionTags = ["collection", "basemap", "hazards", "transport", "water", "census"]
const documentTopics: ReadonlyArray<readonly [topic: string, extensions: ReadonlyArray<string>]> = [
  ["Annual Report", ["pdf"]],
  ["Data Dictionary", ["pdf", "xlsx", "csv"]],
  ["Survey Methodology", ["pdf", "docx"]],
  ["Hazard Assessment", ["pdf", "docx"]],
  ["Technical Specification", ["pdf", "docx"]],
  ["Map Sheet", ["tif", "pdf", "zip"]]
]
const extraSentences = [
  "Updated as new survey data becomes available.",
  "Accuracy varies with the age and scale of the source data.",
  "Supplied under the terms of the licence shown.",
  "Attributes follow the national data dictionary."
]

/** Attribute columns generated layers and datasources draw from. */
export const attributePool: ReadonlyArray<LayerField> = [
  { name: "name", type: "string" },
  { name: "feat_code", type: "string" },
  { name: "source", type: "string" },
  { name: "status", type: "string" },
  { name: "capture_year", type: "integer" },
  { name: "shape_length", type: "double" },
  { name: "shape_area", type: "double" },
  { name: "elevation", type: "double" }
]

const earliest = Date.UTC(2010, 0, 1)
const latest = Date.UTC(2022, 11, 31)
const hour = 3_600_000
const day = 24 * hour

/** A random instant between 2010 and 2022. */
export const randomInstant = (rng: Rng): number => earliest + Math.floor(rng.float() * (latest - earliest))

/** An instant written in a randomly chosen API style. */
const randomTimestamp = (rng: Rng, ms: number): string => formatTimestamp(ms, rng.pick(TIMESTAMP_STYLES))

/** What a generated dataset is about: a place and a subject, and who publishes it. */
export interface Theme {
  /** Place and subject, e.g. `Otago Road Centrelines`. */
  readonly title: string
  readonly about: string
  readonly tags: ReadonlyArray<string>
  readonly category: Category
  readonly group: GroupRecord
}

/** A random theme for data of this kind. */
export const randomTheme = (rng: Rng, kind: LayerKind): Theme => {
  const subject = rng.pick(subjects[kind])
  const place = rng.pick(places)
  return {
    title: `${place.name} ${subject.name}`,
    about: subject.about,
    tags: subject.tags,
    category: categoryBySlug(subject.category),
    group: rng.pick(place.groups)
  }
}

/** What a new catalog item should be, with the mix the generator aims for. */
export type ItemChoice = LayerKind | "set" | "document"

/** Chooses an item kind: about 55% vector/raster/grid layers, 20% tables, 10% sets, 15% documents. */
export const randomItemChoice = (rng: Rng): ItemChoice => {
  const roll = rng.float()
  if (roll < 0.35) return "vector"
  if (roll < 0.5) return "raster"
  if (roll < 0.55) return "grid"
  if (roll < 0.75) return "table"
  if (roll < 0.85) return "set"
  return "document"
}

/** The version history of a generated layer. */
export interface PublishState {
  /** How many versions were published (0 = never). */
  readonly publishedVersions: number
  /** Status of the unpublished newest version, or false for none. */
  readonly draft: VersionStatus | false
}

/** Mostly published (some more than once), some with a draft on top, a few only a draft. */
export const randomPublishState = (rng: Rng): PublishState => {
  const roll = rng.float()
  const publishedVersions = roll < 0.84 ? (rng.chance(0.75) ? 1 : rng.int(2, 3)) : 0
  const draft = roll < 0.72 ? false : rng.chance(0.5) ? "importing" : "ok"
  return { publishedVersions, draft }
}

/**
 * A generated layer or set: its own fields (the store adds id, entity and versions), its
 * content without metadata, whether it should get a metadata document, and its creation
 * instant.
 */
export interface Generated<Item, Content> {
  readonly item: Item
  readonly content: Omit<Content, "metadata">
  readonly hasMetadata: boolean
  readonly created: number
}

/** The fields of a layer that do not change between versions. */
export type LayerItem = Pick<
  LayerRecord,
  "kind" | "geotags" | "public" | "popularity" | "created_at" | "collected_at" | "extent"
>

/** A generated layer. */
export type GeneratedLayer = Generated<LayerItem, LayerContent>

const layerData = (rng: Rng, kind: LayerKind, place: Place): LayerData => {
  const crs = rng.chance(0.15) ? "EPSG:4326" : place.country === "nz" ? "EPSG:2193" : "EPSG:3577"
  const datasources = Array.from({ length: rng.int(1, 2) }, () => ({ id: rng.int(10_000, 199_999) }))
  const encoding = rng.chance(0.7) ? null : "utf-8"
  if (kind === "raster" || kind === "grid") {
    return { encoding: null, crs, primary_key_fields: [], datasources, geometry_field: "", fields: [] }
  }
  const key = rng.pick(["OBJECTID", "fid", "id", "t50_fid"])
  const attributes: Array<LayerField> = [{ name: key, type: "integer" }, ...rng.sample(attributePool, rng.int(2, 5))]
  const primary_key_fields = rng.chance(0.75) ? [key] : []
  if (kind === "table") {
    return { encoding, crs, primary_key_fields, datasources, geometry_field: "", fields: attributes }
  }
  const geometry = rng.pick(["GEOMETRY", "shape", "geom"])
  return {
    encoding,
    crs,
    primary_key_fields,
    datasources,
    geometry_field: geometry,
    fields: [{ name: geometry, type: "geometry" }, ...attributes]
  }
}

const describe = (rng: Rng, about: string, place: Place, group: GroupRecord): string => {
  if (rng.chance(0.1)) return ""
  const coverage = `Covers ${place.name}; maintained by ${group.name}.`
  return rng.chance(0.5) ? `${about} ${coverage} ${rng.pick(extraSentences)}` : `${about} ${coverage}`
}

/** The category with this slug; throws for an unknown slug. */
export const categoryBySlug = (slug: string): Category => {
  const found = CATEGORIES.find((candidate) => candidate.slug === slug)
  if (found === undefined) throw new Error(`Unknown category slug "${slug}"`)
  return found
}

/** The fields every kind of item draws the same way. */
const commonFields = (rng: Rng, place: Place) => ({
  geotags: place.geotags,
  public: rng.chance(0.8),
  popularity: Math.floor(rng.float() ** 3 * 5000)
})

/** A random layer of the given kind. */
export const randomLayer = (rng: Rng, kind: LayerKind): GeneratedLayer => {
  const subject = rng.pick(subjects[kind])
  const place = rng.pick(places)
  const group = rng.pick(place.groups)
  const created = randomInstant(rng)
  const collectedFrom = created - rng.int(30, 3000) * day
  const collected_at = rng.chance(0.6)
    ? [formatDate(collectedFrom), formatDate(created - rng.int(1, 29) * day)]
    : [formatDate(collectedFrom)]
  const data = layerData(rng, kind, place)
  const year = rng.chance(0.3) ? ` (${new Date(collectedFrom).getUTCFullYear()})` : ""
  const name = `${place.name} ${subject.name}${year}`
  const description = describe(rng, subject.about, place, group)
  const license = rng.pick(place.licenses)
  const categories = rng.chance(0.2)
    ? [categoryBySlug(subject.category), rng.pick(CATEGORIES.filter((other) => other.slug !== subject.category))]
    : [categoryBySlug(subject.category)]
  const item = {
    kind,
    ...commonFields(rng, place),
    created_at: randomTimestamp(rng, created),
    collected_at,
    extent: kind === "table" ? null : place.extent
  }
  const content = {
    name,
    description,
    group,
    license,
    categories,
    tags: subject.tags,
    data,
    elevation_field: data.fields.some((field) => field.name === "elevation") ? "elevation" : ""
  }
  return { item, content, hasMetadata: rng.chance(0.7), created }
}

/** A version without the id and content the store gives it. */
export type VersionPlan = Omit<VersionRecord<never>, "id" | "content">

/** Versions for a new item, oldest first: `published` published ones, then the draft if any. */
export const planVersions = (
  rng: Rng,
  createdMs: number,
  published: number,
  draft: VersionStatus | false
): Array<VersionPlan> => {
  const plans: Array<VersionPlan> = []
  let at = createdMs
  const add = (status: VersionStatus, publishedAt: string | null) => {
    plans.push({
      status,
      created_at: randomTimestamp(rng, at),
      created_by: rng.pick(USERS).id,
      reference: rng.chance(0.2) ? `import-${formatDate(at).replaceAll("-", "")}` : "",
      progress: status === "ok" ? 1 : Math.round(rng.float() * 95) / 100,
      published_at: publishedAt
    })
    at += rng.int(1, 300) * day
  }
  for (let index = 0; index < published; index++) add("ok", randomTimestamp(rng, at + rng.int(1, 48) * hour))
  if (draft !== false) add(draft, null)
  return plans
}

/** The fields of a set that do not change between versions. */
export type SetItem = Pick<SetRecord, "user" | "geotags" | "public" | "popularity" | "created_at" | "publish_to_catalog_services">

/** A generated set. */
export type GeneratedSet = Generated<SetItem, SetContent>

/** The version history of a generated set: published once or twice, sometimes with a draft on top. */
export const randomSetPublishState = (rng: Rng): { readonly publishedVersions: number; readonly draft: boolean } => ({
  publishedVersions: rng.chance(0.8) ? 1 : 2,
  draft: rng.chance(0.2)
})

/** A random set holding a few of the given layers. */
export const randomSet = (rng: Rng, layers: ReadonlyArray<LayerRecord>): GeneratedSet => {
  const place = rng.pick(places)
  const group = rng.pick(place.groups)
  const title = `${place.name} ${rng.pick(setThemes)}`
  const created = randomInstant(rng)
  const content = {
    title,
    description: rng.chance(0.3) ? "" : `A curated collection of ${place.name} data from ${group.name}.`,
    group,
    items: rng.sample(layers, rng.int(0, 6)),
    categories: rng.chance(0.5) ? [rng.pick(CATEGORIES)] : [],
    tags: rng.sample(collectionTags, rng.int(0, 2))
  }
  const item = {
    user: rng.pick(USERS),
    ...commonFields(rng, place),
    created_at: randomTimestamp(rng, created),
    publish_to_catalog_services: rng.chance(0.5)
  }
  return { item, content, hasMetadata: rng.chance(0.3), created }
}

/** Every generated field of a document (the store adds the id). */
export type DocumentContent = Omit<DocumentRecord, "id" | "entity">

/** A random uploaded document. */
export const randomDocument = (rng: Rng): DocumentContent => {
  const place = rng.pick(places)
  const created = randomInstant(rng)
  const published = rng.chance(0.85) ? randomTimestamp(rng, created + rng.int(1, 72) * hour) : null
  const [topic, extensions] = rng.pick(documentTopics)
  return {
    name: `${place.name} ${topic} ${new Date(created).getUTCFullYear()}`,
    group: rng.pick(place.groups),
    extension: rng.pick(extensions),
    file_size: rng.int(20_000, 60_000_000),
    categories: rng.chance(0.4) ? [rng.pick(CATEGORIES)] : [],
    tags: rng.sample(collectionTags, rng.int(0, 1)),
    ...commonFields(rng, place),
    created_at: randomTimestamp(rng, created),
    updated_at: randomTimestamp(rng, created + rng.int(0, 100) * day),
    first_published_at: published,
    published_at: published
  }
}

/** A rectangle (`[longitude, latitude]` corners) as a one-polygon multi-polygon. */
const box = (west: number, south: number, east: number, north: number): MultiPolygon => ({
  type: "MultiPolygon",
  coordinates: [rectangle(west, south, east, north).coordinates]
})

/**
 * The crop layers every store offers as export extents: New Zealand regions and a few
 * territorial authorities (rough rectangles). They were made from layers 415 and 416,
 * which the store does not serve.
 */
export const CROP_LAYERS: ReadonlyArray<CropLayerRecord> = [
  {
    id: 1,
    name: "NZ Regions",
    source_layer: 415,
    features: [
      { id: 101, name: "Northland", geometry: box(172.6, -36.5, 174.9, -34.4) },
      { id: 102, name: "Auckland", geometry: box(174.2, -37.3, 175.6, -36.1) },
      { id: 103, name: "Waikato", geometry: box(174.6, -39.3, 176.3, -36.9) },
      { id: 104, name: "Wellington", geometry: box(174.6, -41.7, 176.3, -40.6) },
      { id: 105, name: "Canterbury", geometry: box(170, -44.9, 174.2, -41.9) },
      { id: 106, name: "Otago", geometry: box(167.9, -46.7, 171.3, -44) }
    ]
  },
  {
    id: 2,
    name: "NZ Territorial Authorities",
    source_layer: 416,
    features: [
      { id: 201, name: "Auckland", geometry: box(174.5, -37.1, 175, -36.7) },
      { id: 202, name: "Wellington City", geometry: box(174.6, -41.4, 174.9, -41.1) },
      { id: 203, name: "Christchurch City", geometry: box(172.4, -43.65, 172.8, -43.4) },
      { id: 204, name: "Dunedin City", geometry: box(170.2, -46, 170.7, -45.7) }
    ]
  }
]
