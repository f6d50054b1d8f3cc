/**
 * Retries of transient failures, as a wrapper around an `HttpClient`: 429 for any method
 * (the server did not act), 502/503/504 and transport failures for idempotent methods only —
 * never a POST whose outcome is unknown. Waits grow exponentially with jitter; a
 * `Retry-After` is honoured up to a cap. Each retry is logged at debug level.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import { retryAfterSeconds } from "./http.ts"

/** How to retry: at most `times` retries, waits from `base` doubling, none longer than `maxDelay`. */
export interface RetryPolicy {
  readonly times?: number | undefined
  readonly base?: Duration.Input | undefined
  readonly maxDelay?: Duration.Input | undefined
}

const idempotent = /* @__PURE__ */ new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
const unavailable = /* @__PURE__ */ new Set([502, 503, 504])

/** A policy's numbers: retries, the jittered exponential wait before retry `n`, the cap, and the logged wait. */
const schedule = (policy: RetryPolicy) => {
  const times = policy.times ?? 3
  const base = Duration.toMillis(Duration.fromInputUnsafe(policy.base ?? "200 millis"))
  const cap = Duration.toMillis(Duration.fromInputUnsafe(policy.maxDelay ?? "60 seconds"))
  const backoff = (attempt: number) => Math.min(cap, base * 2 ** attempt * (0.5 + Math.random()))
  const wait = (attempt: number, millis: number, why: string, method: string, url: string) =>
    Effect.logDebug(`Koordinates: retry ${attempt + 1} of ${times} in ${Math.round(millis)} ms (${why}): ${method} ${url}`)
      .pipe(Effect.andThen(Effect.sleep(Duration.millis(millis))))
  return { times, cap, backoff, wait }
}

/**
 * `effect` (reading one page of a list), run again by `policy` when it fails in a way a
 * repeat can mend: the connection broke, or the body came back cut or garbled.
 */
export const retryPage = <A, E extends { readonly _tag: string }, R>(
  policy: RetryPolicy,
  url: string,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const { times, backoff, wait } = schedule(policy)
  const attempt = (n: number): Effect.Effect<A, E, R> =>
    Effect.catch(effect, (error) =>
      n < times && (error._tag === "TransportError" || error._tag === "ResponseDecodeError")
        ? Effect.andThen(wait(n, backoff(n), error._tag, "GET", url), attempt(n + 1))
        : Effect.fail(error))
  return attempt(0)
}

/** `client`, retrying transient failures by `policy`. */
export const retrying = (client: HttpClient.HttpClient, policy: RetryPolicy = {}): HttpClient.HttpClient => {
  const { times, cap, backoff, wait } = schedule(policy)
  return HttpClient.transformResponse(client, (send) => {
    const attempt = (n: number): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
      send.pipe(
        Effect.flatMap((response) => {
          const { method, url } = response.request
          const status = response.status
          if (n >= times || !(status === 429 || (unavailable.has(status) && idempotent.has(method)))) {
            return Effect.succeed(response)
          }
          const asked = status === 429 ? retryAfterSeconds(response.headers["retry-after"]) : undefined
          const millis = asked === undefined ? backoff(n) : Math.min(cap, asked * 1000)
          return Effect.orElseSucceed(response.text, () => "").pipe(
            Effect.andThen(wait(n, millis, `HTTP ${status}`, method, url)),
            Effect.andThen(attempt(n + 1))
          )
        }),
        Effect.catch((error) =>
          n < times && error.reason._tag === "TransportError" && idempotent.has(error.request.method)
            ? wait(n, backoff(n), "transport error", error.request.method, error.request.url).pipe(
              Effect.andThen(attempt(n + 1))
            )
            : Effect.fail(error)
        )
      )
    return attempt(0)
  })
}
