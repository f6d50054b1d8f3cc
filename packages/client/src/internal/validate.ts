/**
 * Checks of user input, done before any request.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { ClientValidationError } from "../Errors.ts"

/** Whether a number is a positive safe integer (ids, limits, page sizes). */
export const isId = (value: number): boolean => typeof value === "number" && Number.isSafeInteger(value) && value > 0

/** An object id: a positive safe integer. */
export const id = (field: string, value: number): Effect.Effect<number, ClientValidationError> =>
  isId(value)
    ? Effect.succeed(value)
    : Effect.fail(new ClientValidationError({ field, message: `Invalid ${field} ${String(value)}: expected a positive integer` }))

/** The `Expand` header value for a single-object get: names joined with commas. */
export const expandHeader = (
  expand: ReadonlyArray<string> | undefined
): Effect.Effect<Record<string, string>, ClientValidationError> => {
  if (expand === undefined || expand.length === 0) return Effect.succeed({})
  const bad = expand.find((name) => !/^[A-Za-z_][\w.]*$/.test(name))
  return bad === undefined
    ? Effect.succeed({ expand: expand.join(",") })
    : Effect.fail(new ClientValidationError({ field: "expand", message: `Invalid expand name "${bad}"` }))
}
