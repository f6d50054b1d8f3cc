/**
 * Users & Groups: the people and organisations that own and publish data. They appear
 * embedded in layers, sets, sources, permissions and publishes.
 *
 * @example
 * ```ts
 * import * as Users from "@koordinates-effect/client/Users"
 * const owner = (layer: Layer) => `${layer.group.name} (${layer.group.country})`
 * ```
 * @module
 */
import * as Schema from "effect/Schema"
import { optionalNullable } from "./internal/schema.ts"

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
  country: /* @__PURE__ */ optionalNullable(Schema.String)
}) {}
