/**
 * The catalog's state: layers, tables, sets and documents, the versions of layers, tables
 * and sets, and the imports of layer versions, with ids handed out in increasing order.
 * An import runs as a job on the fake's clock (Jobs.ts): `importing`, its progress climbing,
 * then `ok` with progress 1 — or `error` when `failImports` is on or the layer was named
 * by {@link CatalogStore.failNextImport}.
 */
import type { FakeClock } from "./Clock.ts"
import type { GeometryKind } from "./Features.ts"
import {
  categoryBySlug,
  GROUPS,
  type LayerItem,
  LICENSES,
  planVersions,
  randomDocument,
  randomItemChoice,
  randomLayer,
  randomPublishState,
  randomSet,
  randomSetPublishState,
  type SetItem,
  USERS,
  type VersionPlan
} from "./Generate.ts"
import { Jobs } from "./Jobs.ts"
import {
  byId,
  type CatalogRecord,
  changedLayer,
  currentVersion,
  type ItemView,
  type LayerChanges,
  type LayerContent,
  type LayerField,
  type LayerKind,
  type LayerRecord,
  latestVersion,
  type MetadataDocument,
  type Polygon,
  publishedView,
  type SetContent,
  type SetRecord,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord,
  type VersionStatus
} from "./Model.ts"
import { makeRng, type Rng } from "./Random.ts"
import { formatTimestamp, parseTimestamp } from "./Time.ts"
import { isoDocument } from "./Xml.ts"

/**
 * What {@link CatalogStore.addLayer} accepts; anything left out is generated.
 *
 * @since 0.1.0
 */
export interface LayerOptions {
  /** Default `vector`; `table` makes a table (served under `/tables/`). */
  readonly kind?: LayerKind
  readonly name?: string
  readonly description?: string
  /** A group id from `store.groups`. */
  readonly group?: number
  /** A license id from `store.licenses`. */
  readonly license?: number
  /** Category slugs from `store.categories`. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  readonly geotags?: ReadonlyArray<string>
  readonly public?: boolean
  readonly popularity?: number
  /** An ISO timestamp, written as given. */
  readonly created_at?: string
  /** How many published versions the layer has had (default 1; 0 = never published). */
  readonly publishedVersions?: number
  /**
   * Status of an unpublished newest version (the draft); `false` for none. Default: none,
   * or `"ok"` when the layer was never published (a layer always has a version). An
   * `importing` draft's import starts with the layer.
   */
  readonly draft?: VersionStatus | false
  /** Whether it carries a (generated) native metadata document; default random (70%). */
  readonly metadata?: boolean
  /** Ids of the datasources its data comes from (`[]` leaves nothing to import). */
  readonly datasources?: ReadonlyArray<number>
  /**
   * The area it covers; default its place's (null for a table).
   *
   * @since 0.2.0
   */
  readonly extent?: Polygon | null
  /**
   * Features (rows, for a table) its first published version loads; default 40–400, drawn
   * from the seed. They are generated on demand, so millions cost nothing up front.
   *
   * @since 0.2.0
   */
  readonly features?: number
  /**
   * The geometry of its features; default from its name (centrelines are lines, footprints
   * polygons…), else drawn from the seed.
   *
   * @since 0.2.0
   */
  readonly geometryType?: GeometryKind
  /**
   * Whether its key field is a declared primary key (changesets need one); default drawn
   * from the seed (three layers in four have one).
   *
   * @since 0.2.0
   */
  readonly primaryKey?: boolean
}

/**
 * What {@link CatalogStore.addSet} accepts; anything left out is generated.
 *
 * @since 0.1.0
 */
