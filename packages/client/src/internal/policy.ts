/**
 * How requests are sent when things go wrong: retries of transient failures on a
 * `Schedule` (429 for any method, honouring `Retry-After`; 502/503/504, transport failures,
 * timed-out attempts and garbled bodies for idempotent methods only), one back-off gate
 * shared by every request of a `Koordinates` service, an optional limit on requests in
 * flight, a timeout per attempt, an idle timeout on every body (sent or received) and an
 * optional budget per request, body included.
 *
 * The options are what a user sets (`Koordinates` re-exports their types); the state they
 * run with — the gate and the permits of each service — lives here, keyed by the service.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Pull from "effect/Pull"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import type * as HttpBody from "effect/http/HttpBody"
import { ClientValidationError, type RequestError, TimeoutError } from "../Errors.ts"

/**
 * A failure a retry may mend, as a retry `Schedule` receives it.
 *
 * @example
 * ```ts
 * const describe = (e: Koordinates.RetryableError) => `${e._tag}: ${e.message}`
 * ```
 * @since 0.1.0
 * @category retries
 */
export type RetryableError = Extract<
  RequestError,
  { readonly _tag: "RateLimitExceeded" | "ServiceUnavailable" | "TransportError" | "TimeoutError" | "ResponseDecodeError" }
>

/**
 * How failed requests are retried (on by default): 429 for any method, honouring
 * `Retry-After`; 502/503/504, transport failures, timed-out attempts and garbled bodies for
 * idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) only — never a POST whose outcome is
 * unknown, nor a streamed upload. Defaults: 3 retries, waits from 200 ms doubling with
 * jitter, no wait longer than 60 s (a longer `Retry-After` is cut to it).
 *
 * @example
 * ```ts
 * const retry: Koordinates.RetryOptions = { times: 5, base: "500 millis", maxDelay: "30 seconds" }
 * // or any Schedule, fed the failure each time:
 * const custom: Koordinates.RetryOptions = { schedule: Schedule.spaced("1 second").pipe(Schedule.upTo({ times: 10 })) }
 * ```
 * @since 0.1.0
 * @category retries
 */
export interface RetryOptions {
  /** Retries at most this many times; default 3. Ignored when `schedule` is given. */
  readonly times?: number | undefined
  /** Wait before the first retry, doubled (with jitter) for each next one; default 200 ms. Ignored with `schedule`. */
  readonly base?: Duration.Input | undefined
  /** Longest wait before a retry, and the cap on a server's `Retry-After`; default 60 s. */
  readonly maxDelay?: Duration.Input | undefined
  /**
   * A `Schedule` deciding whether and when to retry, fed each retryable failure (replaces
   * `times` and `base`); a `Retry-After` still lengthens its waits, up to `maxDelay`.
   */
  readonly schedule?: Schedule.Schedule<unknown, RetryableError> | undefined
}

/**
 * One retry about to happen, as `onRetry` receives it (and as the `koordinates.retry` span
 * event records it).
 *
 * @example
 * ```ts
 * const onRetry = (r: Koordinates.RetryEvent) =>
 *   Effect.logDebug(`retry ${r.attempt} in ${r.delayMillis} ms after ${r.reason}: ${r.method} ${r.url}`)
 * ```
 * @since 0.2.0
 * @category retries
 */
export interface RetryEvent {
  /** 1 for the first retry. */
  readonly attempt: number
  readonly delayMillis: number
  /** `HTTP 503`, `TransportError`… */
  readonly reason: string
  readonly method: string
  readonly url: string
  readonly error: RetryableError
}

/**
 * Retries, timeouts and budgets, for a whole `Koordinates` (`Koordinates.layer`) or one
 * call (`Koordinates.withRequestOptions`).
 *
 * @example
 * ```ts
 * const options: Koordinates.RequestOptions = { retry: { times: 5 }, timeout: "10 seconds", budget: "2 minutes" }
 * ```
 * @since 0.1.0
 * @category options
 */
export interface RequestOptions {
  /** How to retry (see {@link RetryOptions}); on by default, `false` turns it off. */
  readonly retry?: RetryOptions | false | undefined
  /**
   * Longest wait for one attempt's complete reply (for streamed replies: its headers; for
   * streamed uploads: from the last byte sent); on expiry the attempt fails with
   * `TimeoutError` (retried for idempotent methods). Default 30 s; `false` for none.
   */
  readonly timeout?: Duration.Input | false | undefined
  /**
   * Longest silence while a body is on its way — a download, a scan log, a metadata stream,
   * any reply's body, or an upload being sent: no bytes for that long fails the attempt with
   * `TimeoutError`, retried (a download resumed) like a cut. Default 60 s; `false` for none.
   */
  readonly idleTimeout?: Duration.Input | false | undefined
  /**
   * Longest time for a request as a whole — retries, waits, and a streamed body (download,
   * scan log, upload) to its last byte included (`TimeoutError`); default none.
   */
  readonly budget?: Duration.Input | false | undefined
  /**
   * Called before each retry (after the `koordinates.retry` span event is added): log it,
   * count it. Default: nothing, so no logger is bundled unless an app brings one.
   */
  readonly onRetry?: ((retry: RetryEvent) => Effect.Effect<void>) | undefined
}

