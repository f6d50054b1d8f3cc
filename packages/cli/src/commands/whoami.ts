/**
 * `koordinates whoami`: the user the token belongs to.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import * as Users from "@koordinates-effect/client/Users"
import { format } from "../connection.ts"
import { type Column, printOne } from "../output.ts"

const fields: ReadonlyArray<Column<Users.User>> = [
  ["id", (u) => u.id],
  ["name", (u) => u.name ?? [u.first_name, u.last_name].filter((part) => part !== undefined).join(" ")],
  ["email", (u) => u.email],
  ["country", (u) => u.country],
  ["groups", (u) => u.groups?.map((group) => group.name)]
]

/**
 * `koordinates whoami`
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "whoami",
  {},
  Effect.fn(function*() {
    yield* printOne(yield* Users.me(), fields, yield* format)
  })
).pipe(
  Command.withDescription("Show the user the token belongs to (a bad token: AuthenticationError, exit 4)"),
  Command.withExamples([{ command: "koordinates whoami" }, { command: "KOORDINATES_TOKEN=… koordinates whoami --json" }])
)
