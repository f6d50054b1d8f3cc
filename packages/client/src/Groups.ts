/**
 * Groups: the organisations that publish on a site.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Groups from "@koordinates-effect/client/Groups"
 *
 * const program = Effect.gen(function*() {
 *   const group = yield* Groups.get(119)
 *   return `${group.name} (${group.country})`
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import { Group, searchKeys } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"

export {
  /**
   * A group: id, name, country.
   *
   * @example
   * ```ts
   * const label = (g: Groups.Group) => `${g.name} (${g.country})`
   * ```
   * @since 0.1.0
   * @category models
   */
  Group
}

/**
 * A group by id.
 *
 * @example
 * ```ts
 * const group = yield* Groups.get(119)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.read("Koordinates.Groups.get", "/groups/{id}/", Group)

/**
 * The site's groups; filterable with `q` (a name search).
 *
 * @example
 * ```ts
 * Query.collect(Groups.list().pipe(Query.filter({ q: "council" })))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Groups.list", "/groups/", Group, { filterKeys: searchKeys })
