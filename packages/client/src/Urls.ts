/**
 * From a URL to the object it names. Replies link to other objects by their API URLs — a
 * publish's items, a set's items, a scan's or datasource's `source`, catalog entries — and
 * {@link parse} turns such a URL into a typed reference (`{ _tag: "LayerVersion", layerId,
 * versionId }`), which {@link get} fetches with the right schema.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Publishing from "@koordinates-effect/client/Publishing"
 * import * as Urls from "@koordinates-effect/client/Urls"
 *
 * const program = Effect.gen(function*() {
 *   const publish = yield* Publishing.get(2054)
 *   const first = yield* Urls.parse(publish.items[0]!) // { _tag: "LayerVersion", layerId: 1474, versionId: 4067 }
 *   return yield* Urls.get(first) // the Layer at that version
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { type CallError, ClientValidationError } from "./Errors.ts"
import * as Exports from "./Exports.ts"
import * as Groups from "./Groups.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Layers from "./Layers.ts"
import * as Licenses from "./Licenses.ts"
import * as Publishing from "./Publishing.ts"
import * as Sets from "./Sets.ts"
import * as Sources from "./Sources.ts"
import * as Tokens from "./Tokens.ts"
import * as Users from "./Users.ts"

/**
 * What an API URL names: the kind of object (`_tag`) and its ids.
 *
 * @example
 * ```ts
 * const ref: Urls.Reference = { _tag: "Scan", sourceId: 44, scanId: 41 }
 * ```
 * @since 0.2.0
 * @category models
 */
export type Reference =
  | { readonly _tag: "Layer"; readonly layerId: number }
  | { readonly _tag: "LayerVersion"; readonly layerId: number; readonly versionId: number }
  | { readonly _tag: "Table"; readonly tableId: number }
  | { readonly _tag: "TableVersion"; readonly tableId: number; readonly versionId: number }
  | { readonly _tag: "Set"; readonly setId: number }
  | { readonly _tag: "SetVersion"; readonly setId: number; readonly versionId: number }
  | { readonly _tag: "Publish"; readonly publishId: number }
  | { readonly _tag: "License"; readonly licenseId: number }
  | { readonly _tag: "Source"; readonly sourceId: number }
  | { readonly _tag: "Scan"; readonly sourceId: number; readonly scanId: number }
  | { readonly _tag: "Datasource"; readonly sourceId: number; readonly datasourceId: number }
  | { readonly _tag: "Export"; readonly exportId: number }
  | { readonly _tag: "CropLayer"; readonly cropLayerId: number }
  | { readonly _tag: "CropFeature"; readonly cropLayerId: number; readonly cropFeatureId: number }
  | { readonly _tag: "Token"; readonly tokenId: number }
  | { readonly _tag: "User"; readonly userId: number }
  | { readonly _tag: "Group"; readonly groupId: number }

/**
 * The model each kind of reference is read as.
 *
 * @example
 * ```ts
 * type Scan = Urls.Models["Scan"] // Sources.Scan
 * ```
 * @since 0.2.0
 * @category models
 */
export interface Models {
  readonly Layer: Layers.Layer
  readonly LayerVersion: Layers.Layer
  readonly Table: Layers.Layer
  readonly TableVersion: Layers.Layer
  readonly Set: Sets.Set
  readonly SetVersion: Sets.Set
  readonly Publish: Publishing.Publish
  readonly License: Licenses.License
  readonly Source: Sources.Source
  readonly Scan: Sources.Scan
  readonly Datasource: Sources.Datasource
  readonly Export: Exports.Export
  readonly CropLayer: Exports.CropLayer
  readonly CropFeature: Exports.CropFeature
  readonly Token: Tokens.Token
  readonly User: Users.User
  readonly Group: Users.Group
}

type Tag = Reference["_tag"]

/** The path under the API root of each kind, placeholders named as the reference's fields. */
const templates: { readonly [T in Tag]: string } = {
  Layer: "layers/{layerId}",
  LayerVersion: "layers/{layerId}/versions/{versionId}",
  Table: "tables/{tableId}",
  TableVersion: "tables/{tableId}/versions/{versionId}",
  Set: "sets/{setId}",
  SetVersion: "sets/{setId}/versions/{versionId}",
  Publish: "publish/{publishId}",
  License: "licenses/{licenseId}",
  Source: "sources/{sourceId}",
  Scan: "sources/{sourceId}/scans/{scanId}",
  Datasource: "sources/{sourceId}/datasources/{datasourceId}",
  Export: "exports/{exportId}",
  CropLayer: "exports/croplayers/{cropLayerId}",
  CropFeature: "exports/croplayers/{cropLayerId}/cropfeatures/{cropFeatureId}",
  Token: "tokens/{tokenId}",
  User: "users/{userId}",
  Group: "groups/{groupId}"
}

