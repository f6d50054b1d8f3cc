/**
 * The shapes shared by the request pipeline: a parsed request (`RequestContext`), a reply
 * before it is written (`Reply`), and `HttpError`, which any step throws to answer with a
 * JSON `{"detail": …}` error or a DRF-style map of field errors; and the node:http plumbing
 * both servers (API and storage) share: reading a request, writing a reply.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import type { TokenRecord } from "./Model.ts"
import type { Urls } from "./Render.ts"
import type { Store } from "./Store.ts"

/** The API root of a path: version segment, then the path under it. */
export const API_ROOT = /^\/services\/api\/(v1(?:\.x)?)(\/.*)$/

/** Query parameters in request order; a repeated name appears once per value. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>

/**
 * A reply before it is written. A string or byte body is sent as is (`text/plain` unless a
 * Content-Type header is given); any other defined body as JSON (`application/json`). A
 * `stream` is written chunk by chunk as it is produced instead (with the Content-Length
 * header only if the reply gives one); a stream that throws cuts the connection.
 */
export interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
  readonly stream?: AsyncIterable<string | Uint8Array> | Iterable<Uint8Array>
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
  /** The request URL (absolute, on the origin the request addressed: see {@link requestOrigin}). */
  readonly url: URL
  readonly query: QueryPairs
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as UTF-8 text; empty for a multipart body (see `upload`). */
  readonly body: string
  /** The body exactly as received; empty for a multipart body (see `upload`). */
  readonly bytes: Uint8Array
  /**
   * The unread body of a `multipart/form-data` request, for its endpoint to stream (such
   * bodies are never held in memory); null for every other request.
   */
  readonly upload: AsyncIterable<Uint8Array> | null
  /** The token the request authenticated with; null on public endpoints. */
  readonly caller: TokenRecord | null
  /** How to build absolute URLs for this request's API version. */
  readonly urls: Urls
  readonly store: Store
  readonly settings: Readonly<ServerSettings>
}

/**
 * Messages by field name, as Django REST framework reports invalid request bodies; the
 * errors of a nested object or of a list element (keyed by its index) nest.
 */
export interface FieldErrors {
  readonly [field: string]: ReadonlyArray<string> | FieldErrors
}

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

/** Path parameters by name, as matched (`{id}`, `{name:text}`, `{name:permission}` in a route pattern). */
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

/** True when a Content-Type header announces a `multipart/form-data` body. */
export const isMultipart = (contentType: string | undefined): boolean =>
  /^multipart\/form-data\s*(;|$)/i.test(contentType ?? "")

/** Reads a whole request body. */
export const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Header values by lower-case name, repeated headers joined with `, `. */
export const headerRecord = (request: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

const hasHeader = (headers: Readonly<Record<string, string>>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name)

/** Writes a reply (no body for HEAD); resolves once it is sent or the connection is gone. */
export const writeReply = async (response: ServerResponse, method: string, reply: Reply): Promise<void> => {
  const headers: Record<string, string> = { ...reply.headers }
  if (reply.stream !== undefined) {
    if (!hasHeader(headers, "content-type")) headers["Content-Type"] = "application/octet-stream"
    response.writeHead(reply.status, headers)
    if (method === "HEAD") response.end()
    else await pipeline(Readable.from(reply.stream), response).catch(() => response.destroy())
    return
  }
  let payload: string | Uint8Array = ""
  if (reply.body !== undefined) {
    const raw = typeof reply.body === "string" || reply.body instanceof Uint8Array
    payload = raw ? reply.body as string | Uint8Array : JSON.stringify(reply.body)
    if (!hasHeader(headers, "content-type")) {
      headers["Content-Type"] = raw ? "text/plain; charset=utf-8" : "application/json"
    }
  }
  if (reply.status !== 204 && reply.status !== 304) headers["Content-Length"] = String(Buffer.byteLength(payload))
  response.writeHead(reply.status, headers)
  response.end(method === "HEAD" ? undefined : payload)
}

/** A `Host` header's value: a name or an IPv4 or bracketed IPv6 address, and an optional port. */
const hostForm = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

/**
 * The origin a request addressed — `http://` and its `Host` header, which is a proxy's when
 * it came through one — or the server's `own` origin when the header is missing or not a
 * host. Every absolute URL the server writes (`Link`, `Location`, the `url` fields of its
 * bodies) starts with it, so that a client behind a proxy is sent back to the proxy.
 */
export const requestOrigin = (headers: Readonly<Record<string, string>>, own: string): string => {
  const host = headers["host"]
  return host !== undefined && hostForm.test(host) && URL.canParse(`http://${host}`) ? new URL(`http://${host}`).origin : own
}

/** Starts `server` listening on 127.0.0.1 (port 0: a free one); resolves to its origin. */
export const listen = (server: Server, port: number): Promise<string> =>
  new Promise<string>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject)
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
  })

/** Stops `server` listening and closes every open connection. */
export const shutDown = (server: Server): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)))
    server.closeAllConnections()
  })
