/**
 * The shapes shared by the request pipeline: a parsed request (`RequestContext`), a reply
 * before it is written (`Reply`), and `HttpError`, which any step throws to answer with a
 * JSON `{"detail": …}` error or a DRF-style map of field errors.
 */
import type { TokenRecord } from "./Model.ts"
import type { Urls } from "./Render.ts"
import type { Store } from "./Store.ts"

/** The API root of a path: version segment, then the path under it. */
export const API_ROOT = /^\/services\/api\/(v1(?:\.x)?)(\/.*)$/

/** Query parameters in request order; a repeated name appears once per value. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>

/**
 * A reply before it is written. A string or byte body is sent as is (`text/plain` unless a
 * Content-Type header is given); any other defined body as JSON (`application/json`).
 */
export interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
}

/** Settings the server can change while running. */
export interface ServerSettings {
  readonly defaultPageSize: number
  readonly maxPageSize: number
  /** When false: no `X-Resource-Range`, and HEAD on lists answers 405. */
  countHeaders: boolean
}

/** One request, as the handlers see it. */
export interface RequestContext {
  /** Upper-case method. */
  readonly method: string
  /** The request URL (absolute, on the server's origin). */
  readonly url: URL
  readonly query: QueryPairs
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as UTF-8 text. */
  readonly body: string
  /** The body exactly as received. */
  readonly bytes: Uint8Array
  /** The token the request authenticated with; null on public endpoints. */
  readonly caller: TokenRecord | null
  /** How to build absolute URLs for this request's API version. */
  readonly urls: Urls
  readonly store: Store
  readonly settings: Readonly<ServerSettings>
}

/** Messages by field name, as Django REST framework reports invalid request bodies. */
export type FieldErrors = Readonly<Record<string, ReadonlyArray<string>>>

/** Thrown to answer with `status` and `{"detail": detail}`, or with a map of field errors. */
export class HttpError extends Error {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly detail: string } | FieldErrors
  constructor(status: number, detail: string | FieldErrors, headers: Readonly<Record<string, string>> = {}) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail))
    this.status = status
    this.headers = headers
    this.body = typeof detail === "string" ? { detail } : detail
  }

  /** The error as a reply. */
  toReply(): Reply {
    return { status: this.status, headers: this.headers, body: this.body }
  }
}

/** Path parameters by name, as matched (`{id}` and `{name:text}` in a route pattern). */
export type PathParams = Readonly<Record<string, string>>

const param = (params: PathParams, name: string): string => {
  const value = params[name]
  if (value === undefined) throw new Error(`Route pattern has no {${name}}`)
  return value
}

/** A numeric path parameter the route pattern declares (`{id}`). */
export const pathParam = (params: PathParams, name: string): number => Number(param(params, name))

/** A text path parameter the route pattern declares (`{name:text}`), URL-decoded; 404 when malformed. */
export const textParam = (params: PathParams, name: string): string => {
  try {
    return decodeURIComponent(param(params, name))
  } catch {
    throw notFound()
  }
}

/** A 200 reply with a JSON body. */
export const ok = (body: unknown): Reply => ({ status: 200, body })

/** A 201 reply pointing at the new object, with a JSON body if given. */
export const created = (location: string, body?: unknown): Reply => ({
  status: 201,
  headers: { Location: location },
  ...(body === undefined ? {} : { body })
})

/** The 204 reply of a deletion. */
export const noContent = (): Reply => ({ status: 204 })

/** The 404 every missing object answers with. */
export const notFound = (): HttpError => new HttpError(404, "Not found.")

/** The token of an authenticated request (every endpoint but the public ones has one). */
export const callerOf = (context: RequestContext): TokenRecord => {
  if (context.caller === null) throw new Error("This endpoint needs an authenticated caller")
  return context.caller
}

/** The values of a query parameter, in order. */
export const queryValues = (query: QueryPairs, name: string): Array<string> =>
  query.filter(([key]) => key === name).map(([, value]) => value)

/** True when the request asks for full objects in a list (`Expand: list`). */
export const expandsList = (context: RequestContext): boolean =>
  (context.headers["expand"] ?? "").split(",").some((part) => part.trim() === "list")
