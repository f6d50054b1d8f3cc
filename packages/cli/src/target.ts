/**
 * `--layer ID`, `--set ID` or `--source ID`: the one object a command acts on, for the
 * commands that take more than one kind (permissions, metadata).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"

/**
 * The kinds of object a target may name.
 *
 * @since 0.1.0
 */
export type Kind = "layer" | "set" | "source"

/**
 * A target: `{ layer: 12 }`, `{ set: 3 }` or `{ source: 44 }`.
 *
 * @since 0.1.0
 */
export type Target<K extends Kind> = { readonly [P in K]: { readonly [Q in P]: number } }[K]

const idFlag = (kind: Kind) =>
  Flag.Int(kind).pipe(Flag.withMetavar("id"), Flag.withDescription(`The ${kind} to act on`), Flag.optional)

/**
 * One optional `--KIND ID` flag per kind.
 *
 * @since 0.1.0
 */
export const flags = <const K extends Kind>(kinds: ReadonlyArray<K>): { readonly [P in K]: Flag.Flag<Option.Option<number>> } =>
  Object.fromEntries(kinds.map((kind) => [kind, idFlag(kind)])) as { readonly [P in K]: Flag.Flag<Option.Option<number>> }

/**
 * The one target the flags name; a usage error when they name none or several.
 *
 * @since 0.1.0
 */
export const of = <K extends Kind>(
  kinds: ReadonlyArray<K>,
  given: { readonly [P in K]: Option.Option<number> }
): Effect.Effect<Target<K>, ClientValidationError> => {
  const named = kinds.flatMap((kind) => Option.match(given[kind], { onNone: () => [], onSome: (id) => [{ [kind]: id }] }))
  return named.length === 1
    ? Effect.succeed(named[0] as Target<K>)
    : Effect.fail(new ClientValidationError({
      field: "target",
      message: `Give exactly one of ${kinds.map((kind) => `--${kind} ID`).join(", ")}`
    }))
}
