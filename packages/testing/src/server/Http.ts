/**
 * The shapes shared by the request pipeline: a parsed request (`RequestContext`), a reply
 * before it is written (`Reply`), and `HttpError`, which any step throws to answer with a
 * JSON `{"detail": …}` error.
 */
import type { Urls } from "./Render.ts"
import type { Store } from "./Store.ts"

/** Query parameters in request order; a repeated name appears once per value. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>

/**
 * A reply before it is written. A string body is sent as is (`text/plain` unless a
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
  readonly body: string
  /** How to build absolute URLs for this request's API version. */
  readonly urls: Urls
  readonly store: Store
  readonly settings: Readonly<ServerSettings>
}

/** Thrown to answer with `status` and `{"detail": detail}`. */
export class HttpError extends Error {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  constructor(status: number, detail: string, headers: Readonly<Record<string, string>> = {}) {
    super(detail)
    this.status = status
    this.headers = headers
  }

  /** The error as a reply. */
  toReply(): Reply {
    return { status: this.status, headers: this.headers, body: { detail: this.message } }
  }
}

/** Numeric path parameters by name (`{id}` in a route pattern). */
export type PathParams = Readonly<Record<string, number>>

/** A path parameter the route pattern declares. */
export const pathParam = (params: PathParams, name: string): number => {
  const value = params[name]
  if (value === undefined) throw new Error(`Route pattern has no {${name}}`)
  return value
}

/** A 200 reply with a JSON body. */
export const ok = (body: unknown): Reply => ({ status: 200, body })

/** The 404 every missing object answers with. */
export const notFound = (): HttpError => new HttpError(404, "Not found.")

/** The values of a query parameter, in order. */
export const queryValues = (query: QueryPairs, name: string): Array<string> =>
  query.filter(([key]) => key === name).map(([, value]) => value)

/** True when the request asks for full objects in a list (`Expand: list`). */
export const expandsList = (context: RequestContext): boolean =>
  (context.headers["expand"] ?? "").split(",").some((part) => part.trim() === "list")
