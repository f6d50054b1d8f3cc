/**
 * The endpoint table (method, path pattern under the API root, required scope, handler) and
 * the matching of a request against it. `{name}` in a pattern matches a numeric segment.
 * GET routes answer HEAD too, except list routes while count headers are switched off.
 */
import * as Catalog from "./Catalog.ts"
import type { PathParams, Reply, RequestContext, ServerSettings } from "./Http.ts"
import * as Layers from "./Layers.ts"

/** Answers a matched request. */
export type Handler = (context: RequestContext, params: PathParams) => Reply

/** One endpoint. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly pattern: string
  readonly scope: string
  readonly handler: Handler
  /** A paginated list (HEAD needs count headers). */
  readonly list: boolean
  readonly regex: RegExp
  readonly names: ReadonlyArray<string>
}

const compile = (pattern: string): { readonly regex: RegExp; readonly names: Array<string> } => {
  const names: Array<string> = []
  const source = pattern.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name)
    return "(\\d+)"
  })
  return { regex: new RegExp(`^${source}$`), names }
}

/** An endpoint row. */
const route = (method: Route["method"], pattern: string, scope: string, handler: Handler, list = false): Route => ({
  method,
  pattern,
  scope,
  handler,
  list,
  ...compile(pattern)
})

/** A paginated GET endpoint row. */
const list = (pattern: string, scope: string, handler: Handler): Route => route("GET", pattern, scope, handler, true)

const layerRoutes = (collection: Layers.Collection): ReadonlyArray<Route> => [
  list(`/${collection}/`, "layers:read", Layers.list(collection)),
  list(`/${collection}/drafts/`, "layers:read", Layers.listDrafts(collection)),
  route("GET", `/${collection}/{id}/`, "layers:read", Layers.get(collection)),
  list(`/${collection}/{id}/versions/`, "layers:read", Layers.listVersions(collection)),
  route("GET", `/${collection}/{id}/versions/draft/`, "layers:read", Layers.getDraft(collection)),
  route("GET", `/${collection}/{id}/versions/published/`, "layers:read", Layers.getPublished(collection)),
  route("GET", `/${collection}/{id}/versions/{version}/`, "layers:read", Layers.getVersion(collection))
]

/** Every endpoint the fake serves. */
export const ROUTES: ReadonlyArray<Route> = [
  list("/data/", "catalog", Catalog.listPublished),
  list("/data/latest/", "catalog", Catalog.listLatest),
  ...layerRoutes("layers"),
  ...layerRoutes("tables")
]

/** What a path and method resolve to. */
export interface Match {
  /** Methods the path accepts; empty when no route has this path. */
  readonly allowed: ReadonlyArray<string>
  /** The route for the request's method, if the path accepts it. */
  readonly found?: { readonly route: Route; readonly params: PathParams }
}

/** Resolves a request against the table. */
export const matchRoute = (
  routes: ReadonlyArray<Route>,
  method: string,
  apiPath: string,
  settings: Readonly<ServerSettings>
): Match => {
  const allowed: Array<string> = []
  let found: Match["found"]
  for (const candidate of routes) {
    const captures = candidate.regex.exec(apiPath)
    if (captures === null) continue
    const methods = candidate.method === "GET" && (!candidate.list || settings.countHeaders)
      ? ["GET", "HEAD"]
      : [candidate.method]
    allowed.push(...methods)
    if (found === undefined && methods.includes(method)) {
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, Number(captures[index + 1])]))
      found = { route: candidate, params }
    }
  }
  return found === undefined ? { allowed } : { allowed, found }
}
