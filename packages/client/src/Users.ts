/**
 * Users: the people who own and publish data, and the `User` and `Group` models that appear
 * embedded in layers, sets, sources, permissions and publishes. Groups have their own
 * module, `Groups`.
 *
 * @example
 * ```ts
 * import * as Users from "@koordinates-effect/client/Users"
 * const me = yield* Users.me()
 * ```
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { KoordinatesError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Query from "./Query.ts"
import * as Http from "./internal/http.ts"
import { optionalNullable } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"

/**
 * A group (an organisation publishing on the site).
 *
 * @example
 * ```ts
 * const g = new Users.Group({ id: 119, url: "https://…/groups/119/", name: "Wellington City Council", country: "NZ" })
 * ```
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
 * The user the token belongs to.
 *
 * @example
 * ```ts
 * const me = yield* Users.me()
 * ```
 */
export const me: () => Effect.Effect<User, KoordinatesError, Koordinates> = /* @__PURE__ */ Effect.fn(
  "Koordinates.Users.me"
)(function*() {
  return yield* Http.json({ method: "GET", path: "/users/me/" }, User)
})

/**
 * A user by id.
 *
 * @example
 * ```ts
 * const user = yield* Users.get(18504)
 * ```
 */
export const get: (id: number) => Effect.Effect<User, KoordinatesError, Koordinates> = /* @__PURE__ */ Effect.fn(
  "Koordinates.Users.get"
)(function*(id: number) {
  yield* Validate.id("id", id)
  return yield* Http.json({ method: "GET", path: `/users/${id}/` }, User)
})

/**
 * The site's users; filterable with `q` (a name search).
 *
 * @example
 * ```ts
 * Query.collect(Users.list().pipe(Query.filter({ q: "anderson" })))
 * ```
 */
export const list = (): Query.Query<User, "q"> =>
  Query.make<User, "q">({ name: "Koordinates.Users.list", path: "/users/", schema: User, filterKeys: ["q"] })
