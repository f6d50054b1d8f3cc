/**
 * The lifecycle every versioned item shares (layers and tables, sets): reading it at a
 * version, listing versions, new drafts, edits, deleting versions and items, and publishing
 * a version. A module describes its kind of item once as a {@link Resource}; the route table
 * builds each endpoint from it.
 *
 * Rules: only the newest version may be unpublished (a second draft is 409); published
 * versions cannot be edited or deleted (405); a version or item under an active publish
 * cannot be deleted (409); showing a version is a read of its import (CatalogStore.ts).
 */
import { type Fields, type JsonObject, jsonBody, present } from "./Body.ts"
import {
  callerOf,
  created,
  expandsList,
  HttpError,
  noContent,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import {
  type Category,
  currentVersion,
  draftVersion,
  findVersion,
  type GroupRecord,
  latestVersion,
  type MetadataDocument,
  publishedVersion,
  type Versioned,
  type VersionedRecord,
  type VersionRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { publishUrl, startPublish } from "./Publishing.ts"
import type { Urls } from "./Render.ts"
import type { Store } from "./Store.ts"

/** Content fields every versioned item has. */
export interface SharedContent {
  readonly description: string
  readonly tags: ReadonlyArray<string>
  readonly metadata: MetadataDocument | null
}

/** Edits to the content fields layers and sets share. */
export interface SharedChanges {
  readonly description?: string
  readonly group?: GroupRecord
  readonly categories?: ReadonlyArray<Category>
  readonly tags?: ReadonlyArray<string>
}

/**
 * Reads the content fields layers and sets share from a body: `description`, `group` (an
 * id, or an object with one), `categories` (slugs, or objects with one) and `tags`.
 */
export const sharedChanges = (store: Store, fields: Fields, groupRequired: boolean): SharedChanges =>
  present({
    description: fields.text("description"),
    group: fields.reference("group", store.groups, groupRequired),
    categories: fields.slugs("categories", store.categories),
    tags: fields.texts("tags")
  })

/** One kind of versioned item (`C` its content, `R` its record), as its endpoints need it. */
export interface Resource<C extends SharedContent, R extends VersionedRecord & Versioned<C>> {
  /** The item the path names (`{id}`); throws 404 when there is none. */
  readonly find: (context: RequestContext, params: PathParams) => R
  /** The item's title in a content. */
  readonly title: (content: C) => string
  /** The item at a version, as its endpoints answer; `withVersion` adds the `version` object. */
  readonly render: (context: RequestContext, record: R, version: VersionRecord<C>, withVersion: boolean) => unknown
  /** An element of the versions list. */
  readonly renderVersion: (urls: Urls, record: R, version: VersionRecord<C>) => unknown
  /** Validates a `PUT` body (400 with field errors) and applies it to a draft version of the item. */
  readonly edit: (context: RequestContext, record: R, version: VersionRecord<C>, body: JsonObject) => void
}

/** Picks the version an endpoint works on, from the item and the path. */
export type VersionLookup = <C>(record: Versioned<C>, params: PathParams) => VersionRecord<C> | undefined

/** The version `{version}` in the path. */
export const atParam: VersionLookup = (record, params) => findVersion(record, pathParam(params, "version"))
/** The draft. */
export const atDraft: VersionLookup = (record) => draftVersion(record)
/** The published version. */
export const atPublished: VersionLookup = (record) => publishedVersion(record)
/** The version the item's own endpoint shows: published, else the draft. */
export const atCurrent: VersionLookup = (record) => currentVersion(record)
/** The newest version. */
export const atLatest: VersionLookup = (record) => latestVersion(record)

/** An item and one of its versions. */
export interface Located<C, R> {
  readonly record: R
  readonly version: VersionRecord<C>
}

/** The item and version an endpoint works on; 404 when either is missing. */
export const locate = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  context: RequestContext,
  resource: Resource<C, R>,
  params: PathParams,
  lookup: VersionLookup
): Located<C, R> => {
  const record = resource.find(context, params)
  const version = lookup(record, params)
  if (version === undefined) throw notFound()
  return { record, version }
}

/** Throws 405 for a published version, which cannot be `changed` (e.g. "edited"). */
export const ensureDraft = (version: VersionRecord<unknown>, changed: string): void => {
  if (version.published_at !== null) throw new HttpError(405, `Published versions cannot be ${changed}`)
}

/** GET `{item}/`: the published version, or the draft of a never-published item. */
export const get = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(resource: Resource<C, R>) =>
  getAt(resource, atCurrent, false)

/** GET of the item at one version (`versions/{version}/`, `versions/draft/`, `versions/published/`). */
export const getAt = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>,
  lookup: VersionLookup,
  withVersion = true
) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, lookup)
  context.store.pollImport(version)
  return ok(resource.render(context, record, version, withVersion))
}

