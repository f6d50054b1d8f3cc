/**
 * `koordinates sources`: data sources — upload files (with a progress bar), wait for the
 * scan that finds their datasources, list and show sources.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Query from "@koordinates-effect/client/Query"
import * as Sources from "@koordinates-effect/client/Sources"
import { format } from "../connection.ts"
import { type Column, printOne } from "../output.ts"
import * as Progress from "../progress.ts"
import * as Resource from "../resource.ts"
import * as Wait from "../wait.ts"

const columns: ReadonlyArray<Column<Sources.SourceSummary>> = [
  ["ID", (s) => s.id],
  ["TYPE", (s) => s.type],
  ["TITLE", (s) => s.title]
]

const fields: ReadonlyArray<Column<Sources.Source>> = [
  ...columns,
  ["GROUP", (s) => s.group?.name],
  ["SCANNED", (s) => s.last_scanned_at],
  ["URL", (s) => s.url]
]

/** The source's latest scan: the one an upload starts by itself, or a new one. */
const latestScan = (sourceId: number) =>
  Effect.flatMap(
    Query.first(Query.orderBy(Sources.listScans(sourceId), "-id")),
    Option.match({ onNone: () => Sources.startScan(sourceId), onSome: Effect.succeed })
  )

const scanned = (source: Sources.Source) =>
  Effect.flatMap(latestScan(source.id), (scan) =>
    Wait.watch(
      "scan",
      (polled) => polled instanceof Sources.Scan ? polled.status : undefined,
      (options) => Sources.waitForScan(source.id, scan.id, options)
    ))

const upload = Command.make(
  "upload",
  {
    files: Argument.String("file").pipe(Argument.withDescription("Files to upload (a .zip, a shapefile's parts…)"), Argument.atLeast(1)),
    title: Flag.String("title").pipe(Flag.withDescription("The new source's title")),
    wait: Wait.flag("the source is scanned (ScanFailed: exit 8)")
  },
  Effect.fn(function*({ files, title, wait }) {
    const line = yield* Progress.line
    const bar = Progress.bytes(line, "upload")
    const source = yield* Sources.createUpload(
      { title, files: files.map((path) => ({ path })) },
      { onProgress: ({ sent, total }) => bar(sent, total) }
    ).pipe(Effect.ensuring(line.end))
    const shown = wait ? yield* Effect.andThen(scanned(source), Sources.get(source.id)) : source
    yield* printOne(shown, fields, yield* format)
  })
).pipe(
  Command.withDescription("Upload files as a new source; with --wait, also wait for its scan"),
  Command.withExamples([
    { command: "koordinates sources upload contours.zip contours.xml --title Contours --wait" }
  ])
)

const list = Resource.list("list", () => Sources.list(), columns, {
  description: "List sources",
  examples: [{ command: "koordinates sources list --limit 10" }]
})

const get = Resource.get("source", (id) => Sources.get(id), fields, [{ command: "koordinates sources get 21838" }])

/**
 * `koordinates sources …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("sources", {
  description: "Data sources: upload files, list and show sources",
  examples: [{ command: "koordinates sources upload roads.zip --title Roads --wait" }]
}, [upload, list, get])
