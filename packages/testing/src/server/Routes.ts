/**
 * The endpoint table (method, path pattern under the API root, access, handler) and the
 * matching of a request against it. `{name}` in a pattern matches a numeric segment,
 * `{name:text}` any segment, even an empty one, and `{name:permission}` a permission id
 * (`group.108`, `group.everyone`, `user.4`). GET routes answer HEAD too, except list routes
 * while count headers are switched off.
 */
import type { Access } from "./Auth.ts"
import * as Catalog from "./Catalog.ts"
import * as Exports from "./Exports.ts"
import type { PathParams, Reply, RequestContext, ServerSettings } from "./Http.ts"
import * as Layers from "./Layers.ts"
import * as Licenses from "./Licenses.ts"
import type { Collection } from "./Links.ts"
import * as Metadata from "./Metadata.ts"
import type { Versioned, VersionedRecord } from "./Model.ts"
import * as Permissions from "./Permissions.ts"
import * as Publishing from "./Publishing.ts"
import * as Scans from "./Scans.ts"
import * as Sets from "./Sets.ts"
import * as Sources from "./Sources.ts"
import * as Tokens from "./Tokens.ts"
import * as Users from "./Users.ts"
import * as Versions from "./Versions.ts"

/** Answers a matched request. */
export type Handler = (context: RequestContext, params: PathParams) => Reply | Promise<Reply>

/** One endpoint. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "OPTIONS"
  readonly pattern: string
  readonly access: Access
  readonly handler: Handler
  /** A paginated list (HEAD needs count headers). */
  readonly list: boolean
  readonly regex: RegExp
  readonly names: ReadonlyArray<string>
}

/** What each kind of placeholder matches, by the name after its colon (none: a number). */
const placeholders: Readonly<Record<string, string>> = {
  "": "(\\d+)",
  text: "([^/]*)",
  permission: "(group\\.[\\w-]+|user\\.\\d+)"
}

