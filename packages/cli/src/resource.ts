/**
 * The two commands most resources have, made one way: `list` (with `--filter`, `--sort`,
 * `--limit`; a table, or NDJSON as pages arrive) and `get ID` (one object).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import type { CallError } from "@koordinates-effect/client/Errors"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Query from "@koordinates-effect/client/Query"
import { format } from "./connection.ts"
import * as List from "./list.ts"
import { type Column, printList, printOne } from "./output.ts"

/**
 * What a command's help says: its description and example command lines.
 *
 * @since 0.1.0
 */
export interface Help {
  readonly description: string
  readonly examples: ReadonlyArray<Command.Command.Example>
}

/**
 * A list command named `name`: the query's items, the list flags applied.
 *
 * @example
 * ```ts
 * const columns = [["ID", (set: Sets.Set) => set.id] as const]
 * list("list", () => Sets.list(), columns, { description: "List sets", examples: [{ command: "koordinates sets list" }] })
 * ```
 * @since 0.1.0
 */
export const list = <const Name extends string, A, F extends string, S extends string, X>(
  name: Name,
  query: () => Query.Query<A, F, S, X>,
  columns: ReadonlyArray<Column<A>>,
  help: Help
) =>
  Command.make(
    name,
    List.flags,
    Effect.fn(function*(input) {
      const applied = yield* List.apply(query(), input)
      yield* printList(Query.stream(applied), columns, yield* format)
    })
  ).pipe(Command.withDescription(help.description), Command.withExamples(help.examples))

/**
 * `get ID`: one object of a resource called `noun`, by id (NotFound: exit 3).
 *
 * @example
 * ```ts
 * const fields = [["Title", (set: Sets.Set) => set.title] as const]
 * get("set", (id) => Sets.get(id), fields, [{ command: "koordinates sets get 933" }])
 * ```
 * @since 0.1.0
 */
export const get = <A>(
  noun: string,
  read: (id: number) => Effect.Effect<A, CallError, Koordinates>,
  fields: ReadonlyArray<Column<A>>,
  examples: ReadonlyArray<Command.Command.Example>
) =>
  Command.make(
    "get",
    { id: Argument.Int("id").pipe(Argument.withDescription(`The ${noun}'s id`)) },
    Effect.fn(function*({ id }) {
      yield* printOne(yield* read(id), fields, yield* format)
    })
  ).pipe(Command.withDescription(`Show one ${noun} (NotFound: exit 3)`), Command.withExamples(examples))

/**
 * A command group: `koordinates NAME SUBCOMMAND …`, with its own help.
 *
 * @example
 * ```ts
 * const show = get("set", (id) => Sets.get(id), [["Title", (set: Sets.Set) => set.title] as const], [])
 * group("sets", { description: "Sets", examples: [{ command: "koordinates sets list" }] }, [show])
 * ```
 * @since 0.1.0
 */
export const group = <const Name extends string, const Subcommands extends ReadonlyArray<Command.Command.SubcommandEntry>>(
  name: Name,
  help: Help,
  subcommands: Subcommands
) =>
  Command.make(name).pipe(
    Command.withDescription(help.description),
    Command.withExamples(help.examples),
    Command.withSubcommands(subcommands)
  )
