/**
 * The `koordinates` command tree on `effect/cli`, and {@link run}: one command line to its
 * exit code (see `exit.ts`) — help and results on stdout, one line per failure on stderr.
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as CliConfig from "effect/cli/CliConfig"
import * as CliOutput from "effect/cli/CliOutput"
import * as Command from "effect/cli/Command"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Catalog from "./commands/catalog.ts"
import * as Exports from "./commands/exports.ts"
import * as Fake from "./commands/fake.ts"
import * as FeatureCommands from "./commands/features.ts"
import * as Layers from "./commands/layers.ts"
import * as Licenses from "./commands/licenses.ts"
import * as Metadata from "./commands/metadata.ts"
import * as Permissions from "./commands/permissions.ts"
import * as Publish from "./commands/publish.ts"
import * as PointQuery from "./commands/query.ts"
import * as Sets from "./commands/sets.ts"
import * as Sources from "./commands/sources.ts"
import * as Whoami from "./commands/whoami.ts"
import { api, Host, Json, Token } from "./connection.ts"
import { exitCodeLines, ExitCode, failure } from "./exit.ts"

/**
 * `koordinates` and its subcommands.
 *
 * @since 0.1.0
 */
export const root = Command.make("koordinates").pipe(
  Command.withDescription(
    [
      "Work with a Koordinates site from the shell: the catalog, layers, publishing, sources, exports.",
      "The site and token come from --host / --token or KOORDINATES_HOST / KOORDINATES_TOKEN.",
      "",
      "Exit codes:",
      ...exitCodeLines.map((line) => `  ${line}`)
    ].join("\n  ")
  ),
  Command.withExamples([
    { command: "koordinates fake --port 8080", description: "A local FakeKoordinates to try it on (prints the two exports to set)" },
    { command: "koordinates --host labs.koordinates.com catalog list --filter type=layer --limit 5" },
    { command: "koordinates layers list --json | jq -r .name", description: "NDJSON, one layer per line as pages arrive" }
  ]),
  Command.withSubcommands([
    api(Catalog.command),
    api(Layers.command),
    api(Publish.command),
    api(Sets.command),
    api(Sources.command),
    api(Exports.command),
    api(Permissions.command),
    api(Licenses.command),
    api(Metadata.command),
    api(FeatureCommands.command),
    api(PointQuery.command),
    api(Whoami.command),
    Fake.command
  ]),
  Command.withGlobalFlags([Host, Token, Json])
)

/**
 * Help and the version go to stdout; a bad command line is reported by `failure` as one
 * line on stderr, not with the whole help.
 */
const presenter: CliOutput.Presenter = {
  present: (event) =>
    Effect.flatMap(CliOutput.Formatter, (formatter) => {
      switch (event._tag) {
        case "Help":
          // the formatter runs the subcommands into the examples: a blank line between them
          return Console.log(formatter.formatHelpDoc(event.helpDoc).replace(/(\S)\n((?:\u001b\[[0-9;]*m)*EXAMPLES)/, "$1\n\n$2"))
        case "Version":
          return Console.log(formatter.formatVersion(event.name, event.version))
        case "InvalidInvocation":
          return Effect.void
      }
    })
}

/**
 * Runs one command line (the arguments after `koordinates`) to its exit code: never fails.
 *
 * @example
 * ```ts
 * run(["layers", "get", "1474", "--json"]) // Effect<number>: 0, or the code of the failure
 * ```
 * @since 0.1.0
 */
export const run = (args: ReadonlyArray<string>): Effect.Effect<number> =>
  Command.runWith(root, { version: "0.1.0" })(args).pipe(
    Effect.as(ExitCode.ok),
    Effect.catch((error) => {
      const { code, line } = failure(error)
      return Effect.as(Console.error(line), code)
    }),
    Effect.provide(CliOutput.layerPresenter(presenter)),
    Effect.provide(CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] })),
    Effect.provide(NodeServices.layer)
  )
