/**
 * How requests are sent when things go wrong: retries of transient failures on a
 * `Schedule` (429 for any method, honouring `Retry-After`; 502/503/504, transport failures,
 * timed-out attempts and garbled bodies for idempotent methods only), one back-off gate
 * shared by every request of a `Koordinates` service, an optional limit on requests in
 * flight, a timeout per attempt, an idle timeout on every body (sent or received) and an
 * optional budget per request, body included.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Pull from "effect/Pull"
import * as Schedule from "effect/Schedule"
import type * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import * as HttpBody from "effect/http/HttpBody"
import { ClientValidationError, type RequestError, TimeoutError } from "../Errors.ts"
import type { RequestOptions, RetryOptions } from "../Koordinates.ts"

/** A failure a retry may mend; the input of a retry `Schedule`. */
export type RetryableError = Extract<
  RequestError,
  { readonly _tag: "RateLimitExceeded" | "ServiceUnavailable" | "TransportError" | "TimeoutError" | "ResponseDecodeError" }
>

/** Request options checked and resolved: `undefined` means off. */
export interface Settings {
  readonly retry: { readonly schedule: Schedule.Schedule<unknown, RetryableError>; readonly cap: number } | undefined
  /** Milliseconds. */
  readonly timeout: number | undefined
  /** Milliseconds without a byte of a body, sent or received, before the attempt fails. */
  readonly idle: number | undefined
  /** Milliseconds. */
  readonly budget: number | undefined
}

/** The back-off gate of one service: no request starts before `until` (ms since the epoch). */
export interface Gate {
  until: number
}

/** Per-call overrides, set by `Koordinates.withRequestOptions`. */
export const Overrides = /* @__PURE__ */ Context.Reference<Partial<Settings>>(
  "@koordinates-effect/client/RequestOptions",
  { defaultValue: () => ({}) }
)

const defaultTimeout = "30 seconds"
const defaultIdle = "60 seconds"
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

/** Checks `options` and resolves them; what they leave out takes the defaults (retries on, 30 s timeout, no budget). */
export const settings = (options: RequestOptions): Effect.Effect<Settings, ClientValidationError> =>
  Effect.gen(function*() {
    const retry = yield* retrySettings(options.retry)
    const timeout = yield* optionalDuration("timeout", options.timeout, defaultTimeout)
    const idle = yield* optionalDuration("idleTimeout", options.idleTimeout, defaultIdle)
    const budget = yield* optionalDuration("budget", options.budget)
    return { retry, timeout, idle, budget }
  })

/** Checks `options` and resolves only those given, to override a service's settings. */
export const overrides = (options: RequestOptions): Effect.Effect<Partial<Settings>, ClientValidationError> =>
  Effect.map(settings(options), (all) => {
    const given: { -readonly [K in keyof Settings]?: Settings[K] } = {}
    const names = { retry: "retry", timeout: "timeout", idle: "idleTimeout", budget: "budget" } as const
    for (const key of ["retry", "timeout", "idle", "budget"] as const) {
      if (names[key] in options) Object.assign(given, { [key]: all[key] })
    }
    return given
  })

/** Checks a limit on requests in flight: a whole number, 1 or more. */
export const concurrency = (value: number | undefined): Effect.Effect<number | undefined, ClientValidationError> =>
  value === undefined || (Number.isSafeInteger(value) && value >= 1)
    ? Effect.succeed(value)
    : Effect.fail(invalid("maxConcurrent", `Invalid maxConcurrent ${String(value)}: expected a whole number, 1 or more`))

const idempotent = /* @__PURE__ */ new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

/** Whether a failed attempt may be made again: 429 always, other transient failures only when repeating is safe. */
const retryable = (error: RequestError, method: string): error is RetryableError =>
  error._tag === "RateLimitExceeded" ||
  (idempotent.has(method) &&
    (error._tag === "ServiceUnavailable" || error._tag === "TransportError" || error._tag === "TimeoutError" ||
      (error._tag === "ResponseDecodeError" && error.path === "")))

/** Waits while the gate is shut (it may be pushed further while waiting). */
const passGate = (gate: Gate): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    gate.until > now ? Effect.andThen(Effect.sleep(gate.until - now), passGate(gate)) : Effect.void)

