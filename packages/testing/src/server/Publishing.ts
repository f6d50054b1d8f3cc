/**
 * Publishing (`/publish/`): a publish takes draft versions of layers, tables and sets live.
 * It moves one step per read (a GET of it, or of the `/publish/` page showing it):
 *
 * - `scheduled` while `publish_at` is in the future (real time);
 * - `waiting-for-items` while any item still imports (each read also advances those imports);
 * - `errored` once an import failed and the error strategy is `abort` (nothing goes live);
 * - `publishing`, then on the next read `completed`: each item version that imported (with
 *   `ignore`, failed ones are skipped) becomes its item's published version.
 *
 * Items go live together whatever the publish strategy. `DELETE` cancels a publish that has
 * not ended (`cancelled`).
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
import {
  ERROR_STRATEGIES,
  isActivePublish,
  PUBLISH_STRATEGIES,
  type PublishItem,
  type PublishRecord
} from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { publishUrl, renderPublish } from "./Render.ts"
import type { Store } from "./Store.ts"
import { currentTimestamp } from "./Time.ts"

/** How a publish runs. */
export type PublishOptions = Pick<PublishRecord, "publish_strategy" | "error_strategy" | "publish_at">

const isScheduled = (publish: PublishRecord): boolean =>
  publish.publish_at !== null && Date.parse(publish.publish_at) > Date.now()

/** Puts every item version that imported live. */
const complete = (publish: PublishRecord): void => {
  const now = currentTimestamp()
  for (const { version } of publish.items) if (version.status === "ok") version.published_at = now
  publish.state = "completed"
}

/**
 * Moves a publish on: a `read` advances its items' imports and may complete it; otherwise
 * (at creation) only its current state is worked out.
 */
const settle = (store: Store, publish: PublishRecord, read: boolean): void => {
  if (!isActivePublish(publish)) return
  if (isScheduled(publish)) {
    publish.state = "scheduled"
    return
  }
  if (read) for (const item of publish.items) store.pollImport(item.record, item.version)
  const statuses = publish.items.map((item) => item.version.status)
  if (statuses.includes("importing")) publish.state = "waiting-for-items"
  else if (publish.error_strategy === "abort" && statuses.includes("error")) publish.state = "errored"
  else if (read && publish.state === "publishing") complete(publish)
  else publish.state = "publishing"
}

/** Starts a publish of these items by the caller; returns it in its first state. */
export const startPublish = (
  context: RequestContext,
  items: ReadonlyArray<PublishItem>,
  options: PublishOptions
): PublishRecord => {
  const publish = context.store.addPublish({ state: "scheduled", created_by: callerOf(context).user, items, ...options })
  settle(context.store, publish, false)
  return publish
}

const findPublish = (context: RequestContext, params: PathParams): PublishRecord => {
  const publish = context.store.getPublish(pathParam(params, "id"))
  if (publish === undefined) throw notFound()
  return publish
}

/** A read of a publish: one step on, then rendered. */
const readPublish = (context: RequestContext, publish: PublishRecord) => {
  settle(context.store, publish, true)
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
  publish.state = "cancelled"
  return noContent()
}