/**
 * Request options checked and resolved: `undefined` means off.
 * @since 0.1.0
 */
export interface Settings {
  readonly retry: { readonly schedule: Schedule.Schedule<unknown, RetryableError>; readonly cap: number } | undefined
  /** Milliseconds. */
  readonly timeout: number | undefined
  /** Milliseconds without a byte of a body, sent or received, before the attempt fails. */
  readonly idle: number | undefined
  /** Milliseconds. */
  readonly budget: number | undefined
  readonly onRetry: RequestOptions["onRetry"]
}

/**
 * Per-call overrides, set by `Koordinates.withRequestOptions`.
 * @since 0.1.0
 */
export const Overrides = /* @__PURE__ */ Context.Reference<Partial<Settings>>(
  "@koordinates-effect/client/RequestOptions",
  { defaultValue: () => ({}) }
)

const defaultCap = 60_000

const invalid = (field: string, message: string) => new ClientValidationError({ field, message })

/** A duration given by the user, in milliseconds: positive and finite. */
const duration = (field: string, input: Duration.Input): Effect.Effect<number, ClientValidationError> => {
  const millis = Option.match(Duration.fromInput(input), { onNone: () => NaN, onSome: Duration.toMillis })
  return millis > 0 && Number.isFinite(millis)
    ? Effect.succeed(millis)
    : Effect.fail(invalid(field, `Invalid ${field}: expected a positive, finite duration such as "30 seconds"`))
}

const optionalDuration = (field: string, input: Duration.Input | false | undefined, fallback?: Duration.Input) =>
  input === false || (input === undefined && fallback === undefined)
    ? Effect.succeed(undefined)
    : duration(field, input ?? fallback!)

const retrySettings = (options: RetryOptions | false | undefined): Effect.Effect<Settings["retry"], ClientValidationError> =>
  Effect.gen(function*() {
    if (options === false) return undefined
    const { times = 3, base = "200 millis", maxDelay, schedule } = options ?? {}
    if (!Number.isSafeInteger(times) || times < 0) {
      return yield* invalid("retry.times", `Invalid retry.times ${String(times)}: expected a whole number, 0 or more`)
    }
    const cap = maxDelay === undefined ? defaultCap : yield* duration("retry.maxDelay", maxDelay)
    return {
      cap,
      schedule: schedule ??
        Schedule.exponential(yield* duration("retry.base", base)).pipe(Schedule.jittered, Schedule.upTo({ times }))
    }
  })

const names = { retry: "retry", timeout: "timeout", idle: "idleTimeout", budget: "budget", onRetry: "onRetry" } as const

/**
 * Checks `options` and resolves them; what they leave out takes the defaults (retries on, 30 s timeout, 60 s idle, no budget).
 * @since 0.1.0
 */
export const settings = (options: RequestOptions): Effect.Effect<Settings, ClientValidationError> =>
  Effect.gen(function*() {
    const retry = yield* retrySettings(options.retry)
    const timeout = yield* optionalDuration(names.timeout, options.timeout, "30 seconds")
    const idle = yield* optionalDuration(names.idle, options.idleTimeout, "60 seconds")
    const budget = yield* optionalDuration(names.budget, options.budget)
    if (options.onRetry !== undefined && typeof options.onRetry !== "function") {
      return yield* invalid(names.onRetry, "Invalid onRetry: expected a function")
    }
    return { retry, timeout, idle, budget, onRetry: options.onRetry }
  })

/**
 * Checks `options` and resolves only those given, to override a service's settings.
 * @since 0.1.0
 */
export const overrides = (options: RequestOptions): Effect.Effect<Partial<Settings>, ClientValidationError> =>
  Effect.map(settings(options), (all) => {
    const given: { -readonly [K in keyof Settings]?: Settings[K] } = {}
    for (const key of ["retry", "timeout", "idle", "budget", "onRetry"] as const) {
      if (names[key] in options) Object.assign(given, { [key]: all[key] })
    }
    return given
  })

/**
 * Checks a limit on requests in flight: a whole number, 1 or more.
 * @since 0.1.0
 */
export const concurrency = (value: number | undefined): Effect.Effect<number | undefined, ClientValidationError> =>
  value === undefined || (Number.isSafeInteger(value) && value >= 1)
    ? Effect.succeed(value)
    : Effect.fail(invalid("maxConcurrent", `Invalid maxConcurrent ${String(value)}: expected a whole number, 1 or more`))

