/**
 * Running the built `koordinates` bin as a person would: a child process of this Node,
 * against a FakeKoordinates on 127.0.0.1, with what it printed and how it exited. Every
 * run is bounded in time, and every output is kept so a test file can prove at the end
 * that the token never appeared in any of it.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { run as runCli } from "../../packages/cli/src/cli.ts"
import { ALL_SCOPES, type FakeServer, startServer } from "../../packages/testing/src/server/index.ts"

/** The bin, as built by `npm run build`. */
export const bin = path.resolve(import.meta.dirname, "../../packages/cli/dist/main.js")

/** The token the CLI is given; the fake accepts it with every scope. */
export const cliToken = "cli-secret-token-7f3a"

/** How one run ended. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Every output of every run of this file, for the token check. */
export const outputs: Array<string> = []

/** Starts a fake that accepts {@link cliToken}. */
export const startCliFake = (catalogSize = 30): Promise<FakeServer> =>
  startServer({ catalogSize, tokens: { [cliToken]: ALL_SCOPES } })

/**
 * Runs `koordinates ARGS…` against `fake` (KOORDINATES_HOST / KOORDINATES_TOKEN set unless
 * `env` changes them), killed after `timeoutMillis`.
 */
export const run = (
  fake: FakeServer,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly timeoutMillis?: number; readonly cwd?: string } = {}
): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: { PATH: process.env["PATH"] ?? "", KOORDINATES_HOST: fake.origin, KOORDINATES_TOKEN: cliToken, ...options.env },
        timeout: options.timeoutMillis ?? 20_000,
        cwd: options.cwd,
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        outputs.push(stdout, stderr)
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ code, stdout, stderr })
      }
    )
  })

/** The lines of a text, without the last empty one. */
export const lines = (text: string): Array<string> => text.split("\n").filter((line, i, all) => i < all.length - 1 || line !== "")

/**
 * Runs a command line in this process, through the bin's own command tree, with what it
 * prints captured: for commands that send no request (help, usage errors).
 */
export const runHere = async (args: ReadonlyArray<string>): Promise<Run> => {
  const out: Array<string> = []
  const err: Array<string> = []
  const capture: Console.Console = {
    ...globalThis.console,
    log: (...parts: ReadonlyArray<unknown>) => out.push(`${parts.join(" ")}\n`),
    error: (...parts: ReadonlyArray<unknown>) => err.push(`${parts.join(" ")}\n`)
  }
  const code = await Effect.runPromise(runCli(args).pipe(Effect.provideService(Console.Console, capture)))
  const run = { code, stdout: out.join(""), stderr: err.join("") }
  outputs.push(run.stdout, run.stderr)
  return run
}