/** GET `{item}/versions/`: version objects, newest first (full items with `Expand: list`). */
export const listVersions = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>
) =>
(context: RequestContext, params: PathParams): Reply => {
  const record = resource.find(context, params)
  const expand = expandsList(context)
  return listReply(context, [...record.versions].reverse(), (version) => {
    context.store.pollImport(version)
    return expand
      ? resource.render(context, record, version, true)
      : resource.renderVersion(context.urls, record, version)
  })
}

/**
 * Adds a draft copying the newest version (importing it when `importing`), for the
 * endpoints that create drafts; 409 when the item already has one.
 */
export const addDraft = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  context: RequestContext,
  resource: Resource<C, R>,
  params: PathParams,
  importing: boolean
): Located<C, R> => {
  const record = resource.find(context, params)
  if (draftVersion(record) !== undefined) {
    throw new HttpError(409, `This ${record.entity} already has a draft version`)
  }
  return { record, version: context.store.addDraft(record, callerOf(context).user, importing) }
}

/** PUT `{item}/versions/{version}/`: edits a draft; 405 on a published version. */
export const edit = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(resource: Resource<C, R>) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, atParam)
  ensureDraft(version, "edited")
  resource.edit(context, record, version, jsonBody(context))
  return ok(resource.render(context, record, version, true))
}

const ensureNotPublishing = (context: RequestContext, versions: ReadonlyArray<VersionRecord<unknown>>): void => {
  for (const version of versions) {
    const publish = context.store.activePublishOf(version)
    if (publish !== undefined) {
      throw new HttpError(409, `Version ${version.id} is part of publish ${publish.id}, which is still under way`)
    }
  }
}

/** DELETE `{item}/versions/{version}/`: 405 on a published version; deleting the only version deletes the item. */
export const deleteVersion = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>
) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, atParam)
  ensureDraft(version, "deleted")
  ensureNotPublishing(context, [version])
  context.store.removeVersion(record, version)
  return noContent()
}

/** DELETE `{item}/`: the item and every version. */
export const deleteItem = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>
) =>
(context: RequestContext, params: PathParams): Reply => {
  const record = resource.find(context, params)
  ensureNotPublishing(context, record.versions)
  context.store.removeItem(record)
  return noContent()
}

/**
 * POST `{item}/versions/{version}/publish/`: a publish of this version alone (together,
 * abort, now); 201 with its Location. 409 when the version is published, already under an
 * active publish, still importing, or failed to import.
 */
export const publishVersion = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>
) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, atParam)
  if (version.published_at !== null) throw new HttpError(409, "This version is already published")
  ensureNotPublishing(context, [version])
  if (version.status === "importing") throw new HttpError(409, "This version is still importing")
  if (version.status === "error") throw new HttpError(409, "This version failed to import")
  const publish = startPublish(context, [{ record, version }], {
    publish_strategy: "together",
    error_strategy: "abort",
    publish_at: null
  })
  return created(publishUrl(context.urls, publish))
}
