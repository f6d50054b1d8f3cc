/**
 * `koordinates permissions`: who may view, download, edit or administer a layer, a set or
 * a source — list them, or replace them all.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Permissions from "@koordinates-effect/client/Permissions"
import * as Query from "@koordinates-effect/client/Query"
import { format } from "../connection.ts"
import { type Column, printList } from "../output.ts"
import * as Resource from "../resource.ts"
import * as Target from "../target.ts"

const kinds = ["layer", "set", "source"] as const

const columns: ReadonlyArray<Column<Permissions.Permission>> = [
  ["ID", (p) => p.id],
  ["PERMISSION", (p) => p.permission],
  ["WHO", (p) => p.group?.name ?? p.user?.name ?? p.user?.email]
]

const entry = /^(group|user)\.([\w-]+)=(view|download|edit|admin)$/

/**
 * `group.ID=LEVEL` or `user.ID=LEVEL` as a permission to grant: `"group.everyone=view"`
 * gives `{ group: "everyone", permission: "view" }`.
 */
const parsePermission = (text: string): Effect.Effect<Permissions.NewPermission, ClientValidationError> => {
  const match = entry.exec(text)
  if (match === null) {
    return Effect.fail(new ClientValidationError({
      field: "permission",
      message: `Invalid permission "${text}": expected group.ID=LEVEL or user.ID=LEVEL, LEVEL one of view, download, edit, admin`
    }))
  }
  const [, who, id, level] = match as unknown as [string, "group" | "user", string, Permissions.PermissionLevel]
  const value = /^\d+$/.test(id) ? Number(id) : id
  return Effect.succeed(who === "group" ? { group: value, permission: level } : { user: Number(id), permission: level })
}

const list = Command.make(
  "list",
  Target.flags(kinds),
  Effect.fn(function*(given) {
    const target = yield* Target.of(kinds, given)
    yield* printList(Query.stream(Permissions.list(target)), columns, yield* format)
  })
).pipe(
  Command.withDescription("List the permissions of a layer, set or source"),
  Command.withExamples([{ command: "koordinates permissions list --layer 1474" }])
)

const set = Command.make(
  "set",
  {
    ...Target.flags(kinds),
    permissions: Argument.String("permission").pipe(
      Argument.withDescription("group.ID=LEVEL or user.ID=LEVEL; LEVEL one of view, download, edit, admin"),
      Argument.atLeast(1)
    )
  },
  Effect.fn(function*({ permissions, ...given }) {
    const target = yield* Target.of(kinds, given)
    const wanted = yield* Effect.forEach(permissions, parsePermission)
    const replaced = yield* Permissions.set(target, wanted)
    yield* printList(Stream.fromIterable(replaced), columns, yield* format)
  })
).pipe(
  Command.withDescription("Replace every permission of a layer, set or source with the ones given"),
  Command.withExamples([
    { command: "koordinates permissions set --layer 1474 group.everyone=view group.108=admin" }
  ])
)

/**
 * `koordinates permissions …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("permissions", {
  description: "Permissions of layers, sets and sources",
  examples: [{ command: "koordinates permissions list --set 933" }]
}, [list, set])
