/**
 * `koordinates licenses`: the site's licenses.
 *
 * @since 0.1.0
 */
import * as Licenses from "@koordinates-effect/client/Licenses"
import type { Column } from "../output.ts"
import * as Resource from "../resource.ts"

const columns: ReadonlyArray<Column<Licenses.License>> = [
  ["ID", (l) => l.id],
  ["TYPE", (l) => l.type],
  ["JURISDICTION", (l) => l.jurisdiction],
  ["VERSION", (l) => l.version],
  ["TITLE", (l) => l.title]
]

const fields: ReadonlyArray<Column<Licenses.License>> = [...columns, ["URL", (l) => l.url_html ?? l.url]]

const list = Resource.list("list", () => Licenses.list(), columns, {
  description: "List the licenses of the site",
  examples: [{ command: "koordinates licenses list" }]
})

const get = Resource.get("license", (id) => Licenses.get(id), fields, [{ command: "koordinates licenses get 15 --json" }])

/**
 * `koordinates licenses …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("licenses", {
  description: "Licenses",
  examples: [{ command: "koordinates licenses list --json" }]
}, [list, get])
