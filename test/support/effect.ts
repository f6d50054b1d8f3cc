/** Small Effect helpers for tests. */
import * as Effect from "effect/Effect"

/** The failure of an effect; the test dies if the effect succeeded. */
export const failure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flip(effect).pipe(Effect.orDie)
