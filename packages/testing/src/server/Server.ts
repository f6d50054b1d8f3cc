/**
 * The fake Koordinates API server on `node:http`, bound to 127.0.0.1. Each request is
 * logged, then answered by an injected rule if one matches, else routed: unknown path 404,
 * authentication 401 (except on public endpoints), wrong method 405, missing scope 403,
 * then the endpoint's handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"
import { authenticate, authorize } from "./Auth.ts"
import { API_ROOT, HttpError, notFound, type Reply, type RequestContext, type ServerSettings } from "./Http.ts"
import { injectedReply, Injections, type InjectRule } from "./Inject.ts"
import { RequestLog } from "./Log.ts"
import { makeUrls } from "./Render.ts"
import { matchRoute, ROUTES } from "./Routes.ts"
import { Store, type StoreOptions } from "./Store.ts"

/**
 * How {@link startServer} sets the fake up; the store options (`tokens`, `importPolls`,
 * `failImports`) go to its {@link Store}.
 */
export interface FakeServerOptions extends StoreOptions {
  /** Port on 127.0.0.1; default 0 (a free port). */
  readonly port?: number
  /** Seed of the generated data; default 1. */
  readonly seed?: number
  /** Catalog items generated at start; default 40. */
  readonly catalogSize?: number
  /** Page size when a request gives none; default 100. */
  readonly defaultPageSize?: number
  /** Largest page size a request may ask for (larger ones are clamped); default 1000. */
  readonly maxPageSize?: number
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** The data it serves; change it freely between requests. */
  readonly store: Store
  /** Every request received. */
  readonly log: RequestLog
  /** Answers the next matching request(s) with a canned response. */
  inject(rule: InjectRule): void
  /** Drops every injected rule. */
  clearInjections(): void
  /** Off: no `X-Resource-Range` on lists, and HEAD on lists answers 405. On by default. */
  setCountHeaders(on: boolean): void
  /** Stops listening and closes every open connection. */
  close(): Promise<void>
}

const positive = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`)
  return value
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const headerRecord = (request: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

const write = (response: ServerResponse, method: string, reply: Reply): void => {
  const headers: Record<string, string> = { ...reply.headers }
  let payload: string | Uint8Array = ""
  if (reply.body !== undefined) {
    const raw = typeof reply.body === "string" || reply.body instanceof Uint8Array
    payload = raw ? reply.body as string | Uint8Array : JSON.stringify(reply.body)
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
      headers["Content-Type"] = raw ? "text/plain; charset=utf-8" : "application/json"
    }
  }
  if (reply.status !== 204 && reply.status !== 304) headers["Content-Length"] = String(Buffer.byteLength(payload))
  response.writeHead(reply.status, headers)
  response.end(method === "HEAD" ? undefined : payload)
}

/** Starts a fake server with a generated catalog; resolves once it listens. */
export const startServer = async (options: FakeServerOptions = {}): Promise<FakeServer> => {
  const store = new Store(options.seed ?? 1, options)
  store.generateCatalog(options.catalogSize ?? 40)
  const log = new RequestLog()
  const injections = new Injections()
  const settings: ServerSettings = {
    defaultPageSize: positive("defaultPageSize", options.defaultPageSize ?? 100),
    maxPageSize: positive("maxPageSize", options.maxPageSize ?? 1000),
    countHeaders: true
  }
  const shutdown = new AbortController()
  let origin = ""

  const route = (context: Omit<RequestContext, "urls" | "caller">, api: RegExpExecArray | null): Reply => {
    try {
      if (api === null) throw notFound()
      const [, version = "", path = ""] = api
      const match = matchRoute(ROUTES, context.method, path, settings)
      if (match.allowed.length === 0) throw notFound()
      const access = match.found?.route.access
      const caller = access === "public" ? null : authenticate(context.headers["authorization"], store)
      if (match.found === undefined || access === undefined) {
        const allow = [...new Set(match.allowed)].join(", ")
        throw new HttpError(405, `Method "${context.method}" not allowed.`, { Allow: allow })
      }
      if (caller !== null && access !== "public") authorize(caller, access)
      return match.found.route.handler({ ...context, caller, urls: makeUrls(origin, version) }, match.found.params)
    } catch (error) {
      if (error instanceof HttpError) return error.toReply()
      return { status: 500, body: { detail: `Internal server error: ${String(error)}` } }
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const bytes = await readBody(request)
    const body = bytes.toString("utf8")
    const url = new URL(`${origin}${request.url ?? "/"}`)
    const method = (request.method ?? "GET").toUpperCase()
    const headers = headerRecord(request)
    const query = [...url.searchParams]
    log.record({ method, path: url.pathname, query, headers, body, at: Date.now() })
    const api = API_ROOT.exec(url.pathname)
    const rule = injections.take(method, url.pathname, api?.[2])
    if (rule !== undefined) {
      if (rule.delayMs !== undefined) await sleep(rule.delayMs, undefined, { signal: shutdown.signal })
      return write(response, method, injectedReply(rule))
    }
    write(response, method, route({ method, url, query, headers, body, bytes, store, settings }, api))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let closing: Promise<void> | undefined
  return {
    origin,
    store,
    log,
    inject: (rule) => injections.add(rule),
    clearInjections: () => injections.clear(),
    setCountHeaders: (on) => {
      settings.countHeaders = on
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
      return closing
    }
  }
}
