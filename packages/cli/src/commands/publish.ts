/**
 * `koordinates publish`: publish draft versions of layers, tables and sets — together or
 * one by one — and follow publishes.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { type CallError, ClientValidationError } from "@koordinates-effect/client/Errors"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Tables from "@koordinates-effect/client/Tables"
import { format } from "../connection.ts"
import { type Column, printOne } from "../output.ts"
import * as Resource from "../resource.ts"
import * as Wait from "../wait.ts"

const columns: ReadonlyArray<Column<Publishing.Publish>> = [
  ["ID", (p) => p.id],
  ["STATE", (p) => p.state],
  ["STRATEGY", (p) => p.publish_strategy],
  ["CREATED", (p) => p.created_at],
  ["ITEMS", (p) => p.items.length]
]

const fields: ReadonlyArray<Column<Publishing.Publish>> = [
  ...columns.slice(0, 4),
  ["PUBLISH_AT", (p) => p.publish_at],
  ["ITEMS", (p) => p.items],
  ["URL", (p) => p.url]
]

type Kind = "layer" | "table" | "set"

const drafts: Record<Kind, (id: number) => Effect.Effect<Publishing.PublishItem, CallError, Koordinates>> = {
  layer: (id) => Layers.getDraft(id),
  table: (id) => Tables.getDraft(id),
  set: (id) => Sets.getDraft(id)
}

const versionIds = (kind: Kind, id: number, version: number): Publishing.VersionIds =>
  kind === "layer" ? { layer: id, version } : kind === "table" ? { table: id, version } : { set: id, version }

/** `ID` (the object's draft, read first) or `ID:VERSION` (that version) as an item to publish. */
const parseItem = (kind: Kind, text: string): Effect.Effect<Publishing.PublishItem, CallError, Koordinates> => {
  const match = /^(\d+)(?::(\d+))?$/.exec(text)
  if (match === null) {
    return Effect.fail(new ClientValidationError({ field: kind, message: `Invalid --${kind} "${text}": expected ID or ID:VERSION` }))
  }
  const [, id, version] = match
  return version === undefined
    ? drafts[kind](Number(id))
    : Effect.succeed(versionIds(kind, Number(id), Number(version)))
}

const itemFlag = (kind: Kind) =>
  Flag.String(kind).pipe(
    Flag.withMetavar("id[:version]"),
    Flag.withDescription(`A ${kind} to publish: its draft, or the version given (repeat it for more)`),
    Flag.atLeast(0)
  )

const create = Command.make(
  "create",
  {
    layer: itemFlag("layer"),
    table: itemFlag("table"),
    set: itemFlag("set"),
    strategy: Flag.Literals("strategy", ["together", "individual"]).pipe(
      Flag.withDescription("Publish the items together (all or none) or each on its own"),
      Flag.withDefault("together")
    ),
    wait: Wait.flag("the publish is over (PublishFailed: exit 8)")
  },
  Effect.fn(function*({ strategy, wait, ...given }) {
    const named = (Object.keys(drafts) as Array<Kind>).flatMap((kind) => given[kind].map((text) => [kind, text] as const))
    const items = yield* Effect.forEach(named, ([kind, text]) => parseItem(kind, text))
    const publish = yield* Publishing.create({ items, publishStrategy: strategy })
    const shown = wait
      ? yield* Wait.watch(
        "publish",
        (polled) => polled instanceof Publishing.Publish ? polled.state : undefined,
        (options) => Publishing.waitForPublish(publish.id, options)
      )
      : publish
    yield* printOne(shown, fields, yield* format)
  })
).pipe(
  Command.withDescription("Publish draft versions: layers, tables and sets, by id (their drafts) or id:version"),
  Command.withExamples([
    { command: "koordinates publish create --layer 8888 --layer 7777:6666 --wait" },
    { command: "koordinates publish create --set 5 --strategy individual" }
  ])
)

const list = Resource.list("list", () => Publishing.list(), columns, {
  description: "List publishes",
  examples: [{ command: "koordinates publish list --limit 5" }]
})

const get = Resource.get("publish", (id) => Publishing.get(id), fields, [{ command: "koordinates publish get 2054" }])

/**
 * `koordinates publish …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("publish", {
  description: "Publishing: make draft versions live",
  examples: [{ command: "koordinates publish create --layer 8888 --wait" }]
}, [create, list, get])
