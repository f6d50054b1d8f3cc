/**
 * Set endpoints (`/sets/…`): lists of published sets and of drafts (no filters or sorting),
 * creating a set (a draft), new drafts and the version lifecycle every versioned item shares
 * (Versions.ts). A set's items are layer and table URLs.
 */
import { Fields, type JsonObject, jsonBody, present } from "./Body.ts"
import {
  callerOf,
  created,
  expandsList,
  notFound,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { layerAt } from "./Links.ts"
import {
  draftVersion,
  latestVersion,
  type LayerRecord,
  publishedVersion,
  type PublishRecord,
  type SetChanges,
  type SetContent,
  type SetRecord,
  type SetView,
  setView,
  type VersionRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderPublish } from "./Publishing.ts"
import {
  html,
  itemHtmlUrl,
  layerUrl,
  metadataUrls,
  renderGroup,
  renderUser,
  setUrl,
  type Urls,
  versionLinks,
  versionUrl
} from "./Render.ts"
import { addDraft, type Resource, sharedChanges } from "./Versions.ts"

/** A set version object (version lists, `version` of a set fetched through a version endpoint). */
const renderSetVersion = (urls: Urls, set: SetRecord, version: SetView["version"]) => ({
  id: version.id,
  url: versionUrl(urls, set, version),
  created_at: version.created_at
})

/** The fields every set shape starts with, as `/sets/` lists them. */
const setCommon = ({ set, version }: SetView) => ({
  id: set.id,
  title: version.content.title,
  description: version.content.description,
  description_html: html(version.content.description),
  categories: version.content.categories,
  tags: version.content.tags
})

/** A set as `/sets/` lists it. */
const renderSetSummary = (urls: Urls, view: SetView) => ({
  ...setCommon(view),
  group: renderGroup(urls, view.version.content.group),
  items: view.version.content.items.map((layer) => layerUrl(urls, layer)),
  url: setUrl(urls, view.set),
  url_html: itemHtmlUrl(urls, view.set, view.version.content.title),
  metadata: metadataUrls(versionUrl(urls, view.set, view.version), view.version.content),
  created_at: view.set.created_at
})

const thumbnailUrl = (urls: Urls, { set, version }: SetView): string =>
  `${urls.origin}/services/tiles/v4/thumbnail/set=${set.id}.${version.id},style=auto/1200x630.png`

const setHead = (urls: Urls, view: SetView) => ({
  id: view.set.id,
  title: view.version.content.title,
  url: setUrl(urls, view.set),
  type: "set",
  created_at: view.set.created_at,
  thumbnail_url: thumbnailUrl(urls, view)
})

/** A set as `/sets/drafts/` lists it. */
const renderSetDraftSummary = (urls: Urls, view: SetView) => setHead(urls, view)

/**
 * The full set at the view's version; `withVersion` adds the `version` object.
 * `activePublish` is the publish under way that holds one of its versions, if any.
 */
const renderSet = (
  urls: Urls,
  view: SetView,
  withVersion: boolean,
  activePublish: PublishRecord | undefined
) => {
  const { set, version } = view
  const { content } = version
  const thisVersion = versionUrl(urls, set, version)
  const links = versionLinks(urls, set, thisVersion)
  return {
    ...setHead(urls, view),
    description: content.description,
    description_html: html(content.description),
    latest_version: links.latest_version,
    published_version: links.published_version,
    this_version: thisVersion,
    publisher: `${urls.apiRoot}/publishers/${new URL(urls.origin).hostname}:${content.group.id}/`,
    categories: content.categories,
    tags: content.tags,
    group: renderGroup(urls, content.group),
    url_html: itemHtmlUrl(urls, set, content.title),
    metadata: metadataUrls(thisVersion, content),
    publish_to_catalog_services: set.publish_to_catalog_services,
    active_publish: activePublish === undefined ? null : renderPublish(urls, activePublish),
    permissions: `${setUrl(urls, set)}permissions/`,
    settings: { lock_title_to_metadata: false, lock_description_to_metadata: false, lock_tags_to_metadata: false },
    items: content.items.map((layer) => layerUrl(urls, layer)),
    ...(withVersion ? { version: renderSetVersion(urls, set, version) } : {})
  }
}

/** A set as the catalog lists it. */
export const renderCatalogSet = (urls: Urls, view: SetView) => ({
  ...setCommon(view),
  user: renderUser(urls, view.set.user),
  items: view.version.content.items.map((layer) => layerUrl(urls, layer)),
  url: setUrl(urls, view.set),
  url_html: itemHtmlUrl(urls, view.set, view.version.content.title),
  metadata: metadataUrls(versionUrl(urls, view.set, view.version), view.version.content),
  publish_to_catalog_services: view.set.publish_to_catalog_services,
  permissions: `${setUrl(urls, view.set)}permissions/`,
  created_at: view.set.created_at
})

/** The layers and tables `items` (a list of their URLs) names; each unknown URL is a field error. */
const setItems = (context: RequestContext, fields: Fields): ReadonlyArray<LayerRecord> | undefined => {
  const urls = fields.texts("items")
  if (urls === undefined) return undefined
  const found: Array<LayerRecord> = []
  for (const url of urls) {
    const layer = layerAt(context, url)
    if (layer === undefined) fields.fail("items", `${url} is not a known layer or table`)
    else found.push(layer)
  }
  return found.length === urls.length ? found : undefined
}

/** The editable set fields of a body; `creating` requires a title and a group. */
const setChanges = (context: RequestContext, fields: Fields, creating: boolean): SetChanges => ({
  ...sharedChanges(context.store, fields, creating),
  ...present({
    title: fields.text("title", { required: creating, blank: false }),
    items: setItems(context, fields)
  })
})

/** The full set at a version, with the publish under way that holds one of its versions, if any. */
const render = (context: RequestContext, view: SetView, withVersion: boolean) =>
  renderSet(context.urls, view, withVersion, context.store.activePublishOf(view.set))

/** Sets as versioned items. */
export const resource: Resource<SetContent, SetRecord> = {
  find: (context, params) => {
    const set = context.store.getSet(pathParam(params, "id"))
    if (set === undefined) throw notFound()
    return set
  },
  title: (content) => content.title,
  render: (context, set, version, withVersion) => render(context, setView(set, version), withVersion),
  renderVersion: renderSetVersion,
  edit: (context, _set, version, body: JsonObject) => {
    const fields = new Fields(body)
    const changes = setChanges(context, fields, false)
    fields.done()
    version.content = { ...version.content, ...changes }
  }
}

const setList = (
  choose: (set: SetRecord) => VersionRecord<SetContent> | undefined,
  summary: (urls: Urls, view: SetView) => unknown
) =>
(context: RequestContext): Reply => {
  const views = context.store.sets().flatMap((set) => {
    const version = choose(set)
    return version === undefined ? [] : [setView(set, version)]
  })
  const expand = expandsList(context)
  return listReply(context, views, (view) => expand ? render(context, view, false) : summary(context.urls, view))
}

/** GET `/sets/`: published sets at their published version. */
export const list = setList(publishedVersion, renderSetSummary)

/** GET `/sets/drafts/`: sets whose newest version is unpublished, at that version. */
export const listDrafts = setList(draftVersion, renderSetDraftSummary)

/**
 * POST `/sets/`: `{title, group, description?, items?: [layer URLs], categories?, tags?}`;
 * a new set whose only version is a draft; 201 with its Location.
 */
export const create = (context: RequestContext): Reply => {
  const fields = new Fields(jsonBody(context))
  const changes = setChanges(context, fields, true)
  const { title, group } = fields.checked({ title: changes.title, group: changes.group })
  const content = { description: "", items: [], categories: [], tags: [], ...changes, title, group }
  const set = context.store.createSet(content, callerOf(context).user)
  return created(setUrl(context.urls, set), render(context, setView(set, latestVersion(set)), false))
}

/** POST `/sets/{id}/versions/`: a draft copying the newest version; 201 with its body (no Location). */
export const createDraft = (context: RequestContext, params: PathParams): Reply => {
  const { record, version } = addDraft(context, resource, params, false)
  return { status: 201, body: render(context, setView(record, version), true) }
}
