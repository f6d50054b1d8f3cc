/**
 * The whole client as flat named exports. For the smallest bundles, import the modules
 * directly (`@koordinates-effect/client/Layers`); this barrel tree-shakes the same way
 * with any bundler that honours `"sideEffects": false`.
 *
 * @example
 * ```ts
 * import { getLayer, listLayers, collect } from "@koordinates-effect/client"
 * ```
 * @module
 */
export {
  CatalogDocument,
  CatalogEntry,
  CatalogLayer,
  CatalogOther,
  CatalogSet,
  CatalogTable,
  list as listCatalog,
  listLatest as listCatalogLatest
} from "./Catalog.ts"
export type { CatalogFilter, CatalogLatestFilter } from "./Catalog.ts"
export {
  AuthenticationError,
  BadRequest,
  ClientValidationError,
  Conflict,
  Forbidden,
  Gone,
  InternalServerError,
  InvalidTokenScope,
  NotAllowed,
  NotFound,
  RateLimitExceeded,
  RedirectError,
  ResponseDecodeError,
  ServerError,
  ServiceUnavailable,
  TransportError
} from "./Errors.ts"
export type { ApiError, KoordinatesError } from "./Errors.ts"
export {
  defaultApiVersion,
  Koordinates,
  layer as koordinatesLayer,
  layerConfig as koordinatesLayerConfig,
  make as makeKoordinates
} from "./Koordinates.ts"
export type { KoordinatesOptions, KoordinatesService } from "./Koordinates.ts"
export {
  Category,
  Field,
  get as getLayer,
  getDraft as getLayerDraft,
  getPublished as getLayerPublished,
  getVersion as getLayerVersion,
  isDraftVersion,
  isPublishedVersion,
  Layer,
  LayerData,
  LayerSummary,
  LayerVersion,
  list as listLayers,
  listDrafts as listLayerDrafts,
  listVersions as listLayerVersions
} from "./Layers.ts"
export type { GetOptions, LayerFilter, LayerSort } from "./Layers.ts"
export { License } from "./Licenses.ts"
export { Metadata } from "./Metadata.ts"
export {
  collect,
  count,
  expand,
  extra,
  filter,
  first,
  limit,
  orderBy,
  pages,
  pageSize,
  Query,
  stream,
  toUrl
} from "./Query.ts"
export type { FilterValue, Filters, Page, QueryError, SortKey } from "./Query.ts"
export { Group, User } from "./Users.ts"