/** Shuts the gate for `millis` from now (never shortening it). */
const shutGate = (gate: Gate, millis: number) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    gate.until = Math.max(gate.until, now + millis)
  })

/** What a request is, for messages: `GET https://…/layers/1/`. */
export interface Described {
  readonly method: string
  readonly url: string
}

const timedOut = (what: Described, message: string) =>
  new TimeoutError({ operation: `${what.method} ${what.url}`, message: `${message}: ${what.method} ${what.url}` })

const within = <A, R>(
  limit: number | undefined,
  effect: Effect.Effect<A, RequestError, R>,
  onTimeout: () => TimeoutError
): Effect.Effect<A, RequestError, R> =>
  limit === undefined ? effect : Effect.timeoutOrElse(effect, { duration: limit, orElse: () => Effect.fail(onTimeout()) })

/** Records a retry: a debug log line and an event on the current span. */
const announce = (what: Described, attempt: number, millis: number, error: RetryableError) => {
  const reason = "status" in error ? `HTTP ${error.status}` : error._tag
  return Effect.logDebug(`Koordinates: retry ${attempt} in ${millis} ms after ${reason}: ${what.method} ${what.url}`).pipe(
    Effect.andThen(Effect.option(Effect.currentSpan)),
    Effect.flatMap((span) =>
      Option.isNone(span) ? Effect.void : Effect.map(Clock.currentTimeNanos, (now) =>
        span.value.event("koordinates.retry", now, {
          "koordinates.retry.attempt": attempt,
          "koordinates.retry.delay_ms": millis,
          "koordinates.retry.reason": reason,
          "http.request.method": what.method,
          "url.full": what.url
        }))
    )
  )
}

/** What {@link run} needs of the service. */
export interface Policy {
  readonly settings: Settings
  readonly gate: Gate
  readonly permits: Semaphore.Semaphore | undefined
}

/**
 * The retry decisions of one request, on `retry`'s schedule: given a failure, waits
 * (announcing the retry; a 429 shuts the gate meanwhile) and succeeds when the request may
 * be made again, or fails with that failure. The schedule's state is made at the first
 * failure: most requests never need it.
 */
const retrier = (retry: NonNullable<Settings["retry"]>, gate: Gate, what: Described) => {
  let step: ((now: number, input: RetryableError) => Pull.Pull<[unknown, Duration.Duration], never, unknown>) | undefined
  let attempt = 0
  return (error: RequestError): Effect.Effect<void, RequestError> =>
    !retryable(error, what.method) ? Effect.fail(error) : Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) =>
        Effect.flatMap(
          step === undefined ? Effect.map(Schedule.toStep(retry.schedule), (made) => (step = made)) : Effect.succeed(step),
          (next) => next(now, error)
        )
      ),
      Effect.flatMap(([, delay]) => {
        const asked = error._tag === "RateLimitExceeded" && error.retryAfter !== undefined ? error.retryAfter * 1000 : 0
        const millis = Math.round(Math.min(retry.cap, Math.max(Duration.toMillis(delay), asked)))
        attempt += 1
        return announce(what, attempt, millis, error).pipe(
          Effect.andThen(error._tag === "RateLimitExceeded" ? shutGate(gate, millis) : Effect.void),
          Effect.andThen(Effect.sleep(millis))
        )
      }),
      Pull.catchDone(() => Effect.fail(error))
    )
}

/** The settings a request runs under: the service's, with the call's overrides on top. */
export const effective = (policy: Policy): Effect.Effect<Settings> =>
  Effect.map(Overrides, (overrides) => ({ ...policy.settings, ...overrides }))

/**
 * The retry decisions of one request under `policy` and the call's overrides (see
 * `retrier`); with retries off, every failure is final.
 */
export const retries = (policy: Policy, what: Described) =>
  Effect.map(effective(policy), ({ retry }) => retry === undefined ? Effect.fail<RequestError> : retrier(retry, policy.gate, what))

/**
 * A body arriving, watched for silence: no chunk for `idle` milliseconds fails it with
 * `TimeoutError` (a cut, to be retried or resumed like one).
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
 */