type Reader<T extends Tag> = (reference: Extract<Reference, { readonly _tag: T }>) => Effect.Effect<
  Models[T],
  CallError,
  Koordinates
>

/** How each kind is read: its module's getter. */
const readers: { readonly [T in Tag]: Reader<T> } = {
  Layer: (r) => Layers.get(r.layerId),
  LayerVersion: (r) => Layers.getVersion(r.layerId, r.versionId),
  Table: (r) => Layers.get(r.tableId),
  TableVersion: (r) => Layers.getVersion(r.tableId, r.versionId),
  Set: (r) => Sets.get(r.setId),
  SetVersion: (r) => Sets.getVersion(r.setId, r.versionId),
  Publish: (r) => Publishing.get(r.publishId),
  License: (r) => Licenses.get(r.licenseId),
  Source: (r) => Sources.get(r.sourceId),
  Scan: (r) => Sources.getScan(r.sourceId, r.scanId),
  Datasource: (r) => Sources.getDatasource(r.sourceId, r.datasourceId),
  Export: (r) => Exports.get(r.exportId),
  CropLayer: (r) => Exports.getCropLayer(r.cropLayerId),
  CropFeature: (r) => Exports.getCropFeature(r.cropLayerId, r.cropFeatureId),
  Token: (r) => Tokens.get(r.tokenId),
  User: (r) => Users.get(r.userId),
  Group: (r) => Groups.get(r.groupId)
}

const invalid = (message: string) => new ClientValidationError({ field: "url", message })

/**
 * What an API URL names (`https://{host}/services/api/{version}/…/`, any host and API
 * version, query string ignored); `ClientValidationError` for a URL of anything else.
 *
 * @example
 * ```ts
 * const ref = yield* Urls.parse("https://labs.koordinates.com/services/api/v1.x/sources/44/scans/41/")
 * // { _tag: "Scan", sourceId: 44, scanId: 41 }
 * ```
 * @since 0.2.0
 * @category utils
 */
export const parse = (url: string): Effect.Effect<Reference, ClientValidationError> => {
  const path = typeof url === "string" && URL.canParse(url)
    ? /^\/services\/api\/[^/]+\/(.+?)\/?$/.exec(new URL(url).pathname)?.[1]
    : undefined
  if (path === undefined) return Effect.fail(invalid(`Invalid url ${JSON.stringify(url)}: not a Koordinates API URL`))
  for (const [tag, template] of Object.entries(templates)) {
    const match = new RegExp(`^${template.replace(/\{(\w+)\}/g, "(?<$1>\\d+)")}$`).exec(path)
    if (match !== null) {
      const ids = Object.entries(match.groups ?? {}).map(([name, value]) => [name, Number(value)])
      return Effect.succeed({ _tag: tag, ...Object.fromEntries(ids) } as Reference)
    }
  }
  return Effect.fail(invalid(`Invalid url ${url}: names nothing this client reads`))
}

/**
 * Fetches what a reference or an API URL names, decoded with its model. It is read from the
 * configured site, whatever host the URL gives. With `expected`, a URL naming another kind is
 * a `ClientValidationError`, before any request.
 *
 * @example
 * ```ts
 * const layer = yield* Urls.get({ _tag: "LayerVersion", layerId: 1474, versionId: 4067 })
 * declare const scan: Sources.Scan
 * const source = yield* Urls.get(scan.source!, "Source")
 * ```
 * @since 0.2.0
 * @category getters
 */
export const get: {
  <R extends Reference>(reference: R): Effect.Effect<Models[R["_tag"]], CallError, Koordinates>
  <T extends Tag>(url: string, expected: T): Effect.Effect<Models[T], CallError, Koordinates>
  (url: string): Effect.Effect<Models[Tag], CallError, Koordinates>
} = (target: Reference | string, expected?: Tag): Effect.Effect<Models[Tag], CallError, Koordinates> =>
  Effect.flatMap(typeof target === "string" ? parse(target) : Effect.succeed(target), (reference) =>
    expected !== undefined && reference._tag !== expected
      ? Effect.fail(invalid(`Invalid url ${String(target)}: names a ${reference._tag}, not a ${expected}`))
      : (readers[reference._tag] as Reader<Tag>)(reference))

/**
 * The source a scan or a datasource belongs to (its `source` URL), fetched.
 *
 * @example
 * ```ts
 * const source = yield* Urls.getSource(yield* Sources.getScan(44, 41))
 * ```
 * @since 0.2.0
 * @category getters
 */
export const getSource = (item: Sources.Scan | Sources.Datasource): Effect.Effect<Sources.Source, CallError, Koordinates> =>
  get(item.source ?? "", "Source")
