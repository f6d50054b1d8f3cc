/**
 * `koordinates fake`: FakeKoordinates — an in-memory Koordinates API on 127.0.0.1 — for a
 * quick try of the other commands, until Ctrl-C. Its code is loaded only for this command.
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import { Token } from "../connection.ts"

/** The fake's own token, accepted when `--token` gives none: a public test value, not a secret. */
const testToken = "test-token"

/**
 * `koordinates fake`
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "fake",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("Port on 127.0.0.1 (0: any free port)"), Flag.withDefault(8080)),
    catalog: Flag.Int("catalog").pipe(Flag.withMetavar("n"), Flag.withDescription("Catalog items to generate"), Flag.withDefault(500))
  },
  Effect.fn(function*({ port, catalog }) {
    const given = yield* Token
    const token = Option.match(given, { onNone: () => testToken, onSome: Redacted.value })
    const { ALL_SCOPES, startServer } = yield* Effect.promise(() => import("@koordinates-effect/testing/server"))
    const server = yield* Effect.acquireRelease(
      Effect.promise(() => startServer({ port, catalogSize: catalog, tokens: { [token]: ALL_SCOPES } })),
      (started) => Effect.promise(() => started.close())
    )
    yield* Console.log(`FakeKoordinates on ${server.origin} with ${server.store.catalogItems().length} catalog items; Ctrl-C stops it.`)
    yield* Console.log(
      Option.isSome(given)
        ? `export KOORDINATES_HOST=${server.origin}  # and KOORDINATES_TOKEN: the token you gave`
        : `export KOORDINATES_HOST=${server.origin} KOORDINATES_TOKEN=${testToken}`
    )
    return yield* Effect.never
  }, Effect.scoped)
).pipe(
  Command.withDescription("Start FakeKoordinates, an in-memory Koordinates API on 127.0.0.1, to try the other commands"),
  Command.withExamples([
    { command: "koordinates fake --port 8080 --catalog 200", description: "Then, in another shell, the two exports it prints" }
  ])
)
