/**
 * `koordinates metadata`: a layer's or a set's metadata document — print it in a format,
 * or set a draft's from an XML file.
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Sets from "@koordinates-effect/client/Sets"
import { format } from "../connection.ts"
import * as Resource from "../resource.ts"
import * as Target from "../target.ts"

const kinds = ["layer", "set"] as const

const readers = {
  layer: { get: Layers.get, getDraft: Layers.getDraft },
  set: { get: Sets.get, getDraft: Sets.getDraft }
} as const

/** The object a target names, read by `read` (its published version, or its draft). */
const objectOf = (target: Target.Target<(typeof kinds)[number]>, read: "get" | "getDraft") =>
  "layer" in target ? readers.layer[read](target.layer) : readers.set[read](target.set)

const get = Command.make(
  "get",
  {
    ...Target.flags(kinds),
    format: Flag.Literals("format", ["native", "iso", "dc", "fgdc"]).pipe(
      Flag.withDescription("Which document: as uploaded (native), ISO 19139, Dublin Core or FGDC"),
      Flag.withDefault("native")
    )
  },
  Effect.fn(function*({ format: documentFormat, ...given }) {
    const target = yield* Target.of(kinds, given)
    const object = yield* objectOf(target, "get")
    if (object.metadata == null) {
      return yield* new ClientValidationError({ field: "metadata", message: `${object.url} has no metadata` })
    }
    const xml = yield* Metadata.getXml(object.metadata, documentFormat)
    const { json } = yield* format
    yield* Console.log(json ? JSON.stringify({ url: object.url, format: documentFormat, xml }) : xml)
  })
).pipe(
  Command.withDescription("Print the metadata of a layer or set as XML (--json: one object with the XML in it)"),
  Command.withExamples([
    { command: "koordinates metadata get --layer 1474 --format iso > roads.iso.xml" }
  ])
)

const set = Command.make(
  "set",
  {
    ...Target.flags(kinds),
    file: Argument.String("file").pipe(Argument.withDescription("An XML metadata document"))
  },
  Effect.fn(function*({ file, ...given }) {
    const target = yield* Target.of(kinds, given)
    const draft = yield* objectOf(target, "getDraft")
    const fs = yield* FileSystem.FileSystem
    const xml = yield* fs.readFile(file).pipe(
      Effect.mapError(() => new ClientValidationError({ field: "file", message: `Cannot read ${file}` }))
    )
    yield* Metadata.setXml(draft.this_version ?? draft.url, xml)
    const { json } = yield* format
    yield* Console.log(json ? JSON.stringify({ url: draft.this_version, metadata: "set" }) : `Metadata set on ${draft.this_version}`)
  })
).pipe(
  Command.withDescription("Set the metadata of a layer's or set's draft version from an XML file"),
  Command.withExamples([{ command: "koordinates metadata set --layer 1474 roads.xml" }])
)

/**
 * `koordinates metadata …`
 *
 * @since 0.1.0
 */
export const command = Resource.group("metadata", {
  description: "Metadata documents of layers and sets",
  examples: [{ command: "koordinates metadata get --layer 1474 --format dc" }]
}, [get, set])