/**
 * What a service runs its requests with: its settings, its back-off gate and its permits.
 * @since 0.2.0
 */
export interface State {
  readonly settings: Settings
  /** No request starts before this time (ms since the epoch): a 429 pushes it on. */
  readonly gate: Ref.Ref<number>
  readonly permits: Semaphore.Semaphore | undefined
}

const states = /* @__PURE__ */ new WeakMap<object, State>()

/**
 * Gives `service` its settings and a limit on requests in flight (`Koordinates.make` does, once).
 * @since 0.2.0
 */
export const register = (service: object, settings: Settings, maxConcurrent: number | undefined): void => {
  states.set(service, {
    settings,
    gate: Ref.makeUnsafe(0),
    permits: maxConcurrent === undefined ? undefined : Semaphore.makeUnsafe(maxConcurrent)
  })
}

/** The state of `service`; one built by hand, not by `Koordinates.make`, runs with the defaults. */
const stateOf = (service: object): Effect.Effect<State> => {
  const known = states.get(service)
  return known !== undefined ? Effect.succeed(known) : Effect.map(Effect.orDie(settings({})), (defaults) => {
    register(service, defaults, undefined)
    return states.get(service)!
  })
}

/**
 * What a request of `service` runs with: the service's state, and its settings with the
 * call's overrides on top.
 * @since 0.2.0
 */
export const effective = (service: object): Effect.Effect<{ readonly state: State; readonly settings: Settings }> =>
  Effect.flatMap(stateOf(service), (state) =>
    Effect.map(Overrides, (overrides) => ({ state, settings: { ...state.settings, ...overrides } })))

const idempotent = /* @__PURE__ */ new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

/** Whether a failed attempt may be made again: 429 always, other transient failures only when repeating is safe. */
const retryable = (method: string) => (error: RequestError): error is RetryableError =>
  error._tag === "RateLimitExceeded" ||
  (idempotent.has(method) &&
    (error._tag === "ServiceUnavailable" || error._tag === "TransportError" || error._tag === "TimeoutError" ||
      (error._tag === "ResponseDecodeError" && error.path === "")))

/** Waits while the gate is shut (it may be pushed further while waiting). */
const passGate = (gate: Ref.Ref<number>): Effect.Effect<void> =>
  Effect.flatMap(Ref.get(gate), (until) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      until > now ? Effect.andThen(Effect.sleep(until - now), passGate(gate)) : Effect.void))

/** Shuts the gate for `millis` from now (never shortening it). */
const shutGate = (gate: Ref.Ref<number>, millis: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.update(gate, (until) => Math.max(until, now + millis)))

/**
 * What a request is, for messages: `GET https://…/layers/1/`.
 * @since 0.1.0
 */
export interface Described {
  readonly method: string
  readonly url: string
}

/**
 * A `TimeoutError` naming the request.
 * @since 0.2.0
 */
export const timedOut = (what: Described, message: string) =>
  new TimeoutError({ operation: `${what.method} ${what.url}`, message: `${message}: ${what.method} ${what.url}` })

const within = <A, R>(
  limit: number | undefined,
  effect: Effect.Effect<A, RequestError, R>,
  onTimeout: () => TimeoutError
): Effect.Effect<A, RequestError, R> =>
  limit === undefined ? effect : Effect.timeoutOrElse(effect, { duration: limit, orElse: () => Effect.fail(onTimeout()) })

/** Records a retry: an event on the current span, then the `onRetry` hook. */
const announce = (settings: Settings, what: Described, attempt: number, delayMillis: number, error: RetryableError) => {
  const reason = "status" in error ? `HTTP ${error.status}` : error._tag
  const event = Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
    Option.isNone(span) ? Effect.void : Effect.map(Clock.currentTimeNanos, (now) =>
      span.value.event("koordinates.retry", now, {
        "koordinates.retry.attempt": attempt,
        "koordinates.retry.delay_ms": delayMillis,
        "koordinates.retry.reason": reason,
        "http.request.method": what.method,
        "url.full": what.url
      })))
  const { onRetry } = settings
  return onRetry === undefined
    ? event
    : Effect.andThen(event, onRetry({ attempt, delayMillis, reason, method: what.method, url: what.url, error }))
}

/**
 * The schedule a request is retried on, one home for requests and resumed downloads: the
 * settings' schedule, fed each retryable failure; each wait at least what a `Retry-After`
 * asks, at most the cap; each retry announced, and a 429 shutting the gate for the wait.
 */
