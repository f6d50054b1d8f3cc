/**
 * `koordinates sets`: list and show sets (collections of layers and tables).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import { format } from "../connection.ts"
import * as List from "../list.ts"
import { type Column, printList, printOne } from "../output.ts"

const columns: ReadonlyArray<Column<Sets.Set>> = [
  ["ID", (s) => s.id],
  ["TITLE", (s) => s.title],
  ["ITEMS", (s) => s.items?.length],
  ["GROUP", (s) => s.group?.name]
]

const fields: ReadonlyArray<Column<Sets.Set>> = [
  ["id", (s) => s.id],
  ["title", (s) => s.title],
  ["group", (s) => s.group?.name],
  ["items", (s) => s.items?.map((item) => typeof item === "string" ? item : item.url)],
  ["created", (s) => s.created_at],
  ["tags", (s) => s.tags],
  ["url", (s) => s.url]
]

const list = Command.make(
  "list",
  List.flags,
  Effect.fn(function*(input) {
    const query = yield* List.apply(Sets.list(), input)
    yield* printList(Query.stream(query), columns, yield* format)
  })
).pipe(
  Command.withDescription("List sets"),
  Command.withExamples([{ command: "koordinates sets list --limit 10" }, { command: "koordinates sets list --json" }])
)

const get = Command.make(
  "get",
  { id: Argument.Int("id").pipe(Argument.withDescription("The set's id")) },
  Effect.fn(function*({ id }) {
    yield* printOne(yield* Sets.get(id), fields, yield* format)
  })
).pipe(
  Command.withDescription("Show one set (NotFound: exit 3)"),
  Command.withExamples([{ command: "koordinates sets get 933" }])
)

/**
 * `koordinates sets …`
 *
 * @since 0.1.0
 */
export const command = Command.make("sets").pipe(
  Command.withDescription("Sets: collections of layers and tables"),
  Command.withExamples([{ command: "koordinates sets get 933" }]),
  Command.withSubcommands([list, get])
)