export interface SetOptions {
  readonly title?: string
  readonly description?: string
  /** A group id from `store.groups`. */
  readonly group?: number
  /** Ids of layers and tables in the store. */
  readonly items?: ReadonlyArray<number>
  /** Category slugs from `store.categories`. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  /** The creator, a user id from `store.users`. */
  readonly user?: number
  /** An ISO timestamp, written as given. */
  readonly created_at?: string
  /** How many published versions the set has had (default 1; 0 = never published). */
  readonly publishedVersions?: number
  /** Whether the newest version is an unpublished draft; default: none, or a draft when never published. */
  readonly draft?: boolean
  /** Whether it carries a (generated) native metadata document; default random (30%). */
  readonly metadata?: boolean
}

const firstItemId = 1001
const firstVersionId = 100_001

/** The key field of generated fields: the first integer column. */
const keyFieldOf = (fields: ReadonlyArray<LayerField>): Array<string> =>
  fields.filter((field) => field.type === "integer").slice(0, 1).map((field) => field.name)

const instantOf = (timestamp: string): number => {
  const instant = parseTimestamp(timestamp)?.start
  if (instant === undefined) throw new Error(`Invalid created_at "${timestamp}"`)
  return instant
}

/**
 * Gives versioned records read-only content fields (every key of `C`, listed in `keys`)
 * that read the record's current version.
 */
const contentFields = <C>(keys: Record<keyof C, true>) => <R extends Versioned<C>>(record: R): R & Readonly<C> => {
  for (const key of Object.keys(keys) as Array<keyof C>) {
    Object.defineProperty(record, key, { enumerable: true, get: () => currentVersion(record).content[key] })
  }
  return record as R & Readonly<C>
}

const withLayerContent = contentFields<LayerContent>({
  name: true,
  description: true,
  group: true,
  license: true,
  categories: true,
  tags: true,
  data: true,
  elevation_field: true,
  metadata: true
})

const withSetContent = contentFields<SetContent>({
  title: true,
  description: true,
  group: true,
  items: true,
  categories: true,
  tags: true,
  metadata: true
})

/** What a generated metadata document describes. */
interface Described {
  readonly title: string
  readonly description: string
  readonly tags: ReadonlyArray<string>
}

/** A generated native metadata document (ISO 19139) for a new item. */
const generatedMetadata = (entity: string, id: number, item: Described, created: string): MetadataDocument =>
  Buffer.from(isoDocument({
    identifier: `urn:koordinates:${entity}:${id}`,
    title: item.title,
    abstract: item.description,
    keywords: item.tags,
    created,
    published: null
  }))

/** Layers, tables, sets and documents, with their versions and imports. */
export class CatalogStore {
  /** While true, every import ends in `error`. */
  failImports: boolean

  readonly #seed: number
  readonly #clock: FakeClock
  readonly #importLength: () => number
  readonly #imports: Jobs<VersionRecord<unknown>>
  /** When each import ended (ms since the epoch), for publishes waiting on it. */
  #importEnds = new WeakMap<VersionRecord<unknown>, number>()
  #rng: Rng
  #items: Array<CatalogRecord> = []
  /** Counts changes to the catalog, for {@link publishedViews}. */
  #revision = 0
  #published: { readonly revision: number; readonly views: ReadonlyArray<ItemView> } | undefined
  #layers: Array<LayerRecord> = []
  #sets: Array<SetRecord> = []
  #byId = new Map<number, CatalogRecord>()
  #failing = new Set<number>()
  #nextItemId = firstItemId
  #nextVersionId = firstVersionId

  /**
   * An empty catalog whose generated content depends only on `seed`; imports last
   * `importLength()` on `clock`, and `due` is called when one's time runs out.
   */
  constructor(seed: number, clock: FakeClock, importLength: () => number, failImports: boolean, due: () => void) {
    this.#seed = seed
    this.#rng = makeRng(seed)
    this.#clock = clock
    this.#importLength = importLength
    this.#imports = new Jobs(clock, due)
    this.failImports = failImports
  }

