/**
 * Permissions: who may view, download, edit or administer a layer, a set or a source. Each
 * permission belongs to a group (`group.108`, `group.everyone`) or a user (`user.4`).
 *
 * @example
 * ```ts
 * import * as Permissions from "@koordinates-effect/client/Permissions"
 *
 * const layer = { layer: 1474 } as const
 * const program = Permissions.set(layer, [
 *   { group: "everyone", permission: "view" },
 *   { user: 123, permission: "admin" }
 * ])
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import { ClientValidationError, type CallError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Query from "./Query.ts"
import { Group, User } from "./Users.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { Id } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"

/**
 * What a permission allows, from least to most.
 *
 * @example
 * ```ts
 * Schema.is(Permissions.PermissionLevel)("download") // true
 * ```
 * @since 0.1.0
 * @category models
 */
export const PermissionLevel = /* @__PURE__ */ Schema.Literals(["view", "download", "edit", "admin"])

/**
 * What a permission allows (see {@link PermissionLevel}).
 *
 * @since 0.1.0
 * @category models
 */
export type PermissionLevel = typeof PermissionLevel.Type

/**
 * The id of a permission: its subject, `group.{id or slug}` or `user.{id}`.
 *
 * @example
 * ```ts
 * const everyone: Permissions.PermissionId = "group.everyone"
 * ```
 * @since 0.1.0
 * @category models
 */
export type PermissionId = `group.${string}` | `user.${number}`

/**
 * A permission: its id, level and subject (a group or a user).
 *
 * @example
 * ```ts
 * const who = (p: Permissions.Permission) => p.group?.name ?? `${p.user?.first_name} ${p.user?.last_name}`
 * ```
 * @since 0.1.0
 * @category models
 */
export class Permission extends /* @__PURE__ */ Schema.Class<Permission>("@koordinates-effect/client/Permission")({
  id: Schema.String,
  permission: Schema.String,
  group: /* @__PURE__ */ Schema.optionalKey(Group),
  user: /* @__PURE__ */ Schema.optionalKey(User)
}) {}

/**
 * What permissions are set on: a layer (permissions are per layer, not per version), a
 * set, or a source.
 *
 * @example
 * ```ts
 * const target: Permissions.Target = { set: 933 }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export type Target = { readonly layer: number } | { readonly set: number } | { readonly source: number }

/**
 * A permission to grant: a group (id, or a slug such as `everyone`) or a user (id), and a
 * level.
 *
 * @example
 * ```ts
 * const grant: Permissions.NewPermission = { group: 108, permission: "download" }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const NewPermission = /* @__PURE__ */ Schema.Struct({
  group: /* @__PURE__ */ Schema.optionalKey(
    /* @__PURE__ */ Schema.Union([Id, /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^[\w-]+$/))])
  ),
  user: /* @__PURE__ */ Schema.optionalKey(Id),
  permission: PermissionLevel
}).check(/* @__PURE__ */ Schema.makeFilter((p: { readonly group?: unknown; readonly user?: unknown }) =>
  (p.group === undefined) !== (p.user === undefined), { expected: "exactly one of group or user" }))

/**
 * A permission to grant (see {@link NewPermission}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type NewPermission = typeof NewPermission.Type

/** The collection, id and id field name of a target. */
const parts = (target: Target): readonly [string, number, string] =>
  "layer" in target
    ? ["layers", target.layer, "layerId"]
    : "set" in target
    ? ["sets", target.set, "setId"]
    : ["sources", target.source, "sourceId"]

/** The API path of a target's permissions, with its id checked. */
const permissionsPath = (target: Target): Effect.Effect<string, ClientValidationError> => {
  const [collection, id, field] = parts(target)
  return Effect.map(Validate.id(field, id), () => `/${collection}/${id}/permissions/`)
}

/**
 * The permissions on a layer, set or source.
 *
 * @example
 * ```ts
 * const permissions = yield* Query.collect(Permissions.list({ layer: 1474 }))
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = (target: Target): Query.Query<Permission> => {
  const [collection, id, field] = parts(target)
  return Query.make({
    name: "Koordinates.Permissions.list",
    path: `/${collection}/${id}/permissions/`,
    schema: Permission,
    ids: { [field]: id }
  })
}

/**
 * One permission, by its id (`group.108`, `user.4`, `group.everyone`).
 *
 * @example
 * ```ts
 * const everyone = yield* Permissions.get({ set: 933 }, "group.everyone")
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Effect.fn("Koordinates.Permissions.get")(
  function*(target: Target, id: PermissionId, options?: Endpoint.GetOptions): Effect.fn.Return<Permission, CallError, Koordinates> {
    const path = yield* permissionsPath(target)
    if (!/^(?:group\.[\w-]+|user\.\d+)$/.test(id)) {
      return yield* new ClientValidationError({ field: "id", message: `Invalid permission id "${id}": expected group.{id} or user.{id}` })
    }
    return yield* Endpoint.object(`${path}${id}/`, Permission, options)
  }
)

/**
 * Grants one permission (replacing the subject's previous one) and returns it.
 *
 * @example
 * ```ts
 * yield* Permissions.create({ source: 21836 }, { group: 108, permission: "download" })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Effect.fn("Koordinates.Permissions.create")(
  function*(target: Target, permission: NewPermission): Effect.fn.Return<Permission, CallError, Koordinates> {
    const path = yield* permissionsPath(target)
    const checked = yield* Validate.input(NewPermission, permission)
    return yield* Http.json({ method: "POST", path, body: HttpBody.jsonUnsafe(checked) }, Permission)
  })

/**
 * Replaces every permission on the target at once with `permissions`; returns the new list.
 * The server applies all or none.
 *
 * @example
 * ```ts
 * yield* Permissions.set({ layer: 1474 }, [{ group: "everyone", permission: "view" }])
 * ```
 * @since 0.1.0
 * @category writes
 */
export const set = /* @__PURE__ */ Effect.fn("Koordinates.Permissions.set")(function*(
  target: Target,
  permissions: ReadonlyArray<NewPermission>
): Effect.fn.Return<Array<Permission>, CallError, Koordinates> {
  const path = yield* permissionsPath(target)
  const checked = yield* Validate.input(/* @__PURE__ */ Schema.Array(NewPermission), permissions, "permissions")
  const replaced = yield* Http.json({ method: "PUT", path, body: HttpBody.jsonUnsafe(checked) }, /* @__PURE__ */ Schema.Array(Permission))
  return [...replaced]
})
