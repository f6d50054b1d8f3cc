/**
 * Waiting for server-side work (imports, publishes): poll on a `Schedule` until the
 * polled value says the work is over, within an optional time budget. Interrupting the
 * wait stops the polling and aborts the request in flight.
 *
 * @since 0.1.0
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { TimeoutError } from "../Errors.ts"

/**
 * How to wait: the polling schedule (default: every 2 seconds) and a time budget (default:
 * none). A schedule that ends before the work does fails the wait with `TimeoutError`, as
 * does running out of time.
 *
 * @since 0.1.0
 */
export interface WaitOptions {
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  readonly timeout?: Duration.Input | undefined
}

/** The default polling schedule. */
const everyTwoSeconds = /* @__PURE__ */ Schedule.spaced("2 seconds")

/**
 * Polls `poll` until `outcome` of its value is `Some`, then returns that outcome's effect
 * (which succeeds with the final value or fails with the work's own error).
 *
 * @since 0.1.0
 */
export const until = <A, E, R, B, E2>(
  operation: string,
  poll: Effect.Effect<A, E, R>,
  outcome: (value: A) => Option.Option<Effect.Effect<B, E2>>,
  options: WaitOptions = {}
): Effect.Effect<B, E | E2 | TimeoutError, R> => {
  const gaveUp = (why: string) => new TimeoutError({ operation, message: `Gave up waiting for ${operation}: ${why}` })
  const waited = Effect.repeat(poll, {
    schedule: options.schedule ?? everyTwoSeconds,
    until: (value: A) => Option.isSome(outcome(value))
  }).pipe(
    Effect.flatMap((value): Effect.Effect<B, E2 | TimeoutError> =>
      Option.getOrElse(outcome(value), () => Effect.fail(gaveUp("the polling schedule ended first")))
    )
  )
  if (options.timeout === undefined) return waited
  return Effect.timeoutOrElse(waited, {
    duration: options.timeout,
    orElse: () => Effect.fail(gaveUp("out of time"))
  })
}
