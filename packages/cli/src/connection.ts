/**
 * The flags every command takes — `--host`, `--token` (or `KOORDINATES_HOST` /
 * `KOORDINATES_TOKEN`) and `--json` — and the `Koordinates` service built from them for
 * the commands that talk to the API. The token is `Redacted` from the moment it is read.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as GlobalFlag from "effect/cli/GlobalFlag"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import type { Format } from "./output.ts"

/**
 * `--host`: the site (`labs.koordinates.com`, or `http://127.0.0.1:PORT` for a local fake).
 *
 * @since 0.1.0
 */
export const Host = GlobalFlag.Setting("host")({
  flag: Flag.String("host").pipe(
    Flag.withDescription("Site to talk to, e.g. labs.koordinates.com (default: $KOORDINATES_HOST)"),
    Flag.optional
  )
})

/**
 * `--token`: the API token; never printed.
 *
 * @since 0.1.0
 */
export const Token = GlobalFlag.Setting("token")({
  flag: Flag.Redacted("token").pipe(
    Flag.withDescription("API token (default: $KOORDINATES_TOKEN); it is never printed"),
    Flag.optional
  )
})

/**
 * `--json`: NDJSON for lists, one JSON object for single results.
 *
 * @since 0.1.0
 */
export const Json = GlobalFlag.Setting("json")({
  flag: Flag.Boolean("json").pipe(
    Flag.withDescription("Print JSON: one object per line for lists (as pages arrive), one object otherwise"),
    Flag.withDefault(false)
  )
})

/**
 * The output format the command line asked for.
 *
 * @since 0.1.0
 */
export const format: Effect.Effect<Format, never, GlobalFlag.Setting.Identifier<"json">> = Effect.map(
  Json,
  (json) => ({ json })
)

/**
 * `Koordinates` from `--host`/`--token`, falling back to the environment; a missing host
 * or token fails with `ClientValidationError` (a usage error) before any request.
 *
 * @since 0.1.0
 */
export const layer = Layer.unwrap(
  Effect.gen(function*() {
    const host = yield* Host
    const token = yield* Token
    return Koordinates.layerConfig({ host: Option.getOrUndefined(host), token: Option.getOrUndefined(token) })
  })
).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * A command group whose handlers talk to the API: `Koordinates` is built for them from
 * the flags and the environment.
 *
 * @since 0.1.0
 */
export const api = <const Name extends string, Input, ContextInput, E, R>(
  command: Command.Command<Name, Input, ContextInput, E, R>
) => Command.provide(command, layer)
