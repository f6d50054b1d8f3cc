/**
 * Schema building blocks shared by the models.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
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
 */
export const Timestamp = /* @__PURE__ */ Schema.String.check(Schema.isPattern(timestampPattern)).pipe(
  Schema.decodeTo(Schema.Date, {
    decode: SchemaGetter.transform(parseTimestamp),
    encode: SchemaGetter.transform((date: Date) => date.toISOString())
  })
)

/** A field that may be absent or `null`. */
export const optionalNullable = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))
