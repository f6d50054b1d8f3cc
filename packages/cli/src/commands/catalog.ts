/**
 * `koordinates catalog list`: the data catalog — layers, tables, sets, documents — filtered,
 * sorted, limited, and expanded to full objects on request.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Catalog from "@koordinates-effect/client/Catalog"
import type { CallError } from "@koordinates-effect/client/Errors"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Query from "@koordinates-effect/client/Query"
import { format } from "../connection.ts"
import * as List from "../list.ts"
import { type Column, printList } from "../output.ts"
import * as Resource from "../resource.ts"

type Entry = Catalog.CatalogEntry | Catalog.CatalogEntryDetail

const columns: ReadonlyArray<Column<Entry>> = [
  ["ID", (e) => e.id],
  ["KIND", (e) => e._tag.toLowerCase()],
  ["TITLE", (e) => "title" in e ? e.title : e.name],
  ["PUBLISHED", (e) => e.published_at]
]

const list = Command.make(
  "list",
  {
    ...List.flags,
    expand: Flag.Boolean("expand").pipe(
      Flag.withDescription("Full objects (layers and tables as layers, sets as sets) instead of catalog summaries"),
      Flag.withDefault(false)
    )
  },
  Effect.fn(function*({ expand, ...input }) {
    const query = yield* List.apply(Catalog.list(), input)
    const items: Stream.Stream<Entry, CallError, Koordinates> = expand
      ? Query.stream(Query.expand(query))
      : Query.stream(query)
    yield* printList(items, columns, yield* format)
  })
).pipe(
  Command.withDescription("List the catalog: everything the site publishes"),
  Command.withExamples([
    { command: "koordinates catalog list --filter type=layer --filter license.type=cc --limit 20" },
    { command: "koordinates catalog list --sort=-created_at --limit 5 --expand --json", description: "The five newest, in full, as NDJSON" }
  ])
)

/**
 * `koordinates catalog …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("catalog", {
  description: "The data catalog",
  examples: [{ command: "koordinates catalog list --filter type=layer --limit 10" }]
}, [list])
