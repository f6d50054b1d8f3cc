/**
 * What commands print on stdout: aligned tables for people, and with `--json` one JSON
 * object per result — NDJSON for lists, each item printed as its page arrives.
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { displayWidth } from "effect/cli/CliOutput"

/**
 * One column of a table: its header and how a row shows in it.
 *
 * @since 0.1.0
 */
export type Column<A> = readonly [header: string, cell: (row: A) => unknown]

/**
 * Text on one line: control characters (newlines, escapes a server may send) become one
 * space, so nothing printed can move the cursor or break a row.
 *
 * @since 0.1.0
 */
export const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim()

/**
 * How a value shows in a cell: nothing as `-`, a date as `YYYY-MM-DD HH:MM:SS` (UTC), a
 * list joined by commas.
 *
 * @since 0.1.0
 */
export const cellText = (value: unknown): string => {
  if (value === null || value === undefined || value === "") return "-"
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "-" : value.toISOString().slice(0, 19).replace("T", " ")
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(cellText).join(",")
  return oneLine(typeof value === "object" ? JSON.stringify(value) : String(value))
}

/**
 * A value as compact JSON cut to `width` characters (`…` marks the cut): a feature's
 * properties in one cell.
 *
 * @example
 * ```ts
 * jsonExcerpt({ name: "Lambton Quay", lanes: 2 }, 20) // '{"name":"Lambton Qu…'
 * ```
 * @since 0.2.0
 */
export const jsonExcerpt = (value: unknown, width = 80): string => {
  const text = JSON.stringify(value) ?? ""
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - displayWidth(text)))

/** Lines of cells, each column as wide as its widest cell, two spaces apart, no trailing spaces. */
const align = (lines: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = (lines[0] ?? []).map((_, i) => Math.max(...lines.map((line) => displayWidth(line[i] ?? ""))))
  return lines.map((line) => line.map((text, i) => pad(text, widths[i]!)).join("  ").trimEnd()).join("\n")
}

/**
 * Rows as an aligned table: a header line, then one line per row.
 *
 * @example
 * ```ts
 * table([["ID", (l) => l.id], ["NAME", (l) => l.name]], [{ id: 7, name: "Roads" }])
 * // "ID  NAME\n7   Roads"
 * ```
 * @since 0.1.0
 */
export const table = <A>(columns: ReadonlyArray<Column<A>>, rows: ReadonlyArray<A>): string =>
  align([columns.map(([header]) => header), ...rows.map((row) => columns.map(([, cell]) => cellText(cell(row))))])

/**
 * How a command prints: `json` from `--json`.
 *
 * @since 0.1.0
 */
export interface Format {
  readonly json: boolean
}

/**
 * Prints a list: with `--json` each item as one JSON line the moment it arrives (pages
 * are never gathered); otherwise an aligned table once the list is complete.
 *
 * @since 0.1.0
 */
export const printList = <A, E, R>(
  items: Stream.Stream<A, E, R>,
  columns: ReadonlyArray<Column<A>>,
  format: Format
): Effect.Effect<void, E, R> =>
  format.json
    ? Stream.runForEach(items, (item) => Console.log(JSON.stringify(item)))
    : Effect.flatMap(Stream.runCollect(items), (rows) => Console.log(table(columns, rows)))

/**
 * Prints one result: with `--json` as one JSON object; otherwise as aligned `field  value` lines
 * (field names in lower case, so a table's columns serve as fields too).
 *
 * @since 0.1.0
 */
export const printOne = <A>(value: A, fields: ReadonlyArray<Column<A>>, format: Format): Effect.Effect<void> =>
  Console.log(format.json ? JSON.stringify(value) : align(fields.map(([name, cell]) => [name.toLowerCase(), cellText(cell(value))])))
