/**
 * User and group endpoints: the caller's own account (`/users/me/`), users and groups by
 * id, and their lists (by id, filtered by `q`: a case-insensitive search of names, and of
 * users' emails). Details add what lists leave out: a user's email and groups, a group's
 * web page. Groups include the built-in "Everyone".
 */
import { type ListRules, select, textFilter } from "./Filters.ts"
import {
  callerOf,
  expandsList,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import type { GroupRecord, UserRecord } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderGroup, renderUser, siteUrl, type Urls } from "./Render.ts"

/** A group as `/groups/{id}/` shows it: the group object and its web page. */
const renderGroupDetail = (urls: Urls, group: GroupRecord) => ({
  ...renderGroup(urls, group),
  url_html: siteUrl(urls, "group", group.id, group.name)
})

/** A user as `/users/me/` and `/users/{id}/` show it: with email and groups. */
const renderUserDetail = (urls: Urls, user: UserRecord) => ({
  id: user.id,
  url: `${urls.apiRoot}/users/${user.id}/`,
  first_name: user.first_name,
  last_name: user.last_name,
  email: user.email,
  country: user.country,
  groups: user.groups.map((group) => renderGroup(urls, group))
})

/** What the user and group lists search: the lower-cased text `q` looks in. */
interface Searchable {
  readonly id: number
  readonly text: string
}

/** Lists searched by `q` in the text `search` gives (sorting is not offered). */
const searchRules = <T extends { readonly id: number }>(search: (item: T) => string): ListRules<T, Searchable> => ({
  facets: (item) => ({ id: item.id, text: search(item).toLowerCase() }),
  filters: [textFilter((facets: Searchable) => facets.text)],
  sortKeys: {}
})

const userRules = searchRules<UserRecord>((user) => `${user.first_name} ${user.last_name}\n${user.email}`)
const groupRules = searchRules<GroupRecord>((group) => group.name)

/** Every group: "Everyone", then the publishers. */
const groups = (context: RequestContext): ReadonlyArray<GroupRecord> => [context.store.everyone, ...context.store.groups]

/** GET `/users/me/`: the owner of the caller's token. */
export const me = (context: RequestContext): Reply => ok(renderUserDetail(context.urls, callerOf(context).user))

/** GET `/users/{id}/`. */
export const getUser = (context: RequestContext, params: PathParams): Reply => {
  const id = pathParam(params, "id")
  const user = context.store.users.find((candidate) => candidate.id === id)
  if (user === undefined) throw notFound()
  return ok(renderUserDetail(context.urls, user))
}

/** GET `/users/`: users as embedded objects (details with `Expand: list`). */
export const listUsers = (context: RequestContext): Reply => {
  const render = expandsList(context) ? renderUserDetail : renderUser
  return listReply(context, select(context.store.users, context.query, userRules), (user) => render(context.urls, user))
}

/** GET `/groups/{id}/`. */
export const getGroup = (context: RequestContext, params: PathParams): Reply => {
  const id = pathParam(params, "id")
  const group = groups(context).find((candidate) => candidate.id === id)
  if (group === undefined) throw notFound()
  return ok(renderGroupDetail(context.urls, group))
}

/** GET `/groups/`: groups as embedded objects (details with `Expand: list`). */
export const listGroups = (context: RequestContext): Reply => {
  const render = expandsList(context) ? renderGroupDetail : renderGroup
  return listReply(context, select(groups(context), context.query, groupRules), (group) => render(context.urls, group))
}
