/**
 * Request bodies: JSON parsing (400 `{"detail": "JSON parse error"}` when the body is not
 * JSON), and {@link Fields}, which reads typed fields of a JSON object and collects every
 * problem the way Django REST framework does, answering one 400 with a map of field errors.
 */
import { type FieldErrors, HttpError, type RequestContext } from "./Http.ts"
import { parseDateTime } from "./Time.ts"

/** A parsed JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | JsonObject

/** A parsed JSON object. */
export interface JsonObject {
  readonly [key: string]: Json
}

/** The message of a missing (or blank required) field. */
export const REQUIRED = "This field is required."

/** True for a JSON object (not an array or null). */
export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The fields of `values` a body set (undefined ones left out), e.g. to merge into content. */
export const present = <T extends object>(values: T): { readonly [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    readonly [K in keyof T]?: Exclude<T[K], undefined>
  }

/** The Python type name the real API puts in its messages. */
const typeName = (value: Json): string => {
  if (value === null) return "NoneType"
  if (Array.isArray(value)) return "list"
  switch (typeof value) {
    case "string":
      return "str"
    case "number":
      return Number.isInteger(value) ? "int" : "float"
    case "boolean":
      return "bool"
    default:
      return "dict"
  }
}

/** The message for a value of the wrong type: DRF names null apart. */
const wrongType = (value: Json, message: string): string => value === null ? "This field may not be null." : message

/** JSON text as a value; 400 `{"detail": "JSON parse error"}` when it is not JSON. */
const parseJson = (text: string): Json => {
  try {
    return JSON.parse(text) as Json
  } catch {
    throw new HttpError(400, "JSON parse error")
  }
}

/** JSON text as an object; an empty text reads as `{}`. */
export const parseJsonObject = (text: string): JsonObject => {
  if (text.trim() === "") return {}
  const value = parseJson(text)
  if (!isObject(value)) {
    throw new HttpError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(value)}.`] })
  }
  return value
}

/** The request body as a JSON object; an empty body reads as `{}`. */
export const jsonBody = (context: RequestContext): JsonObject => parseJsonObject(context.body)

/** The request body as a JSON list. */
export const jsonListBody = (context: RequestContext): ReadonlyArray<Json> => {
  const value = parseJson(context.body)
  if (!Array.isArray(value)) {
    throw new HttpError(400, { non_field_errors: [`Expected a list of items but got type "${typeName(value)}".`] })
  }
  return value as ReadonlyArray<Json>
}

/** How {@link Fields.text} treats absent and blank values. */
export interface TextRules {
  /** Absent (or blank) is an error. */
  readonly required?: boolean
  /** `""` (or only spaces) is accepted; default true unless required. */
  readonly blank?: boolean
}

/**
 * Typed readers of the fields of a JSON object body. Each reader returns undefined when the
 * field is absent or invalid, recording why; {@link Fields.done} then throws every recorded
 * error as one 400.
 */
export class Fields {
  readonly #body: JsonObject
  readonly #errors: Record<string, Array<string>> = {}

  constructor(body: JsonObject) {
    this.#body = body
  }

  /** Records a problem with a field; returns undefined so readers can `return this.fail(…)`. */
  fail(name: string, message: string): undefined {
    (this.#errors[name] ??= []).push(message)
    return undefined
  }

  /** The raw value of a field; when `required`, absence is recorded as an error. */
  value(name: string, required = false): Json | undefined {
    const value = Object.hasOwn(this.#body, name) ? this.#body[name] : undefined
    return value === undefined && required ? this.fail(name, REQUIRED) : value
  }

  /** A string. */
  text(name: string, rules: TextRules = {}): string | undefined {
    const value = this.value(name, rules.required)
    if (value === undefined) return undefined
    if (typeof value !== "string") return this.fail(name, wrongType(value, "Not a valid string."))
    if (value.trim() === "" && !(rules.blank ?? !rules.required)) {
      return this.fail(name, rules.required ? REQUIRED : "This field may not be blank.")
    }
    return value
  }

  /** A list of any values. */
  list(name: string, required = false): ReadonlyArray<Json> | undefined {
    const value = this.value(name, required)
    if (value === undefined || Array.isArray(value)) return value as ReadonlyArray<Json> | undefined
    return this.fail(name, wrongType(value, `Expected a list of items but got type "${typeName(value)}".`))
  }

  /** A list of strings. */
  texts(name: string): ReadonlyArray<string> | undefined {
    const list = this.list(name)
    if (list === undefined) return undefined
    const strings = list.filter((item) => typeof item === "string")
    return strings.length === list.length ? strings : this.fail(name, "Not a valid string.")
  }

  /** An object. */
  object(name: string, required = false): JsonObject | undefined {
    const value = this.value(name, required)
    if (value === undefined || isObject(value)) return value
    return this.fail(name, wrongType(value, `Invalid data. Expected a dictionary, but got ${typeName(value)}.`))
  }

  /** One of `choices`; `fallback` when absent. */
  choice<T extends string>(name: string, choices: ReadonlyArray<T>, fallback: T): T | undefined {
    const value = this.value(name)
    if (value === undefined) return fallback
    const found = choices.find((choice) => choice === value)
    return found ?? this.fail(name, `"${String(value)}" is not a valid choice.`)
  }

  /** An object of `list` named by its id: a number, a numeric string, or an object with an `id`. */
  reference<T extends { readonly id: number }>(name: string, list: ReadonlyArray<T>, required = false): T | undefined {
    const value = this.value(name, required)
    if (value === undefined) return undefined
    const id = isObject(value) ? value["id"] : value
    if (typeof id !== "number" && !(typeof id === "string" && /^\d+$/.test(id))) {
      return this.fail(name, wrongType(value, `Incorrect type. Expected pk value, received ${typeName(value)}.`))
    }
    const found = list.find((item) => item.id === Number(id))
    return found ?? this.fail(name, `Invalid pk "${id}" - object does not exist.`)
  }

  /** Objects of `list` named by their slugs: strings, or objects with a `slug`. */
  slugs<T extends { readonly slug: string }>(name: string, list: ReadonlyArray<T>): ReadonlyArray<T> | undefined {
    const values = this.list(name)
    if (values === undefined) return undefined
    const found: Array<T> = []
    for (const value of values) {
      const slug = isObject(value) ? value["slug"] : value
      const match = list.find((item) => item.slug === slug)
      if (match === undefined) return this.fail(name, `Object with slug=${String(slug)} does not exist.`)
      found.push(match)
    }
    return found
  }

  /** A date-time or null, normalised to an ISO timestamp (`…Z`). */
  dateTime(name: string): string | null | undefined {
    const value = this.value(name)
    if (value === undefined || value === null) return value
    const instant = typeof value === "string" ? parseDateTime(value) : undefined
    if (instant === undefined) {
      return this.fail(
        name,
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
      )
    }
    return new Date(instant).toISOString()
  }

  /** Every error recorded so far, by field. */
  errors(): FieldErrors {
    return { ...this.#errors }
  }

  /** Throws 400 with every recorded error, if any. */
  done(): void {
    if (Object.keys(this.#errors).length > 0) throw new HttpError(400, this.#errors)
  }

  /**
   * {@link done}, then `values` typed as present: pass values whose readers record an error
   * whenever they return undefined (required fields, choices with a fallback).
   */
  checked<T extends Readonly<Record<string, unknown>>>(values: T): { readonly [K in keyof T]: Exclude<T[K], undefined> } {
    this.done()
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) throw new Error(`Field "${name}" is optional: it cannot be checked as present`)
    }
    return values as { readonly [K in keyof T]: Exclude<T[K], undefined> }
  }
}
