/**
 * Waiting for a job of the site (an import, a publish, a scan, an export) with its status
 * on a progress line: the client's own wait, polled twice a second, each poll's status
 * redrawn in place.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Flag from "effect/cli/Flag"
import type { WaitOptions } from "@koordinates-effect/client/Layers"
import * as Progress from "./progress.ts"

/**
 * How waits poll: every half second. The site's jobs take seconds to hours; twice a
 * second is well within the API's rate limits.
 */
const polling = Schedule.spaced("500 millis")

/**
 * Runs `wait` (a client `waitFor…` given its options) showing `label` and the status
 * `statusOf` reads from each polled value; the line ends with `done` or the error's
 * status, then a newline.
 *
 * @example
 * ```ts
 * declare const id: number
 * declare const versionId: number
 * watch("import", (v) => v instanceof Layers.Layer ? v.version?.status : undefined, (options) =>
 *   Layers.waitForImport(id, versionId, options))
 * ```
 * @since 0.1.0
 */
export const watch = <A, E, R>(
  label: string,
  statusOf: (polled: unknown) => string | undefined,
  wait: (options: WaitOptions) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const line = yield* Progress.line
    const show = (status: string, final = false) =>
      line.update((width, elapsed) => Progress.statusFrame(label, status, elapsed, width), final)
    yield* show("waiting")
    const schedule = polling.pipe(Schedule.tap(({ input }) => show(statusOf(input) ?? "waiting")))
    return yield* wait({ schedule }).pipe(
      Effect.tap(() => show("done", true)),
      Effect.ensuring(line.end)
    )
  })

/**
 * `--wait`, off unless given; `what` says what it waits for and how that can fail.
 *
 * @since 0.1.0
 */
export const flag = (what: string): Flag.Flag<boolean> =>
  Flag.Boolean("wait").pipe(Flag.withDescription(`Wait until ${what}`), Flag.withDefault(false))
