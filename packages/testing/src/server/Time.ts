/**
 * Timestamps as the Koordinates API writes them (a mix of `…Z` with milliseconds, `…Z` with
 * microseconds, and zone-less values), and the parsing that filters and sorting need.
 */

/** How a timestamp is written: `2015-06-08T01:38:13.322Z`, `2015-06-08T01:38:13.322517Z`, `2015-06-08T01:38:13.322`. */
export type TimestampStyle = "millis" | "micros" | "naive"

/** Every timestamp style, for random choice. */
export const TIMESTAMP_STYLES: ReadonlyArray<TimestampStyle> = ["millis", "micros", "naive"]

/** Writes an instant (ms since the epoch) in one of the API's styles. */
export const formatTimestamp = (ms: number, style: TimestampStyle): string => {
  const iso = new Date(ms).toISOString()
  switch (style) {
    case "millis":
      return iso
    case "micros":
      return `${iso.slice(0, 23)}${String(((ms % 997) * 7919) % 1000).padStart(3, "0")}Z`
    case "naive":
      return iso.slice(0, 23)
  }
}

/** Writes the calendar day (UTC) of an instant: `2015-06-08`. */
export const formatDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** A span of time, `start` inclusive and `end` exclusive (ms since the epoch). */
export interface Span {
  readonly start: number
  readonly end: number
}

const day = 86_400_000
const pattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:?\d{2})?)?$/

/**
 * Parses an ISO date or date-time. A date is the whole (UTC) day; a date-time is its
 * millisecond. Zone-less date-times are UTC. A space in place of the `+` of an offset is
 * accepted, because form encoding turns `+` into a space. Returns undefined when invalid.
 */
export const parseTimestamp = (text: string): Span | undefined => {
  const match = pattern.exec(text)
  if (match === null) return undefined
  const [, year, month, dayOfMonth, hour, minute, second, fraction, zone] = match
  const date = Date.UTC(Number(year), Number(month) - 1, Number(dayOfMonth))
  const check = new Date(date)
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(dayOfMonth)) return undefined
  if (hour === undefined || minute === undefined) return { start: date, end: date + day }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3))
  const offset = zone === undefined || zone === "Z" ? 0 : zoneOffset(zone)
  const start = date + ((Number(hour) * 60 + Number(minute)) * 60 + Number(second ?? 0)) * 1000 + millis - offset
  return { start, end: start + 1 }
}

const zoneOffset = (zone: string): number => {
  const digits = zone.slice(1).replace(":", "")
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
  return (zone.startsWith("-") ? -minutes : minutes) * 60_000
}

/** Parses an ISO date-time (a time of day is required); the instant in ms, or undefined when invalid. */
export const parseDateTime = (text: string): number | undefined =>
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) ? parseTimestamp(text)?.start : undefined
