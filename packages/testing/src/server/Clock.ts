/**
 * The fake's clock: the time its jobs (imports, scans, exports, publishes) run on, scheduled
 * publishes wait for, token expiry is checked against and new timestamps are written at.
 * A `real` clock follows the system time; a `manual` one stands still from the moment the
 * server starts until a test moves it on with {@link FakeClock.advance}. Both can be moved
 * ahead. The `per-read` clock follows the system time too, but jobs ignore it: each read of
 * a job moves it one step instead.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/**
 * How jobs move on: with the system time (`real`, the default), with a clock that moves
 * only when told (`manual`), or one step per read of the job (`per-read`).
 *
 * @example
 * ```ts
 * import { type ClockMode, startServer } from "@koordinates-effect/testing/server"
 *
 * const mode: ClockMode = "manual"
 * await startServer({ clock: mode })
 * ```
 * @since 0.2.0
 */
export type ClockMode = "real" | "manual" | "per-read"

/** Every clock mode. */
const CLOCK_MODES: ReadonlyArray<ClockMode> = ["real", "manual", "per-read"]

/**
 * A length of time: milliseconds, `"2 minutes"`, `"500 millis"`, or an Effect `Duration`.
 *
 * @example
 * ```ts
 * import { type DurationInput, startServer } from "@koordinates-effect/testing/server"
 *
 * const importTime: DurationInput = "2 minutes"
 * await startServer({ importTime, exportTime: 500 })
 * ```
 * @since 0.2.0
 */
export type DurationInput = Duration.Input

/** The milliseconds of a finite, non-negative duration; throws naming `name` otherwise. */
export const millisOf = (name: string, input: DurationInput): number => {
  const duration = typeof input === "number" ? undefined : Option.getOrUndefined(Duration.fromInput(input))
  const millis = typeof input === "number" ? input : duration === undefined ? Number.NaN : Duration.toMillis(duration)
  if (!Number.isFinite(millis) || millis < 0) {
    throw new Error(`${name} must be a finite, non-negative duration, got ${String(input)}`)
  }
  return millis
}

/**
 * The time of a fake server: {@link FakeClock.now} is what its jobs and timestamps go by.
 *
 * @example
 * ```ts
 * import { startServer } from "@koordinates-effect/testing/server"
 *
 * const server = await startServer({ clock: "manual" })
 * const before = server.clock.now()
 * server.clock.advance("2 minutes") // imports, scans, exports and publishes due by then end
 * server.clock.now() - before // 120000
 * ```
 * @since 0.2.0
 */
export class FakeClock {
  /** How jobs move on. */
  readonly mode: ClockMode
  /** The system time a manual clock stands at (before any advance). */
  readonly #start: number
  #ahead = 0
  readonly #listeners = new Set<() => void>()

  constructor(mode: ClockMode = "real") {
    if (!CLOCK_MODES.includes(mode)) throw new Error(`clock must be one of ${CLOCK_MODES.join(", ")}, got ${mode}`)
    this.mode = mode
    this.#start = Date.now()
  }

  /** The current instant, in ms since the epoch. */
  now(): number {
    return (this.mode === "manual" ? this.#start : Date.now()) + this.#ahead
  }

  /**
   * Moves the clock on by `duration` (ms, `"2 minutes"`, a `Duration`): whatever is due by
   * then — an import's end, a scheduled publish — happens at once, at the instant it was due.
   */
  advance(duration: DurationInput): void {
    this.#ahead += millisOf("advance", duration)
    for (const listener of this.#listeners) listener()
  }

  /** Calls `listener` after each {@link advance}. */
  onAdvance(listener: () => void): void {
    this.#listeners.add(listener)
  }
}
