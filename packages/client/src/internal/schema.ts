/**
 * Schema building blocks shared by the models.
 *
 * @since 0.1.0
 * @internal
 */
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaGetter from "effect/SchemaGetter"

const timestampPattern =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Reads the timestamp forms the API sends; a time without a zone is taken as UTC. */
const parseTimestamp = (text: string): Date => {
  const [, date, time = "00:00:00", fraction = "", zone = "Z"] = timestampPattern.exec(text) ?? []
  return new Date(`${date}T${time}${fraction === "" ? "" : `.${fraction.slice(0, 3).padEnd(3, "0")}`}${zone}`)
}

/**
 * A timestamp from the API as a `Date`. Accepts a date only (`1996-12-31`, midnight UTC),
 * a date-time with or without a zone (none means UTC), with milliseconds or microseconds
 * (kept to the millisecond). Encodes as an ISO string.
 *
 * @since 0.1.0
 */
export const Timestamp = /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(timestampPattern)).pipe(
  /* @__PURE__ */ Schema.decodeTo(Schema.Date, {
    decode: /* @__PURE__ */ SchemaGetter.transform(parseTimestamp),
    encode: /* @__PURE__ */ SchemaGetter.transform((date: Date) => date.toISOString())
  })
)

/**
 * A field that may be absent or `null`.
 *
 * @since 0.1.0
 */
export const optionalNullable = <S extends Schema.Top>(schema: S) => /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.NullOr(schema))

/**
 * Text with something other than white space in it.
 *
 * @since 0.1.0
 */
export const NonBlank = /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/\S/))

/**
 * A positive integer id.
 *
 * @since 0.1.0
 */
export const Id = /* @__PURE__ */ Schema.Int.check(/* @__PURE__ */ Schema.isGreaterThan(0))

/**
 * The path of the first leaf of a schema issue, as `[3].group.id`.
 *
 * @since 0.1.0
 */
export const issuePath = (issue: SchemaIssue.Issue): string => {
  let path = ""
  for (let current: SchemaIssue.Issue | undefined = issue; current !== undefined;) {
    if (current._tag === "Pointer") {
      for (const key of current.path) {
        path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`
      }
      current = current.issue
    } else {
      current = "issues" in current ? current.issues[0] : "issue" in current ? current.issue : undefined
    }
  }
  return path
}
