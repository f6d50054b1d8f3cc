/**
 * The fake Koordinates API server on `node:http`, bound to 127.0.0.1, with its storage
 * server (a second loopback origin export downloads redirect to). Each request is logged,
 * then answered by an injected rule if one matches, else routed: unknown path 404,
 * authentication 401 (except on public endpoints), wrong method 405, missing scope 403,
 * then the endpoint's handler. A `multipart/form-data` body is not read up front: its
 * endpoint streams it (and the log shows it as empty). The log also records when each
 * exchange ended and whether the client went away before the reply was complete.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { setTimeout as sleep } from "node:timers/promises"
import { authenticate, authorize } from "./Auth.ts"
import type { FakeClock } from "./Clock.ts"
import { type AllowedOrigins, allows, corsHeaders, isPreflight, loopbackOrigins, preflightReply, setHeaders } from "./Cors.ts"
import { makeDataServices, type QueryLimits, serve, SERVICE_NAMES, type ServiceName } from "./DataServices.ts"
import {
  API_ROOT,
  headerRecord,
  HttpError,
  isMultipart,
  listen,
  notFound,
  readBody,
  type Reply,
  type RequestContext,
  requestOrigin,
  type ServerSettings,
  shutDown,
  writeReply
} from "./Http.ts"
import { type Fault, injectedReply, Injections, type InjectRule } from "./Inject.ts"
import { RequestLog } from "./Log.ts"
import { makeUrls } from "./Render.ts"
import { matchRoute, ROUTES } from "./Routes.ts"
import { startStorage } from "./Storage.ts"
import { Store, type StoreOptions } from "./Store.ts"

/**
 * How {@link startServer} sets the fake up; the store options (`tokens`, `clock`,
 * `importTime`, `scanTime`, `exportTime`, `publishTime`, `failImports`, and the `…Polls` of
 * the `per-read` clock) go to its {@link Store}.
 */
export interface FakeServerOptions extends StoreOptions {
  /** Port on 127.0.0.1; default 0 (a free port). */
  readonly port?: number
  /** Seed of the generated data; default 1. */
  readonly seed?: number
  /**
   * Catalog items generated at start (layers, tables, sets, documents); default 40. Some
   * have a draft and no published version, so `/data/` lists fewer than this.
   */
  readonly catalogSize?: number
  /** Data sources generated at start (each scanned, with datasources); default 5. */
  readonly sourceCount?: number
  /** Page size when a request gives none; default 100. */
  readonly defaultPageSize?: number
  /** Largest page size a request may ask for (larger ones are clamped); default 1000. */
  readonly maxPageSize?: number
  /**
   * The page origins browsers may call the server (and its storage server) from, by CORS;
   * default any loopback origin (`http://127.0.0.1:*`, `http://localhost:*`,
   * `http://[::1]:*`). Others get no CORS headers, so the browser blocks their replies.
   *
   * @example
   * ```ts
   * const server = await startServer({ allowedOrigins: ["https://app.example.com"] })
   * ```
   * @since 0.2.0
   */
  readonly allowedOrigins?: AllowedOrigins
  /**
   * Data services switched on or off for the site (all on by default); a service switched
   * off answers 403.
   *
   * @example
   * ```ts
   * await startServer({ services: { wfs: false } })
   * ```
   * @since 0.2.0
   */
  readonly services?: Partial<Record<ServiceName, boolean>>
  /**
   * Defaults and limits of the point queries (radius, max_results).
   *
   * @since 0.2.0
   */
  readonly queryLimits?: QueryLimits
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** The storage server export downloads redirect to: `http://127.0.0.1:OTHER_PORT`. */
  readonly storageOrigin: string
  /** The data it serves; change it freely between requests. */
  readonly store: Store
  /**
   * The time its jobs (imports, scans, exports, publishes) run on: `clock.advance("2 minutes")`
   * moves a `manual` clock on (see the `clock` option).
   *
   * @example
   * ```ts
   * const server = await startServer({ clock: "manual" })
   * server.clock.advance("1 second")
   * ```
   * @since 0.2.0
   */
  readonly clock: FakeClock
  /**
   * Every request received, and how each exchange ended (`log.closed()`,
   * `log.waitForClose(…)`): when, and whether the connection closed before the reply was
   * complete — how a test sees that an interrupted client aborted its request.
   */
  readonly log: RequestLog
  /** Every request the storage server received (with its headers), and how each exchange ended, as in `log`. */
  readonly storageLog: RequestLog
  /** Answers the next matching request(s) with a canned response. */
  inject(rule: InjectRule): void
  /** Drops every injected rule. */
  clearInjections(): void
  /** Off: no `X-Resource-Range` on lists, and HEAD on lists answers 405. On by default. */
  setCountHeaders(on: boolean): void
  /**
   * Switches a data service on or off for the site (off: it answers 403).
   *
   * @example
   * ```ts
   * declare const server: FakeServer
   * server.setService("vector-query", false)
   * ```
   * @since 0.2.0
   */
  setService(name: ServiceName, on: boolean): void
  /** Stops listening (both servers) and closes every open connection. */
  close(): Promise<void>
}

