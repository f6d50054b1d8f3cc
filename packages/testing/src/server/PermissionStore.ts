/**
 * Who may do what on layers, tables, sets and sources: as set through the permission
 * endpoints, or as every item starts — its owner administers it, everyone may view it.
 */
import { EVERYONE } from "./Generate.ts"
import type { GroupRecord, PermissionRecord, PermissionTarget, UserRecord } from "./Model.ts"

/** Who owns an item: a layer's or set's group; a source's group, else its user, if any. */
const ownerOf = (target: PermissionTarget): { readonly group: GroupRecord } | { readonly user: UserRecord } | undefined => {
  if ("entity" in target) return { group: target.group }
  if (target.group !== null) return { group: target.group }
  return target.user === null ? undefined : { user: target.user }
}

/** Who may do what on an item at first: its owner administers it, everyone may view it. */
const defaultPermissions = (target: PermissionTarget): Array<PermissionRecord> => {
  const owner = ownerOf(target)
  const everyone: PermissionRecord = { group: EVERYONE, permission: "view" }
  return owner === undefined ? [everyone] : [{ ...owner, permission: "admin" }, everyone]
}

/** The permissions on every item. */
export class PermissionStore {
  #permissions = new WeakMap<PermissionTarget, ReadonlyArray<PermissionRecord>>()

  /** The permissions on an item, as set (or as every item starts: its owner admin, everyone view). */
  permissions(target: PermissionTarget): ReadonlyArray<PermissionRecord> {
    return this.#permissions.get(target) ?? defaultPermissions(target)
  }

  /** Replaces every permission on an item. */
  setPermissions(target: PermissionTarget, permissions: ReadonlyArray<PermissionRecord>): void {
    this.#permissions.set(target, [...permissions])
  }

  /** Back to the permissions every item starts with. */
  reset(): void {
    this.#permissions = new WeakMap()
  }
}
