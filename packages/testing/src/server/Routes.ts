/**
 * The endpoint table (method, path pattern under the API root, access, handler) and the
 * matching of a request against it. `{name}` in a pattern matches a numeric segment,
 * `{name:text}` any segment, even an empty one. GET routes answer HEAD too, except list
 * routes while count headers are switched off.
 */
import type { Access } from "./Auth.ts"
import * as Catalog from "./Catalog.ts"
import type { PathParams, Reply, RequestContext, ServerSettings } from "./Http.ts"
import * as Layers from "./Layers.ts"
import * as Licenses from "./Licenses.ts"
import type { Collection } from "./Links.ts"
import * as Metadata from "./Metadata.ts"
import type { Versioned, VersionedRecord } from "./Model.ts"
import * as Publishing from "./Publishing.ts"
import * as Sets from "./Sets.ts"
import * as Tokens from "./Tokens.ts"
import * as Versions from "./Versions.ts"

/** Answers a matched request. */
export type Handler = (context: RequestContext, params: PathParams) => Reply

/** One endpoint. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly pattern: string
  readonly access: Access
  readonly handler: Handler
  /** A paginated list (HEAD needs count headers). */
  readonly list: boolean
  readonly regex: RegExp
  readonly names: ReadonlyArray<string>
}

const compile = (pattern: string): { readonly regex: RegExp; readonly names: Array<string> } => {
  const names: Array<string> = []
  const source = pattern.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(
    /\{(\w+)(:text)?\}/g,
    (_, name: string, text: string | undefined) => {
      names.push(name)
      return text === undefined ? "(\\d+)" : "([^/]*)"
    }
  )
  return { regex: new RegExp(`^${source}$`), names }
}

/** An endpoint row. */
const route = (method: Route["method"], pattern: string, access: Access, handler: Handler, list = false): Route => ({
  method,
  pattern,
  access,
  handler,
  list,
  ...compile(pattern)
})

/** A paginated GET endpoint row. */
const list = (pattern: string, access: Access, handler: Handler): Route => route("GET", pattern, access, handler, true)

/** Access for holders of a scope. */
const scope = (name: string): Access => ({ scope: name })

/** The metadata endpoints under `base` (an item or version path): POST to `postAt`, GETs of `getAt`. */
const metadataRoutes = <C extends Versions.SharedContent, R extends VersionedRecord & Versioned<C>>(
  base: string,
  resource: Versions.Resource<C, R>,
  postAt: Versions.VersionLookup,
  getAt: Versions.VersionLookup,
  read: Access,
  write: Access
): ReadonlyArray<Route> => [
  route("POST", `${base}metadata/`, write, Metadata.post(resource, postAt)),
  route("GET", `${base}metadata/`, read, Metadata.get(resource, getAt, "native")),
  route("GET", `${base}metadata/iso/`, read, Metadata.get(resource, getAt, "iso")),
  route("GET", `${base}metadata/dc/`, read, Metadata.get(resource, getAt, "dc"))
]

/** The endpoints every versioned item has, under `base` (e.g. `/sets/`). */
const versionedRoutes = <C extends Versions.SharedContent, R extends VersionedRecord & Versioned<C>>(
  base: string,
  resource: Versions.Resource<C, R>,
  read: Access,
  write: Access
): ReadonlyArray<Route> => [
  route("GET", `${base}{id}/`, read, Versions.get(resource)),
  route("DELETE", `${base}{id}/`, write, Versions.deleteItem(resource)),
  list(`${base}{id}/versions/`, read, Versions.listVersions(resource)),
  route("GET", `${base}{id}/versions/draft/`, read, Versions.getAt(resource, Versions.atDraft)),
  route("GET", `${base}{id}/versions/published/`, read, Versions.getAt(resource, Versions.atPublished)),
  route("GET", `${base}{id}/versions/{version}/`, read, Versions.getAt(resource, Versions.atParam)),
  route("PUT", `${base}{id}/versions/{version}/`, write, Versions.edit(resource)),
  route("DELETE", `${base}{id}/versions/{version}/`, write, Versions.deleteVersion(resource)),
  route("POST", `${base}{id}/versions/{version}/publish/`, write, Versions.publishVersion(resource)),
  ...metadataRoutes(`${base}{id}/versions/{version}/`, resource, Versions.atParam, Versions.atParam, read, write)
]

const layerRoutes = (collection: Collection): ReadonlyArray<Route> => {
  const read = scope("layers:read")
  const write = scope("layers:write")
  return [
    list(`/${collection}/`, read, Layers.list(collection)),
    route("POST", `/${collection}/`, write, Layers.create(collection)),
    list(`/${collection}/drafts/`, read, Layers.listDrafts(collection)),
    route("POST", `/${collection}/{id}/versions/`, write, Layers.createDraft(collection)),
    route("POST", `/${collection}/{id}/versions/import/`, write, Layers.startUpdate(collection)),
    route("POST", `/${collection}/{id}/versions/{version}/import/`, write, Layers.importVersion(collection)),
    ...versionedRoutes(`/${collection}/`, Layers.resource(collection), read, write)
  ]
}

const setRoutes = (): ReadonlyArray<Route> => {
  const read = scope("sets:read")
  const write = scope("sets:write")
  return [
    list("/sets/", read, Sets.list),
    route("POST", "/sets/", write, Sets.create),
    list("/sets/drafts/", read, Sets.listDrafts),
    route("POST", "/sets/{id}/versions/", write, Sets.createDraft),
    ...metadataRoutes("/sets/{id}/", Sets.resource, Versions.atLatest, Versions.atCurrent, read, write),
    ...versionedRoutes("/sets/", Sets.resource, read, write)
  ]
}

/** Every endpoint the fake serves. */
export const ROUTES: ReadonlyArray<Route> = [
  list("/data/", scope("catalog"), Catalog.listPublished),
  list("/data/latest/", scope("catalog"), Catalog.listLatest),
  ...layerRoutes("layers"),
  ...layerRoutes("tables"),
  ...setRoutes(),
  list("/publish/", scope("layers:read"), Publishing.list),
  route("POST", "/publish/", scope("layers:write"), Publishing.create),
  route("GET", "/publish/{id}/", scope("layers:read"), Publishing.get),
  route("DELETE", "/publish/{id}/", scope("layers:write"), Publishing.cancel),
  list("/licenses/", "token", Licenses.list),
  route("GET", "/licenses/{id}/", "token", Licenses.get),
  route("GET", "/licenses/{slug:text}/{jurisdiction:text}/", "token", Licenses.creativeCommons),
  list("/tokens/", scope("tokens:read"), Tokens.list),
  route("POST", "/tokens/", "public", Tokens.create),
  route("GET", "/tokens/{id}/", scope("tokens:read"), Tokens.get),
  route("PUT", "/tokens/{id}/", scope("tokens:write"), Tokens.update),
  route("DELETE", "/tokens/{id}/", scope("tokens:write"), Tokens.remove)
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
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, captures[index + 1] ?? ""]))
      found = { route: candidate, params }
    }
  }
  return found === undefined ? { allowed } : { allowed, found }
}
