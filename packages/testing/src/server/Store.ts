/**
 * The fake's in-memory state: reference data plus every catalog item, with ids handed out in
 * increasing order. Tests shape it directly (`addLayer`, `generateCatalog`, `reset`) and read
 * it back to compute what the API should answer.
 */
import {
  CATEGORIES,
  categoryBySlug,
  GROUPS,
  LICENSES,
  planVersions,
  randomDocument,
  randomItemChoice,
  randomLayer,
  randomPublishState,
  randomSet,
  USERS
} from "./Generate.ts"
import type {
  CatalogRecord,
  Category,
  GroupRecord,
  LayerKind,
  LayerRecord,
  LicenseRecord,
  UserRecord,
  VersionStatus
} from "./Model.ts"
import { makeRng, type Rng } from "./Random.ts"
import { parseTimestamp } from "./Time.ts"

/** What {@link Store.addLayer} accepts; anything left out is generated. */
export interface LayerOptions {
  /** Default `vector`; `table` makes a table (served under `/tables/`). */
  readonly kind?: LayerKind
  readonly name?: string
  readonly description?: string
  /** A group id from {@link Store.groups}. */
  readonly group?: number
  /** A license id from {@link Store.licenses}. */
  readonly license?: number
  /** Category slugs from {@link Store.categories}. */
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
   * or `"ok"` when the layer was never published (a layer always has a version).
   */
  readonly draft?: VersionStatus | false
}

const firstItemId = 1001
const firstVersionId = 100_001

const byId = <T extends { readonly id: number }>(list: ReadonlyArray<T>, id: number, what: string): T => {
  const found = list.find((item) => item.id === id)
  if (found === undefined) throw new Error(`Unknown ${what} id ${id}`)
  return found
}

/** The catalog the fake serves. */
export class Store {
  /** Publisher groups. */
  readonly groups: ReadonlyArray<GroupRecord> = GROUPS
  /** User accounts. */
  readonly users: ReadonlyArray<UserRecord> = USERS
  /** Licenses. */
  readonly licenses: ReadonlyArray<LicenseRecord> = LICENSES
  /** Categories. */
  readonly categories: ReadonlyArray<Category> = CATEGORIES

  readonly #seed: number
  #rng: Rng
  #items: Array<CatalogRecord> = []
  #layers: Array<LayerRecord> = []
  #byId = new Map<number, CatalogRecord>()
  #nextItemId = firstItemId
  #nextVersionId = firstVersionId

  /** An empty store whose generated content depends only on `seed`. */
  constructor(seed = 1) {
    this.#seed = seed
    this.#rng = makeRng(seed)
  }

  /** Adds a layer or table; returns its (live) record. Throws on unknown ids or an invalid timestamp. */
  addLayer(options: LayerOptions = {}): LayerRecord {
    const { content, created: generated } = randomLayer(this.#rng, options.kind ?? "vector")
    const created_at = options.created_at ?? content.created_at
    const created = options.created_at === undefined ? generated : parseTimestamp(options.created_at)?.start
    if (created === undefined) throw new Error(`Invalid created_at "${created_at}"`)
    const group = options.group === undefined ? content.group : byId(this.groups, options.group, "group")
    const license = options.license === undefined ? content.license : byId(this.licenses, options.license, "license")
    const categories = options.categories?.map(categoryBySlug) ?? content.categories
    const publishedVersions = options.publishedVersions ?? 1
    const draft = options.draft ?? (publishedVersions === 0 ? "ok" : false)
    if (publishedVersions === 0 && draft === false) throw new Error("A layer needs at least one version")
    const versions = planVersions(this.#rng, created, publishedVersions, draft)
      .map((plan) => ({ id: this.#nextVersionId++, ...plan }))
    return this.#add({
      entity: "layer",
      id: this.#nextItemId++,
      ...content,
      name: options.name ?? content.name,
      description: options.description ?? content.description,
      group,
      license,
      categories,
      tags: options.tags ?? content.tags,
      geotags: options.geotags ?? content.geotags,
      public: options.public ?? content.public,
      popularity: options.popularity ?? content.popularity,
      created_at,
      versions
    })
  }

  /** Adds `count` random items (layers, tables, sets, documents); returns them. */
  generateCatalog(count: number): ReadonlyArray<CatalogRecord> {
    const added: Array<CatalogRecord> = []
    for (let index = 0; index < count; index++) {
      const choice = randomItemChoice(this.#rng)
      if (choice === "set") {
        added.push(this.#add({ entity: "set", id: this.#nextItemId++, ...randomSet(this.#rng, this.#layers) }))
      } else if (choice === "document") {
        added.push(this.#add({ entity: "document", id: this.#nextItemId++, ...randomDocument(this.#rng) }))
      } else {
        added.push(this.addLayer({ kind: choice, ...randomPublishState(this.#rng) }))
      }
    }
    return added
  }

  /** The layer or table with this id. */
  getLayer(id: number): LayerRecord | undefined {
    const record = this.#byId.get(id)
    return record?.entity === "layer" ? record : undefined
  }

  /** Every layer and table, by id. */
  layers(): ReadonlyArray<LayerRecord> {
    return [...this.#layers]
  }

  /** Every catalog item, by id. */
  catalogItems(): ReadonlyArray<CatalogRecord> {
    return [...this.#items]
  }

  /** Empties the catalog and restarts ids and the random sequence (reference data stays). */
  reset(): void {
    this.#rng = makeRng(this.#seed)
    this.#items = []
    this.#layers = []
    this.#byId.clear()
    this.#nextItemId = firstItemId
    this.#nextVersionId = firstVersionId
  }

  #add<T extends CatalogRecord>(record: T): T {
    this.#items.push(record)
    if (record.entity === "layer") this.#layers.push(record)
    this.#byId.set(record.id, record)
    return record
  }
}