const positive = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`)
  return value
}

/** Writes `reply` spoilt by `fault` (the body is never shorter than a byte). */
const writeFault = async (response: ServerResponse, reply: Reply, fault: Exclude<Fault, "reset">): Promise<void> => {
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
  const bytes = Buffer.from(fault === "malformed" ? `${text.slice(0, -1)}\u0000` : text)
  const half = bytes.subarray(0, Math.max(1, bytes.length >> 1))
  const length = fault === "malformed" ? bytes.length : fault === "truncate" ? half.length : bytes.length
  response.writeHead(reply.status, {
    ...reply.headers,
    "Content-Type": "application/json",
    "Content-Length": String(length)
  })
  if (fault === "resetDuringBody") {
    response.write(half)
    await new Promise((resolve) => setTimeout(resolve, 5))
    response.socket?.destroy()
    return
  }
  response.end(fault === "truncate" ? half : bytes)
}

/** A `%` that does not start a two-hex-digit escape. */
const badEscape = /%(?![0-9a-f]{2})/i

/**
 * The request target as a URL on this server, when it is in origin form (`/path?query`)
 * with a well-escaped query; undefined for any other target (absolute form
 * `http://host/path`, asterisk form `*`, a bad `%` escape), which is a bad request.
 */
const originFormUrl = (origin: string, target: string): URL | undefined => {
  if (!target.startsWith("/") || !URL.canParse(`${origin}${target}`)) return undefined
  const url = new URL(`${origin}${target}`)
  return badEscape.test(url.search) ? undefined : url
}

/** The 400 reply to a request whose target the server does not take. */
const badRequest = (target: string): Reply =>
  new HttpError(400, `Bad request target "${target}": send a path, with a well-escaped query.`).toReply()

/** Starts a fake server with a generated catalog and sources; resolves once it listens. */
export const startServer = async (options: FakeServerOptions = {}): Promise<FakeServer> => {
  const store = new Store(options.seed ?? 1, options)
  store.generateCatalog(options.catalogSize ?? 40)
  store.generateSources(options.sourceCount ?? 5)
  const log = new RequestLog()
  const injections = new Injections()
  const settings: ServerSettings = {
    defaultPageSize: positive("defaultPageSize", options.defaultPageSize ?? 100),
    maxPageSize: positive("maxPageSize", options.maxPageSize ?? 1000),
    countHeaders: true
  }
  const data = makeDataServices(store.featureStore, options.queryLimits, options.services)
  const shutdown = new AbortController()
  const allowed = options.allowedOrigins ?? loopbackOrigins
  const allowedOrigin = (page: string) => allows(allowed, page)
  const storage = await startStorage(store, allowedOrigin)
  let origin = ""

  const route = async (context: Omit<RequestContext, "urls" | "caller">, api: RegExpExecArray | null): Promise<Reply> => {
    try {
      if (api === null) {
        const reply = await serve(data, context)
        if (reply === undefined) throw notFound()
        return reply
      }
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
      const urls = makeUrls(context.url.origin, version, storage.origin)
      return await match.found.route.handler({ ...context, caller, urls }, match.found.params)
    } catch (error) {
      if (error instanceof HttpError) return error.toReply()
      return { status: 500, body: { detail: `Internal server error: ${String(error)}` } }
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = headerRecord(request)
    const upload = isMultipart(headers["content-type"]) ? request : null
    const bytes = upload === null ? await readBody(request) : Buffer.alloc(0)
    const body = bytes.toString("utf8")
    const method = (request.method ?? "GET").toUpperCase()
    const target = request.url ?? "/"
    setHeaders(response, corsHeaders(allowedOrigin, headers))
    const url = originFormUrl(requestOrigin(headers, origin), target)
    if (url === undefined) {
      log.record({ method, path: target, query: [], headers, body, at: Date.now() }, response)
      return writeReply(response, method, badRequest(target))
    }
    const query = [...url.searchParams]
    log.record({ method, path: url.pathname, query, headers, body, at: Date.now() }, response)
    if (isPreflight(method, headers)) {
      return writeReply(response, method, preflightReply(allowedOrigin, headers, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"))
    }
    store.settle()
    const api = API_ROOT.exec(url.pathname)
    const rule = injections.take(method, url.pathname, api?.[2])
    if (rule?.delayMs !== undefined) await sleep(rule.delayMs, undefined, { signal: shutdown.signal })
    if (rule !== undefined && rule.fault === undefined) return writeReply(response, method, injectedReply(rule))
    if (rule?.fault === "reset") return void request.socket.destroy()
    const context = { method, url, query, headers, body, bytes, upload, store, settings }
    const reply = await route(context, api)
    if (rule?.fault === undefined || reply.body === undefined) return writeReply(response, method, reply)
    await writeFault(response, reply, rule.fault)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy())
  })
  try {
    origin = await listen(server, options.port ?? 0)
  } catch (error) {
    await storage.close()
    throw error
  }

  let closing: Promise<void> | undefined
  return {
    origin,
    storageOrigin: storage.origin,
    store,
    clock: store.clock,
    log,
    storageLog: storage.log,
    inject: (rule) => injections.add(rule),
    clearInjections: () => injections.clear(),
    setCountHeaders: (on) => {
      settings.countHeaders = on
    },
    setService: (name, on) => {
      if (!SERVICE_NAMES.includes(name)) throw new Error(`Unknown service "${name}"`)
      data.enabled[name] = on
    },
    close: () => {
      closing ??= (() => {
        shutdown.abort()
        return Promise.all([shutDown(server), storage.close()]).then(() => undefined)
      })()
      return closing
    }
  }
}
