/**
 * The fake's in-memory state: reference data, every catalog item with its versions,
 * publishes and tokens, with ids handed out in increasing order. Tests shape it directly
 * (`addLayer`, `addSet`, `generateCatalog`, `failNextImport`, `completeImports`, `reset`)
 * and read it back to compute what the API should answer; the endpoints change it through
 * the lifecycle methods (drafts, imports, deletions, publishes, tokens).
 *
 * Imports advance as they are read: every {@link Store.pollImport} of an importing version
 * moves its progress one step, and after {@link Store.importPolls} reads the import ends,
 * `ok` with progress 1 — or `error` when {@link Store.failImports} is on or the layer was
 * named by {@link Store.failNextImport}.
 */
import { randomBytes } from "node:crypto"
import { ALL_SCOPES, type TokenScopes } from "./Auth.ts"
import {
  CATEGORIES,
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
import {
  type CatalogRecord,
  type Category,
  changedLayer,
  currentVersion,
  type GroupRecord,
  isActivePublish,
  type LayerChanges,
  type LayerContent,
  type LayerKind,
  type LayerRecord,
  latestVersion,
  type LicenseRecord,
  type MetadataDocument,
  type PublishRecord,
  type SetContent,
  type SetRecord,
  type TokenRecord,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord,
  type VersionStatus
} from "./Model.ts"
import { makeRng, type Rng } from "./Random.ts"
import { currentTimestamp, parseTimestamp } from "./Time.ts"
import { isoDocument } from "./Xml.ts"

/** How a {@link Store} runs imports and which tokens it starts with. */
export interface StoreOptions {
  /** Reads of an importing version until its import ends (a positive integer); default 2. */
  readonly importPolls?: number
  /** Every import ends in `error`; default false. */
  readonly failImports?: boolean
  /** Token key → scopes, each owned by the default user; default `{ "test-token": ALL_SCOPES }`. */
  readonly tokens?: TokenScopes
}

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
  /** Whether it carries a (generated) native metadata document; default random (70%). */
  readonly metadata?: boolean
  /** Ids of the datasources its data comes from (`[]` leaves nothing to import). */
  readonly datasources?: ReadonlyArray<number>
}

/** What {@link Store.addSet} accepts; anything left out is generated. */
export interface SetOptions {
  readonly title?: string
  readonly description?: string
  /** A group id from {@link Store.groups}. */
  readonly group?: number
  /** Ids of layers and tables in the store. */
  readonly items?: ReadonlyArray<number>
  /** Category slugs from {@link Store.categories}. */
  readonly categories?: ReadonlyArray<string>
  readonly tags?: ReadonlyArray<string>
  /** The creator, a user id from {@link Store.users}. */
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

/** What a new token holds; see {@link Store.createToken}. */
export interface NewToken {
  readonly name: string
  readonly scopes: ReadonlyArray<string>
  readonly user: UserRecord
  readonly expires_at: string | null
  readonly referrers: ReadonlyArray<string> | null
}

/** A user's sign-in for the password grant of `POST /tokens/`. */
export interface Credentials {
  /** The user's email. */
  readonly username: string
  readonly password: string
}

const firstItemId = 1001
const firstVersionId = 100_001
const firstPublishId = 5001
const firstTokenId = 700_001

const byId = <T extends { readonly id: number }>(list: ReadonlyArray<T>, id: number, what: string): T => {
  const found = list.find((item) => item.id === id)
  if (found === undefined) throw new Error(`Unknown ${what} id ${id}`)
  return found
}

const positivePolls = (polls: number): number => {
  if (!Number.isInteger(polls) || polls < 1) throw new Error(`importPolls must be a positive integer, got ${polls}`)
  return polls
}

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

/** The catalog the fake serves. */
export class Store {
  /** Publisher groups. */
  readonly groups: ReadonlyArray<GroupRecord> = GROUPS
  /** User accounts (each signs in with its `email` and `password`). */
  readonly users: ReadonlyArray<UserRecord> = USERS
  /** Licenses. */
  readonly licenses: ReadonlyArray<LicenseRecord> = LICENSES
  /** Categories. */
  readonly categories: ReadonlyArray<Category> = CATEGORIES
  /** The user owning the configured tokens: the first of {@link Store.users}. */
  readonly defaultUser: UserRecord = byId(USERS, 2001, "user")
  /** The default user's sign-in for `POST /tokens/`. */
  readonly defaultCredentials: Credentials = {
    username: this.defaultUser.email,
    password: this.defaultUser.password
  }
  /** While true, every import ends in `error`. */
  failImports: boolean

