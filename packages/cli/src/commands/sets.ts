/**
 * `koordinates sets`: list and show sets (collections of layers and tables).
 *
 * @since 0.1.0
 */
import * as Sets from "@koordinates-effect/client/Sets"
import type { Column } from "../output.ts"
import * as Resource from "../resource.ts"

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

const list = Resource.list("list", () => Sets.list(), columns, {
  description: "List sets",
  examples: [{ command: "koordinates sets list --limit 10" }, { command: "koordinates sets list --json" }]
})

const get = Resource.get("set", (id) => Sets.get(id), fields, [{ command: "koordinates sets get 933" }])

/**
 * `koordinates sets …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("sets", {
  description: "Sets: collections of layers and tables",
  examples: [{ command: "koordinates sets get 933" }]
}, [list, get])
