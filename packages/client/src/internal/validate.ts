/**
 * Checks of user input, done before any request.
 *
 * @since 0.1.0
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { ClientValidationError } from "../Errors.ts"
import { issuePath } from "./schema.ts"

/**
 * Whether a number is a positive safe integer (ids, limits, page sizes).
 *
 * @since 0.1.0
 */
export const isId = (value: number): boolean => typeof value === "number" && Number.isSafeInteger(value) && value > 0

/**
 * An object id: a positive safe integer.
 *
 * @since 0.1.0
 */
export const id = (field: string, value: number): Effect.Effect<number, ClientValidationError> =>
  isId(value)
    ? Effect.succeed(value)
    : Effect.fail(new ClientValidationError({ field, message: `Invalid ${field} ${String(value)}: expected a positive integer` }))

/**
 * The `Expand` header value for a single-object get: names joined with commas.
 *
 * @since 0.1.0
 */
export const expandHeader = (
  expand: ReadonlyArray<string> | undefined
): Effect.Effect<Record<string, string>, ClientValidationError> => {
  if (expand === undefined || expand.length === 0) return Effect.succeed({})
  const bad = expand.find((name) => !/^[A-Za-z_][\w.]*$/.test(name))
  return bad === undefined
    ? Effect.succeed({ expand: expand.join(",") })
    : Effect.fail(new ClientValidationError({ field: "expand", message: `Invalid expand name "${bad}"` }))
}

/**
 * Checks user input against its schema; the first problem becomes a
 * `ClientValidationError` whose field is the path of the bad value (`name`, `data.datasources[0]`).
 *
 * @since 0.1.0
 */
export const input = <S extends Schema.Decoder<unknown>>(
  schema: S,
  value: unknown,
  field = ""
): Effect.Effect<S["Type"], ClientValidationError, S["DecodingServices"]> =>
  Effect.mapError(Schema.decodeUnknownEffect(schema)(value), (error) => {
    const path = issuePath(error.issue)
    const name = field === "" ? path : path === "" ? field : path.startsWith("[") ? field + path : `${field}.${path}`
    return new ClientValidationError({
      field: name === "" ? "input" : name,
      message: `Invalid ${name === "" ? "input" : name}: ${error.message.split("\n")[0]}`
    })
  })
