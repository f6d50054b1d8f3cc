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
  type LayerRecord,
  latestVersion,
  publishedVersion,
  type SetChanges,
  type SetContent,
  type SetRecord,
  type SetView,
  setView,
  type VersionRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderSet, renderSetDraftSummary, renderSetSummary, renderSetVersion, setUrl, type Urls } from "./Render.ts"
import { addDraft, type Resource, sharedChanges } from "./Versions.ts"

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