export const withinBudget = <A, E, R>(
  policy: Policy,
  what: Described,
  stream: Stream.Stream<A, E, R>
): Stream.Stream<A, E | TimeoutError, R> =>
  Stream.unwrap(Effect.map(effective(policy), ({ budget }) =>
    budget === undefined ? stream : Stream.interruptWhen(
      stream,
      Effect.andThen(Effect.sleep(budget), Effect.fail(timedOut(what, `Out of time after ${budget} ms`)))
    )))

/** Runs an attempt with the body it is given, watched under the attempt's settings. */
export type Watcher = <A, E, R>(
  attempt: (body: HttpBody.HttpBody) => Effect.Effect<A, E, R>,
  settings: Settings,
  what: Described
) => Effect.Effect<A, E | TimeoutError, R>

/**
 * Watches an upload's body while it is sent and after: each attempt fails with
 * `TimeoutError` when no chunk has gone out for the idle timeout — whether the body's own
 * stream stalls or the connection stops taking it — or when no reply has come `timeout`
 * milliseconds after the last byte went out.
 */
export const watchUpload = (upload: HttpBody.Stream): Watcher => (attempt, settings, what) =>
  Effect.suspend(() => {
    const sent = Deferred.makeUnsafe<void>()
    const { idle, timeout } = settings
    let last: number | undefined
    const moved = Effect.map(Clock.currentTimeMillis, (now) => {
      last = now
    })
    // Polls the time of the last chunk: it never succeeds, and fails once the body is quiet too long.
    const quiet = (limit: number): Effect.Effect<never, TimeoutError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const since = now - (last ??= now)
        return since >= limit
          ? Effect.fail(timedOut(what, `No bytes taken for ${limit} ms while sending`))
          : Effect.andThen(Effect.sleep(limit - since), quiet(limit))
      })
    const sending = idle === undefined ? Deferred.await(sent) : Effect.raceFirst(Deferred.await(sent), quiet(idle))
    const watch = sending.pipe(
      Effect.andThen(timeout === undefined ? Effect.never : Effect.sleep(timeout)),
      Effect.andThen(Effect.fail(timedOut(what, `No reply within ${timeout} ms of sending the body`)))
    )
    const body = upload.stream.pipe(Stream.tap(() => moved), Stream.onEnd(Deferred.succeed(sent, undefined)))
    return Effect.raceFirst(attempt(HttpBody.stream(body, upload.contentType, upload.contentLength)), watch)
  })

/**
 * Runs one request's `attempt` under the policy: each attempt passes the gate, holds a
 * permit and has the timeout; failures a retry may mend are retried on the schedule (a
 * `Retry-After` lengthens the wait, up to the cap; a 429 shuts the gate for everyone while
 * it waits); the whole is bounded by the budget. A request whose body cannot be sent twice
 * (`replayable` false: a streamed upload) is sent once, its timeouts left to
 * {@link watchUpload}. The attempt is given the settings it runs under.
 */
export const run = <A, R>(
  policy: Policy,
  what: Described,
  replayable: boolean,
  attempt: (settings: Settings) => Effect.Effect<A, RequestError, R>
): Effect.Effect<A, RequestError, R> =>
  Effect.gen(function*() {
    const settings = yield* effective(policy)
    const { retry, timeout, budget } = settings
    const once = attempt(settings)
    // The timeout runs once the permit is held: waiting for a turn is not the server's fault.
    const timed = replayable ? within(timeout, once, () => timedOut(what, `No complete reply within ${timeout} ms`)) : once
    const gated = Effect.andThen(passGate(policy.gate), policy.permits === undefined ? timed : policy.permits.withPermits(1)(timed))
    const outOfTime = () => timedOut(what, `Out of time after ${budget} ms`)
    if (retry === undefined || !replayable) {
      const told = Effect.tapError(gated, (error) =>
        error._tag === "RateLimitExceeded" && error.retryAfter !== undefined
          ? shutGate(policy.gate, Math.min(retry?.cap ?? defaultCap, error.retryAfter * 1000))
          : Effect.void)
      return yield* within(budget, told, outOfTime)
    }
    const again = retrier(retry, policy.gate, what)
    const loop: Effect.Effect<A, RequestError, R> = Effect.catch(gated, (error) => Effect.andThen(again(error), loop))
    return yield* within(budget, loop, outOfTime)
  })