  readonly #seed: number
  readonly #configuredTokens: TokenScopes
  #importPolls: number
  #rng: Rng
  #items: Array<CatalogRecord> = []
  #layers: Array<LayerRecord> = []
  #sets: Array<SetRecord> = []
  #byId = new Map<number, CatalogRecord>()
  #publishes: Array<PublishRecord> = []
  #tokens: Array<TokenRecord> = []
  #failing = new Set<number>()
  #importReads = new WeakMap<VersionRecord<unknown>, number>()
  #nextItemId = firstItemId
  #nextVersionId = firstVersionId
  #nextPublishId = firstPublishId
  #nextTokenId = firstTokenId

  /** An empty store whose generated content depends only on `seed`. */
  constructor(seed = 1, options: StoreOptions = {}) {
    this.#seed = seed
    this.#rng = makeRng(seed)
    this.#importPolls = positivePolls(options.importPolls ?? 2)
    this.failImports = options.failImports ?? false
    this.#configuredTokens = options.tokens ?? { "test-token": ALL_SCOPES }
    this.#configureTokens()
  }

  /** Reads of an importing version until its import ends; throws unless a positive integer. */
  get importPolls(): number {
    return this.#importPolls
  }

  set importPolls(polls: number) {
    this.#importPolls = positivePolls(polls)
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
    const content: LayerContent = {
      ...generated,
      data: options.datasources === undefined
        ? generated.data
        : { ...generated.data, datasources: options.datasources.map((datasource) => ({ id: datasource })) },
      name,
      description,
      tags,
      group: options.group === undefined ? generated.group : byId(this.groups, options.group, "group"),
      license: options.license === undefined ? generated.license : byId(this.licenses, options.license, "license"),
      categories: options.categories?.map(categoryBySlug) ?? generated.categories,
      metadata: (options.metadata ?? hasMetadata)
        ? generatedMetadata("layer", id, { title: name, description, tags }, created_at)
        : null
    }
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, options.draft, content)
    return this.#addLayerRecord(id, {
      ...item,
      geotags: options.geotags ?? item.geotags,
      public: options.public ?? item.public,
      popularity: options.popularity ?? item.popularity,
      created_at
    }, versions)
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
      group: options.group === undefined ? generated.content.group : byId(this.groups, options.group, "group"),
      items: options.items?.map((item) => byId(this.#layers, item, "layer")) ?? generated.content.items,
      categories: options.categories?.map(categoryBySlug) ?? generated.content.categories,
      metadata: (options.metadata ?? generated.hasMetadata) ? generatedMetadata("set", id, described, created_at) : null
    }
    const draft = options.draft === undefined ? undefined : options.draft && "ok"
    const versions = this.#plannedVersions(createdMs, options.publishedVersions ?? 1, draft, content)
    const user = options.user === undefined ? generated.item.user : byId(this.users, options.user, "user")
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
   * Creates a layer as `POST /layers/` does: public, one draft version, importing. Its data
   * block (CRS, fields) is generated; content `changes` leave out defaults to no description,
   * tags or categories, the first group and Creative Commons Attribution 4.0 International.
   */
  createLayer(kind: LayerKind, changes: LayerChanges, user: UserRecord): LayerRecord {
    const { item, content } = randomLayer(this.#rng, kind)
    const defaults: LayerContent = {
      name: "",
      description: "",
      group: byId(this.groups, 101, "group"),
      license: byId(this.licenses, 4, "license"),
      categories: [],
      tags: [],
      data: content.data,
      elevation_field: "",
      metadata: null
    }
    const version = this.#newVersion(user, changedLayer(defaults, changes), "importing")
    const fields = { ...item, geotags: [], public: true, popularity: 0, created_at: version.created_at }
    return this.#addLayerRecord(this.#nextItemId++, fields, [version])
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
    const version = this.#newVersion(user, latestVersion(record).content, importing ? "importing" : "ok")
    record.versions.push(version)
    return version
  }

  /** Removes a version; removing the only one removes the whole item. */
  removeVersion(record: VersionedRecord, version: VersionRecord<unknown>): void {
    if (record.versions.length === 1) return this.removeItem(record)
    const versions: Array<VersionRecord<unknown>> = record.versions
    const index = versions.indexOf(version)
    if (index >= 0) versions.splice(index, 1)
  }

  /** Removes a layer, table or set; a removed layer also leaves every set that held it. */
  removeItem(record: VersionedRecord): void {
    this.#items = this.#items.filter((item) => item !== record)
    this.#layers = this.#layers.filter((item) => item !== record)
    this.#sets = this.#sets.filter((item) => item !== record)
    this.#byId.delete(record.id)
    if (record.entity !== "layer") return
    for (const set of this.#sets) {
      for (const version of set.versions) {
        if (version.content.items.includes(record)) {
          version.content = { ...version.content, items: version.content.items.filter((item) => item !== record) }
        }
      }
    }
  }

  /** Starts (or restarts) an import of a version: status `importing`, progress 0. */
  startImport(version: VersionRecord<unknown>): void {
    version.status = "importing"
    version.progress = 0
    this.#importReads.delete(version)
  }

  /**
   * One read of a version: an importing one moves a step on (progress climbs evenly, 0 →
   * 0.5 → … for a new import) and ends on its {@link importPolls}th read.
   */
  pollImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    if (version.status !== "importing") return
    const reads = (this.#importReads.get(version) ?? 0) + 1
    if (reads >= this.#importPolls) return this.#finishImport(record, version)
    version.progress += (1 - version.progress) / (this.#importPolls - reads + 1)
    this.#importReads.set(version, reads)
  }

  /** Makes the next import of this layer to end (running now or started later) end in `error`. */
  failNextImport(layerId: number): void {
    if (this.getLayer(layerId) === undefined) throw new Error(`Unknown layer id ${layerId}`)
    this.#failing.add(layerId)
  }

  /** Ends every running import now (in `ok`, or `error` where failures are due). */
  completeImports(): void {
    for (const layer of this.#layers) {
      for (const version of layer.versions) if (version.status === "importing") this.#finishImport(layer, version)
    }
  }

  /** Every publish, oldest first. */
  publishes(): ReadonlyArray<PublishRecord> {
    return [...this.#publishes]
  }

  /** The publish with this id. */
  getPublish(id: number): PublishRecord | undefined {
    return this.#publishes.find((publish) => publish.id === id)
  }

  /** Records a publish; returns it. */
  addPublish(fields: Omit<PublishRecord, "id" | "created_at">): PublishRecord {
    const publish = { id: this.#nextPublishId++, created_at: currentTimestamp(), ...fields }
    this.#publishes.push(publish)
    return publish
  }

  /** The publish still under way that holds this version, or a version of this item, if any. */
  activePublishOf(target: VersionRecord<unknown> | VersionedRecord): PublishRecord | undefined {
    return this.#publishes.find((publish) =>
      isActivePublish(publish) && publish.items.some((item) => item.version === target || item.record === target)
    )
  }

  /** Every token, oldest first. */
  tokens(): ReadonlyArray<TokenRecord> {
    return [...this.#tokens]
  }

  /** The token with this secret key. */
  tokenForKey(key: string): TokenRecord | undefined {
    return this.#tokens.find((token) => token.key === key)
  }

  /** Creates a token with a fresh 32-hex-digit key; returns it. */
  createToken(fields: NewToken): TokenRecord {
    return this.#addToken(randomBytes(16).toString("hex"), fields)
  }

  /** Removes a token: it stops authenticating at once. */
  removeToken(token: TokenRecord): void {
    this.#tokens = this.#tokens.filter((candidate) => candidate !== token)
  }

  /**
   * Empties the catalog and publishes, forgets pending import failures, restores the
   * configured tokens (dropping created ones), and restarts ids and the random sequence
   * (reference data and import settings stay).
   */
  reset(): void {
    this.#rng = makeRng(this.#seed)
    this.#items = []
    this.#layers = []
    this.#sets = []
    this.#byId.clear()
    this.#publishes = []
    this.#failing.clear()
    this.#nextItemId = firstItemId
    this.#nextVersionId = firstVersionId
    this.#nextPublishId = firstPublishId
    this.#configureTokens()
  }

  #configureTokens(): void {
    this.#tokens = []
    this.#nextTokenId = firstTokenId
    for (const [key, scopes] of Object.entries(this.#configuredTokens)) {
      this.#addToken(key, { name: "", scopes, user: this.defaultUser, expires_at: null, referrers: null })
    }
  }

  #addToken(key: string, fields: NewToken): TokenRecord {
    const token = { id: this.#nextTokenId++, key, created_at: currentTimestamp(), ...fields }
    this.#tokens.push(token)
    return token
  }

  #finishImport(record: VersionedRecord, version: VersionRecord<unknown>): void {
    this.#importReads.delete(version)
    const failed = this.#failing.delete(record.id) || this.failImports
    version.status = failed ? "error" : "ok"
    if (!failed) version.progress = 1
  }

  #newVersion<C>(user: UserRecord, content: C, status: VersionStatus): VersionRecord<C> {
    return {
      id: this.#nextVersionId++,
      status,
      created_at: currentTimestamp(),
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
    if (record.entity === "layer") this.#layers.push(record)
    if (record.entity === "set") this.#sets.push(record)
    this.#byId.set(record.id, record)
    return record
  }
}