const compile = (pattern: string): { readonly regex: RegExp; readonly names: Array<string> } => {
  const names: Array<string> = []
  const source = pattern.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(
    /\{(\w+)(?::(\w+))?\}/g,
    (_, name: string, kind: string | undefined) => {
      const regex = placeholders[kind ?? ""]
      if (regex === undefined) throw new Error(`Unknown placeholder {${name}:${kind}} in ${pattern}`)
      names.push(name)
      return regex
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

/** The metadata endpoints under `base` (an object's path): POST to `postTo`, GETs of `getFrom`. */
const metadataRoutes = <P, G>(
  base: string,
  postTo: Metadata.Target<P>,
  getFrom: Metadata.Target<G>,
  read: Access,
  write: Access
): ReadonlyArray<Route> => [
  route("POST", `${base}metadata/`, write, Metadata.post(postTo)),
  route("GET", `${base}metadata/`, read, Metadata.get(getFrom, "native")),
  route("GET", `${base}metadata/iso/`, read, Metadata.get(getFrom, "iso")),
  route("GET", `${base}metadata/dc/`, read, Metadata.get(getFrom, "dc"))
]

/** The endpoints every versioned item has, under `base` (e.g. `/sets/`). */
const versionedRoutes = <C extends Versions.SharedContent, R extends VersionedRecord & Versioned<C>>(
  base: string,
  resource: Versions.Resource<C, R>,
  read: Access,
  write: Access
): ReadonlyArray<Route> => {
  const atVersion = Metadata.versioned(resource, Versions.atParam)
  return [
    route("GET", `${base}{id}/`, read, Versions.get(resource)),
    route("DELETE", `${base}{id}/`, write, Versions.deleteItem(resource)),
    list(`${base}{id}/versions/`, read, Versions.listVersions(resource)),
    route("GET", `${base}{id}/versions/draft/`, read, Versions.getAt(resource, Versions.atDraft)),
    route("GET", `${base}{id}/versions/published/`, read, Versions.getAt(resource, Versions.atPublished)),
    route("GET", `${base}{id}/versions/{version}/`, read, Versions.getAt(resource, Versions.atParam)),
    route("PUT", `${base}{id}/versions/{version}/`, write, Versions.edit(resource)),
    route("DELETE", `${base}{id}/versions/{version}/`, write, Versions.deleteVersion(resource)),
    route("POST", `${base}{id}/versions/{version}/publish/`, write, Versions.publishVersion(resource)),
    ...metadataRoutes(`${base}{id}/versions/{version}/`, atVersion, atVersion, read, write)
  ]
}

/** The permission endpoints of the items `holder` finds under `base` (e.g. `/sets/`). */
const permissionRoutes = (base: string, holder: Permissions.Holder, read: Access, write: Access): ReadonlyArray<Route> => [
  list(`${base}{id}/permissions/`, read, Permissions.list(holder)),
  route("POST", `${base}{id}/permissions/`, write, Permissions.create(holder)),
  route("PUT", `${base}{id}/permissions/`, write, Permissions.replace(holder)),
  route("GET", `${base}{id}/permissions/{permission:permission}/`, read, Permissions.get(holder))
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
    ...versionedRoutes(`/${collection}/`, Layers.resource(collection), read, write),
    ...permissionRoutes(`/${collection}/`, Permissions.layers(collection), read, write)
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
    ...metadataRoutes(
      "/sets/{id}/",
      Metadata.versioned(Sets.resource, Versions.atLatest),
      Metadata.versioned(Sets.resource, Versions.atCurrent),
      read,
      write
    ),
    ...versionedRoutes("/sets/", Sets.resource, read, write),
    ...permissionRoutes("/sets/", Permissions.sets, read, write)
  ]
}

const sourceRoutes = (): ReadonlyArray<Route> => {
  const read = scope("sources:read")
  const write = scope("sources:write")
  const datasource = "/sources/{id}/datasources/{datasource}/"
  return [
    list("/sources/", read, Sources.list),
    route("POST", "/sources/", write, Sources.create),
    list("/sources/scans/", read, Scans.listAll),
    route("GET", "/sources/{id}/", read, Sources.get),
    route("PUT", "/sources/{id}/", write, Sources.update),
    route("DELETE", "/sources/{id}/", write, Sources.remove),
    ...metadataRoutes("/sources/{id}/", Sources.sourceMetadata, Sources.sourceMetadata, read, write),
    list("/sources/{id}/scans/", read, Scans.list),
    route("POST", "/sources/{id}/scans/", write, Scans.start),
    route("GET", "/sources/{id}/scans/{scan}/", read, Scans.get),
    route("DELETE", "/sources/{id}/scans/{scan}/", write, Scans.cancel),
    route("GET", "/sources/{id}/scans/{scan}/log/", read, Scans.log),
    list("/sources/{id}/datasources/", read, Sources.listDatasources),
    route("GET", datasource, read, Sources.getDatasource),
    ...metadataRoutes(datasource, Sources.datasourceMetadata, Sources.datasourceMetadata, read, write),
    ...permissionRoutes("/sources/", Permissions.sources, read, write)
  ]
}

/** Exports and crop layers: everything needs only `layers:read` (creating and cancelling too). */
const exportRoutes = (): ReadonlyArray<Route> => {
  const read = scope("layers:read")
  return [
    list("/exports/", read, Exports.list),
    route("POST", "/exports/", read, Exports.create),
    route("OPTIONS", "/exports/", read, Exports.describe),
    route("POST", "/exports/validate/", read, Exports.validateExport),
    route("GET", "/exports/{id}/", read, Exports.get),
    route("DELETE", "/exports/{id}/", read, Exports.remove),
    route("GET", "/exports/{id}/download/", read, Exports.download),
    list("/exports/croplayers/", read, Exports.listCropLayers),
    route("GET", "/exports/croplayers/{id}/", read, Exports.getCropLayer),
    list("/exports/croplayers/{id}/cropfeatures/", read, Exports.listCropFeatures),
    route("GET", "/exports/croplayers/{id}/cropfeatures/{feature}/", read, Exports.getCropFeature)
  ]
}

const userRoutes = (): ReadonlyArray<Route> => {
  const read = scope("users:read")
  return [
    route("GET", "/users/me/", read, Users.me),
    list("/users/", read, Users.listUsers),
    route("GET", "/users/{id}/", read, Users.getUser),
    list("/groups/", read, Users.listGroups),
    route("GET", "/groups/{id}/", read, Users.getGroup)
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
  route("DELETE", "/tokens/{id}/", scope("tokens:write"), Tokens.remove),
  ...sourceRoutes(),
  ...exportRoutes(),
  ...userRoutes()
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
