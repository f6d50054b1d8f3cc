/**
 * Publishing endpoints (`/publish/`): a publish takes draft versions of layers, tables and
 * sets live, together whatever the publish strategy; how it moves on is the store's
 * (PublishStore.ts). `DELETE` cancels a publish that has not ended (`cancelled`).
 */
import { Fields, type Json, jsonBody } from "./Body.ts"
import {
  callerOf,
  created,
  HttpError,
  noContent,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { versionAt } from "./Links.ts"
import { ERROR_STRATEGIES, isActivePublish, PUBLISH_STRATEGIES, type PublishItem, type PublishRecord } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderUser, type Urls, versionUrl } from "./Render.ts"

/** The API URL of a publish. */
export const publishUrl = (urls: Urls, publish: PublishRecord): string => `${urls.apiRoot}/publish/${publish.id}/`

/** A publish. */
export const renderPublish = (urls: Urls, publish: PublishRecord) => ({
  id: publish.id,
  url: publishUrl(urls, publish),
  state: publish.state,
  created_at: publish.created_at,
  created_by: renderUser(urls, publish.created_by),
  error_strategy: publish.error_strategy,
  publish_strategy: publish.publish_strategy,
  publish_at: publish.publish_at,
  items: publish.items.map((item) => versionUrl(urls, item.record, item.version))
})

/** How a publish runs. */
export type PublishOptions = Pick<PublishRecord, "publish_strategy" | "error_strategy" | "publish_at">

/** Starts a publish of these items by the caller; returns it in its first state. */
export const startPublish = (
  context: RequestContext,
  items: ReadonlyArray<PublishItem>,
  options: PublishOptions
): PublishRecord => context.store.addPublish({ created_by: callerOf(context).user, items, ...options })

const findPublish = (context: RequestContext, params: PathParams): PublishRecord => {
  const publish = context.store.getPublish(pathParam(params, "id"))
  if (publish === undefined) throw notFound()
  return publish
}

/** A read of a publish, rendered. */
const readPublish = (context: RequestContext, publish: PublishRecord) => {
  context.store.pollPublish(publish)
  return renderPublish(context.urls, publish)
}

/** GET `/publish/`: every publish, newest first. */
export const list = (context: RequestContext): Reply =>
  listReply(context, [...context.store.publishes()].reverse(), (publish) => readPublish(context, publish))

/** GET `/publish/{id}/`. */
export const get = (context: RequestContext, params: PathParams): Reply =>
  ok(readPublish(context, findPublish(context, params)))

/** The version an item URL names, or why it cannot be published. */
const publishable = (context: RequestContext, url: Json, chosen: ReadonlyArray<PublishItem>): PublishItem | string => {
  const item = typeof url === "string" ? versionAt(context, url) : undefined
  const name = typeof url === "string" ? url : JSON.stringify(url)
  if (item === undefined) return `${name} is not a known layer, table or set version`
  if (item.version.published_at !== null) return `${name} is not a draft version`
  if (context.store.activePublishOf(item.version) !== undefined) return `${name} is already being published`
  if (chosen.some((other) => other.version === item.version)) return `${name} is listed more than once`
  return item
}

/** The `items` of a publish body: version URLs; each bad one is a field error. */
const publishItems = (context: RequestContext, fields: Fields): ReadonlyArray<PublishItem> | undefined => {
  const urls = fields.list("items", true)
  if (urls === undefined) return undefined
  if (urls.length === 0) return fields.fail("items", "This list may not be empty.")
  const items: Array<PublishItem> = []
  let valid = true
  for (const url of urls) {
    const item = publishable(context, url, items)
    if (typeof item !== "string") items.push(item)
    else {
      fields.fail("items", item)
      valid = false
    }
  }
  return valid ? items : undefined
}

/**
 * POST `/publish/`: `{items: [version URLs], publish_strategy?, error_strategy?,
 * publish_at?}`; 201 with the new publish's Location, 400 with field errors.
 */
export const create = (context: RequestContext): Reply => {
  const fields = new Fields(jsonBody(context))
  const { items, ...options } = fields.checked({
    items: publishItems(context, fields),
    publish_strategy: fields.choice("publish_strategy", PUBLISH_STRATEGIES, "together"),
    error_strategy: fields.choice("error_strategy", ERROR_STRATEGIES, "abort"),
    publish_at: fields.dateTime("publish_at") ?? null
  })
  return created(publishUrl(context.urls, startPublish(context, items, options)))
}

/** DELETE `/publish/{id}/`: cancels; 409 once it has ended. */
export const cancel = (context: RequestContext, params: PathParams): Reply => {
  const publish = findPublish(context, params)
  if (!isActivePublish(publish)) throw new HttpError(409, `This publish has already ended (${publish.state})`)
  context.store.cancelPublish(publish)
  return noContent()
}
