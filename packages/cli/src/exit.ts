/**
 * How a failure ends the process: an exit code by the kind of error, and one line for
 * stderr that names the error's tag and says what went wrong — never the token.
 *
 * @since 0.1.0
 */
import * as CliError from "effect/cli/CliError"
import type { KoordinatesError } from "@koordinates-effect/client/Errors"
import { oneLine } from "./output.ts"

/**
 * The exit codes of `koordinates`, by kind of failure.
 *
 * @since 0.1.0
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  conflict: 5,
  server: 6,
  network: 7,
  jobFailed: 8
} as const

/**
 * One line per exit code, for `--help` and the README.
 *
 * @since 0.1.0
 */
export const exitCodeLines: ReadonlyArray<string> = [
  "0 ok",
  "1 unexpected failure",
  "2 usage or bad input (BadRequest, ClientValidationError, NotAllowed, NoPrimaryKey, ServiceException, a missing token)",
  "3 not found (NotFound, Gone)",
  "4 auth (AuthenticationError, InvalidTokenScope, Forbidden)",
  "5 conflict (Conflict)",
  "6 rate limited or server error (RateLimitExceeded, InternalServerError, ServiceUnavailable, ServerError, ResponseDecodeError)",
  "7 network or timeout (TransportError, TimeoutError, RedirectError)",
  "8 job failed (ImportFailed, PublishFailed, ScanFailed, DownloadError: export failed or download broke off)",
  "130 interrupted (Ctrl-C)"
]

/**
 * The exit code of a client error, by its tag.

 */
const exitCodeOf = (error: KoordinatesError): number => {
  switch (error._tag) {
    case "BadRequest":
    case "ClientValidationError":
    case "NotAllowed":
    case "NoPrimaryKey":
    case "ServiceException":
      return ExitCode.usage
    case "NotFound":
    case "Gone":
      return ExitCode.notFound
    case "AuthenticationError":
    case "InvalidTokenScope":
    case "Forbidden":
      return ExitCode.auth
    case "Conflict":
      return ExitCode.conflict
    case "RateLimitExceeded":
    case "InternalServerError":
    case "ServiceUnavailable":
    case "ServerError":
    case "ResponseDecodeError":
      return ExitCode.server
    case "TransportError":
    case "TimeoutError":
    case "RedirectError":
      return ExitCode.network
    case "ImportFailed":
    case "PublishFailed":
    case "ScanFailed":
    case "DownloadError":
      return ExitCode.jobFailed
  }
}

const clientTags: ReadonlySet<string> = new Set<KoordinatesError["_tag"]>([
  "BadRequest",
  "ClientValidationError",
  "NotAllowed",
  "NotFound",
  "Gone",
  "AuthenticationError",
  "InvalidTokenScope",
  "Forbidden",
  "Conflict",
  "RateLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "ServerError",
  "ResponseDecodeError",
  "TransportError",
  "TimeoutError",
  "RedirectError",
  "ImportFailed",
  "PublishFailed",
  "ScanFailed",
  "DownloadError",
  "NoPrimaryKey",
  "ServiceException"
])

/**
 * Whether a failure is one of the client's tagged errors.

 */
const isKoordinatesError = (error: unknown): error is KoordinatesError =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" &&
  clientTags.has(error._tag)

/**
 * What a failure prints and returns: the exit code and the one line for stderr.
 *
 * @since 0.1.0
 */
export interface Failure {
  readonly code: number
  readonly line: string
}

/**
 * The exit code and the stderr line of any failure of a command: a client error by its
 * tag; a command-line error (an unknown flag, a missing argument) as a usage error naming
 * the command's `--help`; anything else as unexpected.
 *
 * @example
 * ```ts
 * const url = "https://labs.koordinates.com/services/api/v1.x/layers/9/"
 * failure(new Errors.NotFound({ status: 404, message: "Not found.", method: "GET", url })) // { code: 3, line: "NotFound: Not found. (GET …)" }
 * ```
 * @since 0.1.0
 */
export const failure = (error: unknown): Failure => {
  if (isKoordinatesError(error)) {
    const request = "method" in error && "url" in error && !error.message.includes(error.url) ? ` (${error.method} ${error.url})` : ""
    return { code: exitCodeOf(error), line: oneLine(`${error._tag}: ${error.message}${request}`) }
  }
  if (CliError.isCliError(error)) {
    const errors = error._tag === "ShowHelp" ? error.errors : [error]
    const command = error._tag === "ShowHelp" ? error.commandPath.join(" ") : "koordinates"
    const messages = errors.length === 0 ? "a subcommand is needed" : errors.map((e) => e.message).join("; ")
    return { code: ExitCode.usage, line: oneLine(`Usage: ${messages} (see ${command} --help)`) }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: ExitCode.unexpected, line: oneLine(`Unexpected: ${message}`) }
}
