/**
 * Users: the people who own and publish data, and the `User` and `Group` models that appear
 * embedded in layers, sets, sources, permissions and publishes. Groups have their own
 * module, `Groups`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Users from "@koordinates-effect/client/Users"
 *
 * const program = Effect.gen(function*() {
 *   const me = yield* Users.me()
 *   return me.email
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Schema from "effect/Schema"
import * as Endpoint from "./internal/endpoint.ts"
import { optionalNullable } from "./internal/schema.ts"

/**
 * A group (an organisation publishing on the site).
 *
 * @example
 * ```ts
 * const g = new Users.Group({ id: 119, url: "https://…/groups/119/", name: "Wellington City Council", country: "NZ" })
 * ```
 * @since 0.1.0
 * @category models
 */
export class Group extends /* @__PURE__ */ Schema.Class<Group>("@koordinates-effect/client/Group")({
  id: Schema.Number,
  url: Schema.String,
  name: Schema.String,
  country: /* @__PURE__ */ optionalNullable(Schema.String)
}) {}

/**
 * A user of the site.
 *
 * @example
 * ```ts
 * const fullName = (u: Users.User) => `${u.first_name} ${u.last_name}`
 * ```
 * @since 0.1.0
 * @category models
 */
export class User extends /* @__PURE__ */ Schema.Class<User>("@koordinates-effect/client/User")({
  id: Schema.Number,
  url: Schema.String,
  first_name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  last_name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  name: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  email: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  country: /* @__PURE__ */ optionalNullable(Schema.String),
  groups: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(Group))
}) {}

/**
 * The filter of user and group lists: `q`, a name search.
 *
 * @example
 * ```ts
 * Users.searchKeys.includes("q") // true
 * ```
 * @since 0.2.0
 * @category filters
 */
export const searchKeys = ["q"] as const

/**
 * The user the token belongs to.
 *
 * @example
 * ```ts
 * const me = yield* Users.me()
 * ```
 * @since 0.1.0
 * @category getters
 */
export const me = /* @__PURE__ */ Endpoint.read("Koordinates.Users.me", "/users/me/", User)

/**
 * A user by id.
 *
 * @example
 * ```ts
 * const user = yield* Users.get(18504)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.read("Koordinates.Users.get", "/users/{id}/", User)

/**
 * The site's users; filterable with `q` (a name search).
 *
 * @example
 * ```ts
 * Query.collect(Users.list().pipe(Query.filter({ q: "anderson" })))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Users.list", "/users/", User, { filterKeys: searchKeys })
