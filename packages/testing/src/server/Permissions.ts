/**
 * Permission endpoints of layers (and tables), sets and sources: `{item}/permissions/`.
 * A permission belongs to a group (`group.108`, `group.everyone`) or a user (`user.4`) and
 * grants one level: `view`, `download`, `edit` or `admin`. An item starts with its owner as
 * admin and everyone able to view. POST grants one permission (replacing what its holder had
 * before); PUT replaces every permission at once, or, when any element is invalid, changes
 * nothing and answers 400 with the errors of each bad element under its index.
 */
import { Fields, isObject, type Json, jsonBody, jsonListBody } from "./Body.ts"
import {
  created,
  type FieldErrors,
  HttpError,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext,
  textParam
} from "./Http.ts"
import { type Collection, layerIn } from "./Links.ts"
import { PERMISSION_LEVELS, permissionId, type PermissionRecord, type PermissionTarget } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderGroup, renderUser, type Urls } from "./Render.ts"
import { findSource } from "./Sources.ts"

/** A permission: its id, level and holder. */
const renderPermission = (urls: Urls, permission: PermissionRecord) => ({
  id: permissionId(permission),
  permission: permission.permission,
  ...("group" in permission
    ? { group: renderGroup(urls, permission.group) }
    : { user: renderUser(urls, permission.user) })
})

/** A kind of item permissions are set on: the collection it is served under, and how a path names one. */
export interface Holder {
  readonly collection: Collection | "sets" | "sources"
  /** The item `{id}` of the path; 404 when there is none. */
  readonly find: (context: RequestContext, params: PathParams) => PermissionTarget
}

const found = <T>(item: T | undefined): T => {
  if (item === undefined) throw notFound()
  return item
}

/** Layers, or tables only (`/tables/`). */
export const layers = (collection: Collection): Holder => ({
  collection,
  find: (context, params) => found(layerIn(context.store, collection, pathParam(params, "id")))
})

/** Sets. */
export const sets: Holder = {
  collection: "sets",
  find: (context, params) => found(context.store.getSet(pathParam(params, "id")))
}

/** Sources. */
export const sources: Holder = { collection: "sources", find: findSource }

/** Who a body grants to: `group` (an id, `"everyone"`, or an object with either) or `user` (an id). */
const holderOf = (context: RequestContext, fields: Fields) => {
  const given = (name: string) => {
    const value = fields.value(name)
    return value !== undefined && value !== null
  }
  if (given("group") === given("user")) return fields.fail("non_field_errors", "Give either a group or a user.")
  if (given("user")) {
    const user = fields.reference("user", context.store.users)
    return user && { user }
  }
  const value = fields.value("group")
  const slug = isObject(value) ? value["slug"] ?? value["id"] : value
  if (slug === context.store.everyone.slug) return { group: context.store.everyone }
  const group = fields.reference("group", [context.store.everyone, ...context.store.groups])
  return group && { group }
}

/** The permission a body grants; undefined (errors recorded) when invalid. */
const permissionOf = (context: RequestContext, fields: Fields): PermissionRecord | undefined => {
  const level = fields.value("permission", true) === undefined
    ? undefined
    : fields.choice("permission", PERMISSION_LEVELS, "view")
  const holder = holderOf(context, fields)
  return level === undefined || holder === undefined ? undefined : { ...holder, permission: level }
}

/** GET `{item}/permissions/`. */
export const list = (holder: Holder) => (context: RequestContext, params: PathParams): Reply =>
  listReply(
    context,
    context.store.permissions(holder.find(context, params)),
    (permission) => renderPermission(context.urls, permission)
  )

/** GET `{item}/permissions/{permission}/` (`group.108`, `group.everyone`, `user.4`). */
export const get = (holder: Holder) => (context: RequestContext, params: PathParams): Reply => {
  const id = textParam(params, "permission")
  const permissions = context.store.permissions(holder.find(context, params))
  return ok(renderPermission(context.urls, found(permissions.find((permission) => permissionId(permission) === id))))
}

/**
 * POST `{item}/permissions/`: `{group | user, permission}`; replaces the holder's previous
 * permission, if any. 201 with its Location and the permission.
 */
export const create = (holder: Holder) => (context: RequestContext, params: PathParams): Reply => {
  const target = holder.find(context, params)
  const fields = new Fields(jsonBody(context))
  const permission = permissionOf(context, fields)
  const { granted } = fields.checked({ granted: permission })
  const id = permissionId(granted)
  const current = context.store.permissions(target)
  const replaced = current.some((other) => permissionId(other) === id)
  context.store.setPermissions(
    target,
    replaced ? current.map((other) => permissionId(other) === id ? granted : other) : [...current, granted]
  )
  const url = `${context.urls.apiRoot}/${holder.collection}/${target.id}/permissions/${id}/`
  return created(url, renderPermission(context.urls, granted))
}

/** One element of a PUT list: its permission, or its errors. */
const listElement = (
  context: RequestContext,
  value: Json,
  earlier: ReadonlyArray<PermissionRecord>
): { readonly permission: PermissionRecord } | { readonly errors: FieldErrors } => {
  if (!isObject(value)) return { errors: { non_field_errors: ["Invalid data. Expected a dictionary."] } }
  const fields = new Fields(value)
  const permission = permissionOf(context, fields)
  if (permission === undefined) return { errors: fields.errors() }
  const id = permissionId(permission)
  return earlier.some((other) => permissionId(other) === id)
    ? { errors: { non_field_errors: [`${id} is listed more than once.`] } }
    : { permission }
}

/** PUT `{item}/permissions/`: a list replacing every permission; 200 with the new list. */
export const replace = (holder: Holder) => (context: RequestContext, params: PathParams): Reply => {
  const target = holder.find(context, params)
  const permissions: Array<PermissionRecord> = []
  const errors: Record<string, FieldErrors> = {}
  jsonListBody(context).forEach((value, index) => {
    const element = listElement(context, value, permissions)
    if ("permission" in element) permissions.push(element.permission)
    else errors[String(index)] = element.errors
  })
  if (Object.keys(errors).length > 0) throw new HttpError(400, errors)
  context.store.setPermissions(target, permissions)
  return ok(permissions.map((permission) => renderPermission(context.urls, permission)))
}
