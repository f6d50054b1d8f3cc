/**
 * Groups: the organisations that publish on a site.
 *
 * @example
 * ```ts
 * import * as Groups from "@koordinates-effect/client/Groups"
 * const group = yield* Groups.get(119)
 * ```
 * @module
 */
import * as Effect from "effect/Effect"
import type { KoordinatesError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Query from "./Query.ts"
import { Group } from "./Users.ts"
import * as Http from "./internal/http.ts"
import * as Validate from "./internal/validate.ts"

export {
  /**
   * A group: id, name, country.
   *
   * @example
   * ```ts
   * const label = (g: Groups.Group) => `${g.name} (${g.country})`
   * ```
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
 */
export const get: (id: number) => Effect.Effect<Group, KoordinatesError, Koordinates> = /* @__PURE__ */ Effect.fn(
  "Koordinates.Groups.get"
)(function*(id: number) {
  yield* Validate.id("id", id)
  return yield* Http.json({ method: "GET", path: `/groups/${id}/` }, Group)
})

/**
 * The site's groups; filterable with `q` (a name search).
 *
 * @example
 * ```ts
 * Query.collect(Groups.list().pipe(Query.filter({ q: "council" })))
 * ```
 */
export const list = (): Query.Query<Group, "q"> =>
  Query.make<Group, "q">({ name: "Koordinates.Groups.list", path: "/groups/", schema: Group, filterKeys: ["q"] })
