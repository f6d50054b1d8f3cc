/**
 * Sets: curated groups of layers and tables, versioned and published like layers.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Sets from "@koordinates-effect/client/Sets"
 *
 * declare const roadsUrl: string
 * declare const railUrl: string
 *
 * const program = Effect.gen(function*() {
 *   const set = yield* Sets.create({ title: "Transport", group: 141, items: [roadsUrl, railUrl] })
 *   const publish = yield* Sets.publishVersion(set.id, set.version!.id)
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { CallError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import { Category, Layer, versionFilterKeys } from "./Layers.ts"
import { Metadata } from "./Metadata.ts"
import { Group, User } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { Id, NonBlank, optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"
import * as Versioned from "./internal/versioned.ts"
import type * as Xml from "./internal/xml.ts"

/**
 * A version of a set.
 *
 * @example
 * ```ts
 * const versions = yield* Query.collect(Sets.listVersions(5)) // SetVersion[]
 * ```
 * @since 0.1.0
 * @category models
 */
export class SetVersion extends /* @__PURE__ */ Schema.Class<SetVersion>("@koordinates-effect/client/SetVersion")({
  id: Schema.Number,
  url: Schema.String,
  created_at: Timestamp
}) {}

/**
 * A set at one version. Older sets carry fewer fields, so most are optional; `version` is
 * present when fetched through a version endpoint. `items` are the URLs of its layers and
 * tables, or the layers themselves when asked for with `{ expand: ["items"] }`.
 *
 * @example
 * ```ts
 * const set = yield* Sets.get(933)
 * set.items?.length
 * ```
 * @since 0.1.0
 * @category models
 */
export class Set extends /* @__PURE__ */ Schema.Class<Set>("@koordinates-effect/client/Set")({
  id: Schema.Number,
  url: Schema.String,
  title: Schema.String,
  type: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  description_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Category)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  group: /* @__PURE__ */ Schema.optionalKey(Group),
  user: /* @__PURE__ */ Schema.optionalKey(User),
  items: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.Union([Schema.String, Layer]))),
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  thumbnail_url: /* @__PURE__ */ optionalNullable(Schema.String),
  metadata: /* @__PURE__ */ optionalNullable(Metadata),
  publish_to_catalog_services: /* @__PURE__ */ Schema.optionalKey(Schema.Boolean),
  active_publish: /* @__PURE__ */ optionalNullable(Schema.Unknown),
  permissions: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  settings: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, Schema.Unknown)),
  latest_version: /* @__PURE__ */ optionalNullable(Schema.String),
  published_version: /* @__PURE__ */ optionalNullable(Schema.String),
  this_version: /* @__PURE__ */ optionalNullable(Schema.String),
  publisher: /* @__PURE__ */ optionalNullable(Schema.String),
  created_at: /* @__PURE__ */ optionalNullable(Timestamp),
  version: /* @__PURE__ */ Schema.optionalKey(SetVersion)
}) {}

const sets = { module: "Sets", path: "/sets/", idField: "setId", schema: Set } as const satisfies Versioned.Resource<Set>

/**
 * Every set of the site (no filters or ordering: the API has none for sets).
 *
 * @example
 * ```ts
 * const all = yield* Query.collect(Sets.list())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Sets.list", "/sets/", Set)

/**
 * Sets whose newest version is a draft.
 *
 * @example
 * ```ts
 * const drafts = yield* Query.collect(Sets.listDrafts())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listDrafts = /* @__PURE__ */ Endpoint.list("Koordinates.Sets.listDrafts", "/sets/drafts/", Set)

/**
 * The versions of a set, newest first; filterable on `data`.
 *
 * @example
 * ```ts
 * const versions = yield* Query.collect(Sets.listVersions(5))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listVersions = /* @__PURE__ */ Endpoint.list(
  "Koordinates.Sets.listVersions",
  "/sets/{setId}/versions/",
  SetVersion,
  { expandedSchema: Set, filterKeys: versionFilterKeys }
)

/**
 * A set by id.
 *
 * @example
 * ```ts
 * const set = yield* Sets.get(933)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Versioned.get(sets)

/**
 * A set at one of its versions.
 *
 * @example
 * ```ts
 * const v = yield* Sets.getVersion(5, 10)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getVersion = /* @__PURE__ */ Versioned.getVersion(sets)

/**
 * A set at its draft version; `NotFound` when it has none.
 *
 * @example
 * ```ts
 * const draft = yield* Sets.getDraft(5)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getDraft = /* @__PURE__ */ Versioned.getNamedVersion(sets, "draft")

/**
 * A set at its published version; `NotFound` when never published.
 *
 * @example
 * ```ts
 * const published = yield* Sets.getPublished(5)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getPublished = /* @__PURE__ */ Versioned.getNamedVersion(sets, "published")

/**
 * Whether this set object is its set's published version.
 *
 * @example
 * ```ts
 * Sets.isPublishedVersion(yield* Sets.getPublished(5)) // true
 * ```
 * @since 0.1.0
 * @category guards
 */
export const isPublishedVersion: (set: Set) => boolean = Versioned.isPublishedVersion

