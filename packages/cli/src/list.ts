/**
 * The flags of every list command — `--filter key=value` (repeatable; a key given twice
 * matches either value), `--sort`, `--limit` — and how they shape a `Query`. Keys and sort
 * fields are checked by the client before any request.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Flag from "effect/cli/Flag"
import { ClientValidationError } from "@koordinates-effect/client/Errors"
import * as Query from "@koordinates-effect/client/Query"

/**
 * `--filter`, `--sort` and `--limit`.
 *
 * @since 0.1.0
 */
export const flags = {
  filter: Flag.String("filter").pipe(
    Flag.withMetavar("key=value"),
    Flag.withDescription("Only items whose key has this value (the API's dotted keys, e.g. license.type=cc); repeat it: the same key twice matches either"),
    Flag.atLeast(0)
  ),
  sort: Flag.String("sort").pipe(
    Flag.withMetavar("field"),
    Flag.withDescription("Order by this field, e.g. name, or --sort=-created_at for newest first"),
    Flag.optional
  ),
  limit: Flag.Int("limit").pipe(
    Flag.withMetavar("n"),
    Flag.withDescription("At most this many items (no more pages are fetched once reached)"),
    Flag.optional
  )
}

/**
 * What the list flags parse to.
 *
 * @since 0.1.0
 */
export interface Options {
  readonly filter: ReadonlyArray<string>
  readonly sort: Option.Option<string>
  readonly limit: Option.Option<number>
}

/**
 * `key=value` flags as filters; a key given more than once becomes a repeated parameter:
 * `["type=layer", "tag=roads", "tag=rail"]` gives `{ type: ["layer"], tag: ["roads", "rail"] }`.
 */
const parseFilters = (
  filters: ReadonlyArray<string>
): Effect.Effect<Record<string, Array<string>>, ClientValidationError> => {
  const parsed: Record<string, Array<string>> = {}
  for (const text of filters) {
    const at = text.indexOf("=")
    if (at <= 0) {
      return Effect.fail(new ClientValidationError({ field: "filter", message: `Invalid --filter "${text}": expected key=value` }))
    }
    const key = text.slice(0, at)
    parsed[key] = [...(parsed[key] ?? []), text.slice(at + 1)]
  }
  return Effect.succeed(parsed)
}

/**
 * A query with the list flags applied.
 *
 * @since 0.1.0
 */
export const apply = <A, F extends string, S extends string, X>(
  query: Query.Query<A, F, S, X>,
  options: Options
): Effect.Effect<Query.Query<A, F, S, X>, ClientValidationError> =>
  Effect.map(parseFilters(options.filter), (filters) => {
    // keys typed on the command line: the client checks them against the list's keys before any request
    const filtered = Query.filter(query, filters as unknown as Query.Filters<F>)
    const sorted = Option.match(options.sort, {
      onNone: () => filtered,
      onSome: (sort) => Query.orderBy(filtered, sort as Query.SortKey<S>)
    })
    return Option.match(options.limit, { onNone: () => sorted, onSome: (n) => Query.limit(sorted, n) })
  })
