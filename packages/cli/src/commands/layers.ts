/**
 * `koordinates layers`: list, read, create, update and import layers.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import { format } from "../connection.ts"
import * as List from "../list.ts"
import { type Column, printList, printOne } from "../output.ts"
import * as Resource from "../resource.ts"
import * as Wait from "../wait.ts"

const summaryColumns: ReadonlyArray<Column<Layers.LayerSummary>> = [
  ["ID", (l) => l.id],
  ["TYPE", (l) => l.type],
  ["NAME", (l) => l.name],
  ["PUBLISHED", (l) => l.published_at]
]

/** The fields `layers get` and the commands that change a layer print. */
const layerFields: ReadonlyArray<Column<Layers.Layer>> = [
  ["id", (l) => l.id],
  ["name", (l) => l.name],
  ["type", (l) => l.type],
  ["kind", (l) => l.kind],
  ["group", (l) => l.group.name],
  ["crs", (l) => l.data.crs],
  ["version", (l) => l.version?.id],
  ["status", (l) => l.version?.status],
  ["created", (l) => l.created_at],
  ["published", (l) => l.published_at],
  ["license", (l) => l.license?.title],
  ["tags", (l) => l.tags],
  ["url", (l) => l.url]
]

const id = Argument.Int("id").pipe(Argument.withDescription("The layer's id"))

const wait = Wait.flag("the import is over (ImportFailed: exit 8)")

const importStatus = (polled: unknown) => polled instanceof Layers.Layer ? polled.version?.status : undefined

/** Prints a layer, once its import is over when `--wait` asks for it. */
const finish = (layer: Layers.Layer, waiting: boolean) => {
  const version = layer.version
  const done = waiting && version !== undefined
    ? Wait.watch("import", importStatus, (options) => Layers.waitForImport(layer.id, version.id, options))
    : Effect.succeed(layer)
  return Effect.flatMap(done, (shown) => Effect.flatMap(format, (f) => printOne(shown, layerFields, f)))
}

const list = Resource.list("list", () => Layers.list(), summaryColumns, {
  description: "List the layers you can see (published ones, or your drafts when never published)",
  examples: [
    { command: "koordinates layers list --filter kind=vector --sort=-created_at --limit 20" },
    { command: "koordinates layers list --json | jq .name", description: "One JSON object per line" }
  ]
})

const drafts = Resource.list("drafts", () => Layers.listDrafts(), summaryColumns, {
  description: "List the layers that have a draft version",
  examples: [{ command: "koordinates layers drafts --limit 10" }]
})

const get = Resource.get("layer", (id) => Layers.get(id), layerFields, [
  { command: "koordinates layers get 1474" },
  { command: "koordinates layers get 1474 --json" }
])

const versionColumns: ReadonlyArray<Column<Layers.LayerVersion>> = [
  ["ID", (v) => v.id],
  ["STATUS", (v) => v.status],
  ["CREATED", (v) => v.created_at],
  ["REFERENCE", (v) => v.reference]
]

const versions = Command.make(
  "versions",
  { id, ...List.flags },
  Effect.fn(function*({ id, ...input }) {
    const query = yield* List.apply(Layers.listVersions(id), input)
    yield* printList(Query.stream(query), versionColumns, yield* format)
  })
).pipe(
  Command.withDescription("List the versions of a layer"),
  Command.withExamples([{ command: "koordinates layers versions 1474" }])
)

const create = Command.make(
  "create",
  {
    name: Flag.String("name").pipe(Flag.withDescription("The new layer's name")),
    datasource: Flag.Int("datasource").pipe(
      Flag.withMetavar("id"),
      Flag.withDescription("A datasource to import (repeat it for more)"),
      Flag.atLeast(1)
    ),
    group: Flag.Int("group").pipe(Flag.withMetavar("id"), Flag.withDescription("The group that owns it"), Flag.optional),
    wait
  },
  Effect.fn(function*({ name, datasource, group, wait }) {
    const layer = yield* Layers.create({
      name,
      data: { datasources: datasource },
      ...Option.match(group, { onNone: () => ({}), onSome: (id) => ({ group: id }) })
    })
    yield* finish(layer, wait)
  })
).pipe(
  Command.withDescription("Create a layer from datasources: its first version is a draft that imports them"),
  Command.withExamples([
    { command: "koordinates layers create --name Roads --datasource 123456 --group 999 --wait" }
  ])
)

const update = Command.make(
  "update",
  { id, wait },
  Effect.fn(function*({ id, wait }) {
    yield* finish(yield* Layers.startUpdate(id), wait)
  })
).pipe(
  Command.withDescription("Reimport a layer from its datasources as a new draft version"),
  Command.withExamples([{ command: "koordinates layers update 1474 --wait" }])
)

const startImport = Command.make(
  "import",
  { id, wait },
  Effect.fn(function*({ id, wait }) {
    const draft = yield* Layers.getDraft(id)
    if (draft.version === undefined) {
      return yield* new ClientValidationError({ field: "id", message: `Layer ${id}'s draft names no version to import` })
    }
    yield* finish(yield* Layers.startImport(id, draft.version.id), wait)
  })
).pipe(
  Command.withDescription("Import the layer's draft version again (no draft: NotFound, exit 3)"),
  Command.withExamples([{ command: "koordinates layers import 1474 --wait" }])
)

/**
 * `koordinates layers …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("layers", {
  description: "Layers: list, show, create, update and import",
  examples: [{ command: "koordinates layers list --limit 10" }]
}, [list, get, versions, drafts, create, update, startImport])
