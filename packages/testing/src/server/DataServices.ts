/**
 * The data services beside the admin API: the Query API (`/services/query/v1/vector`,
 * `raster`, `set`), WFS (`/services;key=KEY/wfs`, `/services/wfs`, `/wfs/{typeName}`), XYZ
 * tiles (`/services;key=KEY/tiles/v4/layer=ID/EPSG:3857/{z}/{x}/{y}.png`) and WMTS
 * capabilities. Each takes the API key in the path (`services;key=KEY`), as a `key` query
 * parameter, or as `Authorization: key KEY`, checked against the fake's tokens (401 for a
 * missing, unknown or expired key; 403 for a key without the service's scope: `query`,
 * `wxs:wfs`, `tiles`), and can be switched off for the site (403). Each service answers
 * errors in its own form: JSON `{"error": …}` for the Query API, an OGC ExceptionReport
 * for WFS and WMTS, plain text for tiles.
 */
import { authenticate } from "./Auth.ts"
import { FeatureStore } from "./Features.ts"
import { HttpError, type QueryPairs, type Reply } from "./Http.ts"
import type { TokenRecord } from "./Model.ts"
import * as Query from "./Query.ts"
import type { Store } from "./Store.ts"
import * as Tiles from "./Tiles.ts"
import * as Wfs from "./Wfs.ts"

/**
 * A data service a site can switch off.
 *
 * @since 0.2.0
 */
export type ServiceName = "vector-query" | "raster-query" | "set-query" | "wfs" | "tiles" | "wmts"

/**
 * Every data service.
 *
 * @since 0.2.0
 */
export const SERVICE_NAMES: ReadonlyArray<ServiceName> = ["vector-query", "raster-query", "set-query", "wfs", "tiles", "wmts"]

/**
 * Limits of the point queries (the real defaults are undocumented).
 *
 * @since 0.2.0
 */
export interface QueryLimits {
  /** Search radius in metres when a request gives none; default 0 (only features at the point). */
  readonly defaultRadius?: number
  /** Largest radius accepted, metres; default 100,000 (larger: 400). */
  readonly maxRadius?: number
  /** Results per layer when a request gives no `max_results`; default 100 (accepted: 1–100). */
  readonly defaultMaxResults?: number
}

/** The scope a key needs for each service. */
const SCOPES: Readonly<Record<ServiceName, string>> = {
  "vector-query": "query",
  "raster-query": "query",
  "set-query": "query",
  wfs: "wxs:wfs",
  tiles: "tiles",
  wmts: "tiles"
}

/**
 * What the handlers of the data services see.
 *
 * @since 0.2.0
 */
export interface ServiceContext {
  readonly method: string
  readonly url: URL
  readonly query: QueryPairs
  readonly headers: Readonly<Record<string, string>>
  readonly store: Store
  readonly features: FeatureStore
  readonly limits: Required<QueryLimits>
  /** The token the request authenticated with. */
  readonly caller: TokenRecord
  /** The path form the request used: `/services;key=KEY` or `/services`. */
  readonly servicesRoot: string
}

/**
 * The state of the data services of one server.
 *
 * @since 0.2.0
 */
export interface DataServices {
  readonly features: FeatureStore
  readonly limits: Required<QueryLimits>
  readonly enabled: Record<ServiceName, boolean>
}

/**
 * The data services of a server with these options.
 *
 * @since 0.2.0
 */
export const makeDataServices = (
  features: FeatureStore,
  limits: QueryLimits = {},
  services: Partial<Record<ServiceName, boolean>> = {}
): DataServices => ({
  features,
  limits: { defaultRadius: 0, maxRadius: 100_000, defaultMaxResults: 100, ...limits },
  enabled: Object.fromEntries(SERVICE_NAMES.map((name) => [name, services[name] ?? true])) as Record<ServiceName, boolean>
})

/**
 * How a service answers an error.
 *
 * @since 0.2.0
 */
export type ErrorForm = "json" | "ows" | "text"

/**
 * An error of a data service, in the service's own form.
 *
 * @since 0.2.0
 */
export class ServiceError extends Error {
  readonly status: number
  readonly code: string
  readonly locator: string | undefined
  constructor(status: number, message: string, code = "NoApplicableCode", locator?: string) {
    super(message)
    this.status = status
    this.code = code
    this.locator = locator
  }
}

/**
 * The ExceptionReport XML of an error (OWS 1.1, as WFS 2.0 and WMTS answer).
 *
 * @since 0.2.0
 */
export const exceptionReport = (error: ServiceError): string =>
  `<?xml version="1.0" encoding="UTF-8"?>
<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="2.0.0" xsi:schemaLocation="http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsAll.xsd">
  <ows:Exception exceptionCode="${error.code}"${error.locator === undefined ? "" : ` locator="${escape(error.locator)}"`}>
    <ows:ExceptionText>${escape(error.message)}</ows:ExceptionText>
  </ows:Exception>
</ows:ExceptionReport>
`

