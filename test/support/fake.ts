/**
 * Running tests against FakeKoordinates: a fresh server per test, and small helpers to read
 * what it was sent.
 */
import * as Effect from "effect/Effect"
import type { ClientValidationError } from "@koordinates-effect/client/Errors"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { watchFake } from "./secrets.ts"

/**
 * Runs `body` with a fresh fake (and `Koordinates` pointed at it), empty unless
 * `catalogSize` says otherwise. Retries are off unless `retry` says otherwise, so each
 * injected reply meets the client as it is (test/retry.test.ts covers the default).
 */
export const withFake = <A, E>(
  body: (fake: FakeKoordinates.FakeServer) => Effect.Effect<A, E, Koordinates | FakeKoordinates.FakeKoordinates>,
  options: FakeKoordinates.FakeKoordinatesOptions = {}
): Effect.Effect<A, E | ClientValidationError> =>
  Effect.flatMap(FakeKoordinates.FakeKoordinates, (fake) => watchFake(fake, body(fake))).pipe(
    Effect.provide(FakeKoordinates.layer({ catalogSize: 0, retry: false, ...options }))
  )

/** `path?query` of each logged request, in order. */
export const requested = (fake: FakeKoordinates.FakeServer): Array<string> =>
  fake.log.entries().map((entry) => {
    const search = new URLSearchParams(entry.query as Array<[string, string]>).toString()
    return `${entry.method} ${entry.path}${search === "" ? "" : `?${search}`}`
  })