/**
 * Whether this set object is its set's draft.
 *
 * @example
 * ```ts
 * Sets.isDraftVersion(yield* Sets.getDraft(5)) // true
 * ```
 * @since 0.1.0
 * @category guards
 */
export const isDraftVersion: (set: Set) => boolean = Versioned.isDraftVersion

const itemUrl = /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^https?:\/\/[^/]+\/.*\/(layers|tables)\/\d+\/$/))

/**
 * What a new set needs: a title; optionally a description, group (id), items (layer or
 * table URLs), categories and tags. Checked before any request.
 *
 * @example
 * ```ts
 * declare const layer: Layers.Layer
 * const input: Sets.NewSet = { title: "Transport", group: 141, items: [layer.url] }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const NewSet = /* @__PURE__ */ Schema.Struct({
  title: NonBlank,
  description: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  group: /* @__PURE__ */ Schema.optionalKey(Id),
  items: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(itemUrl)),
  categories: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String)),
  tags: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Schema.String))
})

/**
 * What a new set needs (see {@link NewSet}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type NewSet = typeof NewSet.Type

/**
 * Changes to a draft set version: any of {@link NewSet}'s fields.
 *
 * @example
 * ```ts
 * declare const roads: Layers.Layer
 * declare const rail: Layers.Layer
 * const changes: Sets.SetChanges = { items: [roads.url, rail.url] }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const SetChanges = /* @__PURE__ */ NewSet.mapFields((fields) => ({
  ...fields,
  title: Schema.optionalKey(fields.title)
}))

/**
 * Changes to a draft set version (see {@link SetChanges}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type SetChanges = typeof SetChanges.Type

/**
 * Creates a set (as a draft) and returns it.
 *
 * @example
 * ```ts
 * declare const roads: Layers.Layer
 * const set = yield* Sets.create({ title: "Transport", group: 141, items: [roads.url] })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Endpoint.create("Koordinates.Sets.create", "/sets/", NewSet, Set)

/**
 * Creates a draft version of a set; `Conflict` when it has one.
 *
 * @example
 * ```ts
 * const draft = yield* Sets.createDraft(5)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const createDraft = /* @__PURE__ */ Versioned.createDraft(sets)

/**
 * Changes a draft version; `NotAllowed` for a published one.
 *
 * @example
 * ```ts
 * yield* Sets.update(5, 11, { description: "Roads and rail" })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const update = /* @__PURE__ */ Effect.fn("Koordinates.Sets.update")(
  function*(setId: number, versionId: number, changes: SetChanges): Effect.fn.Return<Set, CallError, Koordinates> {
    const checked = yield* Validate.input(SetChanges, changes)
    return yield* Versioned.putVersion(sets, setId, versionId, checked)
  }
)

/**
 * Publishes one version of a set; returns the Publish.
 *
 * @example
 * ```ts
 * const publish = yield* Sets.publishVersion(5, 11)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const publishVersion = /* @__PURE__ */ Versioned.publishVersion(sets)

/**
 * Deletes a draft version; `NotAllowed` for a published one.
 *
 * @example
 * ```ts
 * yield* Sets.deleteVersion(5, 11)
 * ```
 * @since 0.1.0
 * @category writes
 */
export const deleteVersion = /* @__PURE__ */ Versioned.deleteVersion(sets)

const deleteSet = /* @__PURE__ */ Versioned.remove(sets, "delete")

export {
  /**
   * Deletes a set and all its versions.
   *
   * @example
   * ```ts
   * yield* Sets.delete(5)
   * ```
   * @since 0.1.0
   * @category writes
   */
  deleteSet as delete
}

/**
 * Sets a set's metadata from an XML document (text, bytes or a byte `Stream`); with
 * `versionId`, that draft version's.
 *
 * @example
 * ```ts
 * declare const xml: string
 * yield* Sets.setMetadata(5, xml, { versionId: 11 })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const setMetadata = /* @__PURE__ */ Effect.fn("Koordinates.Sets.setMetadata")(
  function*(
    setId: number,
    xml: Xml.XmlInput,
    options?: { readonly versionId?: number }
  ): Effect.fn.Return<void, CallError, Koordinates> {
    yield* Validate.id("setId", setId)
    const versionId = options?.versionId
    if (versionId !== undefined) yield* Validate.id("versionId", versionId)
    yield* Versioned.postMetadata(`/sets/${setId}/${versionId === undefined ? "" : `versions/${versionId}/`}`, xml)
  }
)

/**
 * The set's items as `Layer`s, in order: items the set already holds in full (fetched with
 * `{ expand: ["items"] }`) are used as they are; each one given by URL is fetched.
 *
 * @example
 * ```ts
 * const layers = yield* Sets.getItems(yield* Sets.get(933, { expand: ["items"] })) // no further request
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getItems = /* @__PURE__ */ Effect.fn("Koordinates.Sets.getItems")(function*(
  set: Set
): Effect.fn.Return<Array<Layer>, CallError, Koordinates> {
  return yield* Effect.forEach(
    set.items ?? [],
    (item) => typeof item === "string" ? Http.json({ method: "GET", path: item }, Layer) : Effect.succeed(item),
    { concurrency: 4 }
  )
})