const escape = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\"", "&quot;")

/**
 * An error as a reply in the given form.
 *
 * @since 0.2.0
 */
export const errorReply = (error: ServiceError, form: ErrorForm, json = false): Reply => {
  if (form === "json") return { status: error.status, body: { error: error.message } }
  if (form === "text") {
    return { status: error.status, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: error.message }
  }
  if (json) {
    return {
      status: error.status,
      body: {
        version: "2.0.0",
        exceptions: [{ code: error.code, ...(error.locator === undefined ? {} : { locator: error.locator }), text: error.message }]
      }
    }
  }
  return { status: error.status, headers: { "Content-Type": "application/xml; charset=utf-8" }, body: exceptionReport(error) }
}

/** `/services` or `/services;key=KEY`, then the service path. */
const SERVICES = /^\/services(;key=[^/]*)?(\/.*)$/

interface Resolved {
  readonly service: ServiceName
  readonly form: ErrorForm
  readonly handle: (context: ServiceContext) => Reply | Promise<Reply>
}

/** Which service a path under `/services` belongs to, and its handler; undefined for none. */
const resolve = (path: string): Resolved | undefined => {
  const point = /^\/query\/v1\/(vector|raster|set)(\.json|\.xml)?\/?$/.exec(path)
  if (point !== null) {
    const kind = point[1] as "vector" | "raster" | "set"
    return { service: `${kind}-query`, form: "json", handle: (context) => Query.handle(context, kind, point[2]) }
  }
  const wfs = /^\/wfs(?:\/([^/]+))?\/?$/.exec(path)
  if (wfs !== null) {
    return { service: "wfs", form: "ows", handle: (context) => Wfs.handle(context, wfs[1]) }
  }
  const tile = Tiles.matchTile(path)
  if (tile !== undefined) return { service: "tiles", form: "text", handle: (context) => Tiles.tile(context, tile) }
  const wmts = Tiles.matchCapabilities(path)
  if (wmts !== undefined) return { service: "wmts", form: "ows", handle: (context) => Tiles.capabilities(context, wmts) }
  return undefined
}

/** The API key a request carries: in the path, else the `key` parameter, else the Authorization header. */
const keyOf = (pathKey: string | undefined, query: QueryPairs, headers: Readonly<Record<string, string>>) => {
  if (pathKey !== undefined) return `key ${decodeURIComponent(pathKey)}`
  const param = query.find(([name]) => name === "key")?.[1]
  if (param !== undefined) return `key ${param}`
  return headers["authorization"]
}

const SERVICE_TITLES: Readonly<Record<ServiceName, string>> = {
  "vector-query": "vector query",
  "raster-query": "raster query",
  "set-query": "set query",
  wfs: "WFS",
  tiles: "tiles",
  wmts: "WMTS"
}

/**
 * Answers a request for a data service; undefined when the path is none of theirs (the
 * caller answers 404).
 *
 * @since 0.2.0
 */
export const serve = async (
  services: DataServices,
  request: Omit<ServiceContext, "caller" | "servicesRoot" | "features" | "limits">
): Promise<Reply | undefined> => {
  const match = SERVICES.exec(request.url.pathname)
  if (match === null) return undefined
  const [, matrix, path = ""] = match
  const resolved = resolve(path)
  if (resolved === undefined) return undefined
  const jsonErrors = resolved.service === "wfs" &&
    request.query.some(([name, value]) => name.toLowerCase() === "exceptions" && /json/i.test(value))
  try {
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new ServiceError(405, `Method "${request.method}" not allowed.`, "OperationNotSupported")
    }
    let caller: TokenRecord
    try {
      caller = authenticate(keyOf(matrix?.slice(";key=".length), request.query, request.headers), request.store)
    } catch (error) {
      if (error instanceof HttpError) {
        const message = error.message === "Authentication credentials were not provided."
          ? "An API key is required: give it as services;key=KEY, ?key=KEY or Authorization: key KEY."
          : "Invalid API key."
        throw new ServiceError(401, message, "NoApplicableCode")
      }
      throw error
    }
    if (!services.enabled[resolved.service]) {
      throw new ServiceError(403, `The ${SERVICE_TITLES[resolved.service]} service is disabled on this site.`)
    }
    const scope = SCOPES[resolved.service]
    if (!caller.scopes.includes(scope)) {
      throw new ServiceError(403, `This API key may not use the ${SERVICE_TITLES[resolved.service]} service (it needs the "${scope}" scope).`)
    }
    const context: ServiceContext = {
      ...request,
      caller,
      features: services.features,
      limits: services.limits,
      servicesRoot: `/services${matrix ?? ""}`
    }
    return await resolved.handle(context)
  } catch (error) {
    if (error instanceof ServiceError) {
      const reply = errorReply(error, resolved.form, jsonErrors)
      return Query.jsonp(request.query, resolved.form, reply, error)
    }
    throw error
  }
}