  /** Adds a layer or table; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addLayer(options: LayerOptions = {}): LayerRecord {
    const { item, content: generated, hasMetadata, created } = randomLayer(this.#rng, options.kind ?? "vector")
    const created_at = options.created_at ?? item.created_at
    const createdMs = options.created_at === undefined ? created : instantOf(created_at)
    const id = this.#nextItemId++
    const name = options.name ?? generated.name
    const description = options.description ?? generated.description
    const tags = options.tags ?? generated.tags
    const keyed = options.primaryKey === undefined || generated.data.fields.length === 0
      ? generated.data
      : { ...generated.data, primary_key_fields: options.primaryKey ? keyFieldOf(generated.data.fields) : [] }
    const content: LayerContent = {
      ...generated,
      data: options.datasources === undefined
        ? keyed
        : { ...keyed, datasources: options.datasources.map((datasource) => ({ id: datasource })) },
      name,
      description,
      tags,
      group: options.group === undefined ? generated.group : byId(GROUPS, options.group, "group"),
      license: options.license === undefined ? generated.license : byId(LICENSES, options.license, "license"),
      categories: options.categories?.map(categoryBySlug) ?? generated.categories,
      metadata: (options.metadata ?? hasMetadata)
        ? generatedMetadata("layer", id, { title: name, description, tags }, created_at)
        : null
    }
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, options.draft, content)
    const layer = this.#addLayerRecord(id, {
      ...item,
      geotags: options.geotags ?? item.geotags,
      public: options.public ?? item.public,
      popularity: options.popularity ?? item.popularity,
      created_at,
      extent: options.extent === undefined ? item.extent : options.extent
    }, versions)
    for (const version of versions) if (version.status === "importing") this.#runImport(layer, version)
    return layer
  }

  /** Adds a set; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addSet(options: SetOptions = {}): SetRecord {
    const generated = randomSet(this.#rng, this.#layers)
    const created_at = options.created_at ?? generated.item.created_at
    const createdMs = options.created_at === undefined ? generated.created : instantOf(created_at)
    const id = this.#nextItemId++
    const described = {
      title: options.title ?? generated.content.title,
      description: options.description ?? generated.content.description,
      tags: options.tags ?? generated.content.tags
    }
    const content: SetContent = {
      ...generated.content,
      ...described,
      group: options.group === undefined ? generated.content.group : byId(GROUPS, options.group, "group"),
      items: options.items?.map((item) => byId(this.#layers, item, "layer")) ?? generated.content.items,
      categories: options.categories?.map(categoryBySlug) ?? generated.content.categories,
      metadata: (options.metadata ?? generated.hasMetadata) ? generatedMetadata("set", id, described, created_at) : null
    }
    const draft = options.draft === undefined ? undefined : options.draft && "ok"
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, draft, content)
    const user = options.user === undefined ? generated.item.user : byId(USERS, options.user, "user")
    return this.#addSetRecord(id, { ...generated.item, user, created_at }, versions)
  }

  /** Adds `count` random items (layers, tables, sets, documents); returns them. */
  generateCatalog(count: number): ReadonlyArray<CatalogRecord> {
    const added: Array<CatalogRecord> = []
    for (let index = 0; index < count; index++) {
      const choice = randomItemChoice(this.#rng)
      if (choice === "set") added.push(this.addSet(randomSetPublishState(this.#rng)))
      else if (choice === "document") {
        added.push(this.#add({ entity: "document", id: this.#nextItemId++, ...randomDocument(this.#rng) }))
      } else added.push(this.addLayer({ kind: choice, ...randomPublishState(this.#rng) }))
    }
    return added
  }

  /** The layer or table with this id. */
  getLayer(id: number): LayerRecord | undefined {
    const record = this.#byId.get(id)
    return record?.entity === "layer" ? record : undefined
  }

  /** The set with this id. */
  getSet(id: number): SetRecord | undefined {
    const record = this.#byId.get(id)
    return record?.entity === "set" ? record : undefined
  }

  /** Every layer and table, by id. */
  layers(): ReadonlyArray<LayerRecord> {
    return [...this.#layers]
  }

  /** Every set, by id. */
  sets(): ReadonlyArray<SetRecord> {
    return [...this.#sets]
  }

  /** Every catalog item, by id. */
  catalogItems(): ReadonlyArray<CatalogRecord> {
    return [...this.#items]
  }

  /**
   * Every catalog item that has a published version, at that version, by id. Kept between
   * reads while nothing it depends on changes — which items there are, their versions, and
   * which versions are published (see {@link changed}; the store's own methods make every
   * such change) — so reading a large catalog page by page does not walk all of it for
   * every page.
   */
  publishedViews(): ReadonlyArray<ItemView> {
    if (this.#published?.revision !== this.#revision) {
      const views: Array<ItemView> = []
      for (const record of this.#items) {
        const view = publishedView(record)
        if (view !== undefined) views.push(view)
      }
      this.#published = { revision: this.#revision, views }
    }
    return this.#published.views
  }

  /** Marks the catalog as changed: an item, a version or a publication came or went. */
  changed(): void {
    this.#revision++
  }

  /**
   * Creates a layer as `POST /layers/` does: public, one draft version, importing. Its data
   * block (CRS, fields) is generated; content `changes` leave out defaults to no description,
   * tags or categories, the first group and Creative Commons Attribution 4.0 International.
   */
  createLayer(kind: LayerKind, changes: LayerChanges, user: UserRecord): LayerRecord {
    const { item, content } = randomLayer(this.#rng, kind)
    const defaults: LayerContent = {
      name: "",
      description: "",
      group: byId(GROUPS, 101, "group"),
      license: byId(LICENSES, 4, "license"),
      categories: [],
      tags: [],
      data: content.data,
      elevation_field: "",
      metadata: null
    }
    const version = this.#newVersion(user, changedLayer(defaults, changes), "importing")
    const fields = { ...item, geotags: [], public: true, popularity: 0, created_at: version.created_at }
    const layer = this.#addLayerRecord(this.#nextItemId++, fields, [version])
    this.#runImport(layer, version)
    return layer
  }

  /** Creates a set as `POST /sets/` does: public, one draft version with the given content. */
  createSet(content: Omit<SetContent, "metadata">, user: UserRecord): SetRecord {
    const version = this.#newVersion(user, { ...content, metadata: null }, "ok")
    const fields = {
      user,
      geotags: [],
      public: true,
      popularity: 0,
      created_at: version.created_at,
      publish_to_catalog_services: false
    }
    return this.#addSetRecord(this.#nextItemId++, fields, [version])
  }

  /** Adds a draft copying the newest version's content, importing it when `importing`; returns it. */
  addDraft<C>(record: Versioned<C>, user: UserRecord, importing: boolean): VersionRecord<C> {
    const version = this.#newVersion(user, latestVersion<C>(record).content, importing ? "importing" : "ok")
    record.versions.push(version)
    this.changed()
    if (importing) this.#runImport(record, version)
    return version
  }

  /** Removes a version; removing the only one removes the whole item. */
  removeVersion(record: VersionedRecord, version: VersionRecord<unknown>): void {
    if (record.versions.length === 1) return this.removeItem(record)
    const versions: Array<VersionRecord<unknown>> = record.versions
    const index = versions.indexOf(version)
    if (index >= 0) versions.splice(index, 1)
    this.changed()
    this.#imports.stop(version)
  }

  /** Removes a layer, table or set; a removed layer also leaves every set that held it. */
  removeItem(record: VersionedRecord): void {
    this.#items = this.#items.filter((item) => item !== record)
    this.changed()
    this.#layers = this.#layers.filter((item) => item !== record)
    this.#sets = this.#sets.filter((item) => item !== record)
    this.#byId.delete(record.id)
    for (const version of record.versions) this.#imports.stop(version)
    if (record.entity !== "layer") return
    for (const set of this.#sets) {
      for (const version of set.versions) {
        if (version.content.items.includes(record)) {
          version.content = { ...version.content, items: version.content.items.filter((item) => item !== record) }
        }
      }
    }
  }

  /** Starts (or restarts) an import of a version of this layer: status `importing`, progress 0. */
  startImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    version.status = "importing"
    version.progress = 0
    this.#runImport(record, version)
  }

  /** A read of a version: on the `per-read` clock an importing one moves a step on. */
  pollImport(version: VersionRecord<unknown>): void {
    this.#imports.read(version)
  }

  /** When the import of this version ended (ms since the epoch), if one ran. */
  importEndedAt(version: VersionRecord<unknown>): number | undefined {
    return this.#importEnds.get(version)
  }

  /** Makes the next import of this layer to end (running now or started later) end in `error`. */
  failNextImport(layerId: number): void {
    if (this.getLayer(layerId) === undefined) throw new Error(`Unknown layer id ${layerId}`)
    this.#failing.add(layerId)
  }

  /** Ends every running import now (in `ok`, or `error` where failures are due). */
  completeImports(): void {
    this.#imports.finish()
  }

  /** Brings the imports up to the clock. */
  settle(): void {
    this.#imports.settle()
  }

  /** Empties the catalog, forgets pending failures, and restarts ids and the random sequence. */
  reset(): void {
    this.#rng = makeRng(this.#seed)
    this.#items = []
    this.changed()
    this.#layers = []
    this.#sets = []
    this.#byId.clear()
    this.#failing.clear()
    this.#imports.clear()
    this.#importEnds = new WeakMap()
    this.#nextItemId = firstItemId
    this.#nextVersionId = firstVersionId
  }

  /** Runs the import of a version (from its current progress) as a job. */
  #runImport(record: Versioned<unknown>, version: VersionRecord<unknown>): void {
    this.#imports.start(version, this.#importLength(), {
      progress: version.progress,
      update: (progress) => {
        version.progress = progress
      },
      end: (at) => {
        const failed = this.#failing.delete(record.id) || this.failImports
        version.status = failed ? "error" : "ok"
        if (!failed) version.progress = 1
        this.#importEnds.set(version, at)
      }
    })
  }

  #newVersion<C>(user: UserRecord, content: C, status: VersionStatus): VersionRecord<C> {
    return {
      id: this.#nextVersionId++,
      status,
      created_at: formatTimestamp(this.#clock.now(), "millis"),
      created_by: user.id,
      reference: "",
      progress: status === "importing" ? 0 : 1,
      published_at: null,
      content
    }
  }

  #plannedVersions<C>(
    createdMs: number,
    publishedVersions: number,
    draftOption: VersionStatus | false | undefined,
    content: C
  ): Array<VersionRecord<C>> {
    const draft = draftOption ?? (publishedVersions === 0 ? "ok" : false)
    if (publishedVersions === 0 && draft === false) throw new Error("An item needs at least one version")
    return planVersions(this.#rng, createdMs, publishedVersions, draft)
      .map((plan: VersionPlan) => ({ id: this.#nextVersionId++, ...plan, content }))
  }

  #addLayerRecord(id: number, item: LayerItem, versions: Array<VersionRecord<LayerContent>>): LayerRecord {
    return this.#add(withLayerContent({ entity: "layer" as const, id, ...item, versions }))
  }

  #addSetRecord(id: number, item: SetItem, versions: Array<VersionRecord<SetContent>>): SetRecord {
    return this.#add(withSetContent({ entity: "set" as const, id, ...item, versions }))
  }

  #add<T extends CatalogRecord>(record: T): T {
    this.#items.push(record)
    this.changed()
    if (record.entity === "layer") this.#layers.push(record)
    if (record.entity === "set") this.#sets.push(record)
    this.#byId.set(record.id, record)
    return record
  }
}