const retrySchedule = (
  retry: NonNullable<Settings["retry"]>,
  settings: Settings,
  state: State,
  what: Described
): Schedule.Schedule<unknown, RetryableError> =>
  Schedule.modifyDelay(retry.schedule, ({ input, duration, attempt }) => {
    const asked = input._tag === "RateLimitExceeded" && input.retryAfter !== undefined ? input.retryAfter * 1000 : 0
    const millis = Math.round(Math.min(retry.cap, Math.max(Duration.toMillis(duration), asked)))
    return announce(settings, what, attempt, millis, input).pipe(
      Effect.andThen(input._tag === "RateLimitExceeded" ? shutGate(state.gate, millis) : Effect.void),
      Effect.as(millis)
    )
  })

/**
 * The retry decisions of one request that is resumed by hand (a download): given a
 * failure, waits as {@link retrySchedule} says and succeeds when the request may be made
 * again, or fails with that failure. With retries off, every failure is final.
 * @since 0.1.0
 */
export const retries = (service: object, what: Described) =>
  Effect.gen(function*() {
    const { state, settings } = yield* effective(service)
    const { retry } = settings
    if (retry === undefined) return Effect.fail<RequestError>
    const mayRetry = retryable(what.method)
    const step = yield* Schedule.toStep(retrySchedule(retry, settings, state, what))
    return (error: RequestError): Effect.Effect<void, RequestError> =>
      !mayRetry(error) ? Effect.fail(error) : Clock.currentTimeMillis.pipe(
        Effect.flatMap((now) => step(now, error)),
        Effect.flatMap(([, delay]) => Effect.sleep(delay)),
        Pull.catchDone(() => Effect.fail(error))
      )
  })

/**
 * A body arriving, watched for silence: no chunk for `idle` milliseconds fails it with
 * `TimeoutError` (a cut, to be retried or resumed like one).
 * @since 0.2.0
 */
export const watchIdle = <A, E, R>(
  body: Stream.Stream<A, E, R>,
  idle: number | undefined,
  what: Described
): Stream.Stream<A, E | TimeoutError, R> =>
  idle === undefined ? body : Stream.timeoutOrElse(body, {
    duration: idle,
    orElse: () => Stream.fail(timedOut(what, `No bytes received for ${idle} ms`))
  })

/**
 * A request whose reply is streamed, bounded as a whole — headers, body and any
 * resumption — by the budget: past it the stream fails with `TimeoutError`.
 * @since 0.2.0
 */
export const withinBudget = <A, E, R>(
  service: object,
  what: Described,
  stream: Stream.Stream<A, E, R>
): Stream.Stream<A, E | TimeoutError, R> =>
  Stream.unwrap(Effect.map(effective(service), ({ settings: { budget } }) =>
    budget === undefined ? stream : Stream.interruptWhen(
      stream,
      Effect.andThen(Effect.sleep(budget), Effect.fail(timedOut(what, `Out of time after ${budget} ms`)))
    )))

/**
 * Runs an attempt with the body it is given, watched under the attempt's settings (streamed uploads).
 * @since 0.2.0
 */
export type Watcher = <A, E, R>(
  attempt: (body: HttpBody.HttpBody) => Effect.Effect<A, E, R>,
  settings: Settings,
  what: Described
) => Effect.Effect<A, E | TimeoutError, R>

/**
 * Runs one request's `attempt` under the policy of `service`: each attempt passes the
 * gate, holds a permit and has the timeout; failures a retry may mend are retried with
 * `Effect.retry` on {@link retrySchedule}; the whole is bounded by the budget. A request
 * whose body cannot be sent twice (`replayable` false: a streamed upload) is sent once,
 * with no attempt timeout (its own watch bounds it). The attempt is given its settings.
 * @since 0.1.0
 */
export const run = <A, R>(
  service: object,
  what: Described,
  replayable: boolean,
  attempt: (settings: Settings) => Effect.Effect<A, RequestError, R>
): Effect.Effect<A, RequestError, R> =>
  Effect.flatMap(effective(service), ({ state, settings }) => {
    const { retry, timeout, budget } = settings
    const once = attempt(settings)
    // The timeout runs once the permit is held: waiting for a turn is not the server's fault.
    const timed = replayable ? within(timeout, once, () => timedOut(what, `No complete reply within ${timeout} ms`)) : once
    const gated = Effect.andThen(passGate(state.gate), state.permits === undefined ? timed : state.permits.withPermits(1)(timed))
    const outOfTime = () => timedOut(what, `Out of time after ${budget} ms`)
    const retried = retry === undefined || !replayable
      ? Effect.tapError(gated, (error) =>
        error._tag === "RateLimitExceeded" && error.retryAfter !== undefined
          ? shutGate(state.gate, Math.min(retry?.cap ?? defaultCap, error.retryAfter * 1000))
          : Effect.void)
      : Effect.retry(gated, {
        while: retryable(what.method),
        // `while` lets only retryable failures reach the schedule.
        schedule: retrySchedule(retry, settings, state, what) as Schedule.Schedule<unknown, RequestError>
      })
    return within(budget, retried, outOfTime)
  })
