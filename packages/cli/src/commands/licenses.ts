/**
 * `koordinates licenses`: the site's licenses.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Query from "@koordinates-effect/client/Query"
import { format } from "../connection.ts"
import { type Column, printList, printOne } from "../output.ts"

const columns: ReadonlyArray<Column<Licenses.License>> = [
  ["ID", (l) => l.id],
  ["TYPE", (l) => l.type],
  ["JURISDICTION", (l) => l.jurisdiction],
  ["VERSION", (l) => l.version],
  ["TITLE", (l) => l.title]
]

const fields: ReadonlyArray<Column<Licenses.License>> = [...columns, ["URL", (l) => l.url_html ?? l.url]]

const list = Command.make(
  "list",
  {},
  Effect.fn(function*() {
    yield* printList(Query.stream(Licenses.list()), columns, yield* format)
  })
).pipe(
  Command.withDescription("List the licenses of the site"),
  Command.withExamples([{ command: "koordinates licenses list" }])
)

const get = Command.make(
  "get",
  { id: Argument.Int("id").pipe(Argument.withDescription("The license's id")) },
  Effect.fn(function*({ id }) {
    yield* printOne(yield* Licenses.get(id), fields, yield* format)
  })
).pipe(
  Command.withDescription("Show one license (NotFound: exit 3)"),
  Command.withExamples([{ command: "koordinates licenses get 15 --json" }])
)

/**
 * `koordinates licenses …`
 *
 * @since 0.1.0
 */
export const command = Command.make("licenses").pipe(
  Command.withDescription("Licenses"),
  Command.withExamples([{ command: "koordinates licenses list --json" }]),
  Command.withSubcommands([list, get])
)
