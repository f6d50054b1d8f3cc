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
  CatalogEntryDetail,
  CatalogLayer,
  CatalogLayerDetail,
  CatalogOther,
  CatalogSet,
  CatalogTable,
  CatalogTableDetail,
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
  DownloadError,
  ImportFailed,
  PublishFailed,
  ScanFailed,
  ServerError,
  ServiceUnavailable,
  TimeoutError,
  TransportError
} from "./Errors.ts"
export type { ApiError, KoordinatesError, RequestError } from "./Errors.ts"
export {
  defaultApiVersion,
  Koordinates,
  layer as koordinatesLayer,
  layerConfig as koordinatesLayerConfig,
  make as makeKoordinates,
  withRequestOptions
} from "./Koordinates.ts"
export type { KoordinatesOptions, KoordinatesService, RequestOptions, RetryableError, RetryOptions } from "./Koordinates.ts"
export {
  Category,
  create as createLayer,
  createDraft as createLayerDraft,
  deleteLayer,
  deleteVersion as deleteLayerVersion,
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
  LayerChanges,
  listVersions as listLayerVersions,
  NewLayer,
  publishVersion as publishLayerVersion,
  setMetadata as setLayerMetadata,
  startImport as startLayerImport,
  startUpdate as startLayerUpdate,
  update as updateLayer,
  waitForImport as waitForLayerImport
} from "./Layers.ts"
export type { GetOptions, LayerFilter, LayerSort, WaitOptions } from "./Layers.ts"
export {
  get as getLicense,
  getCreativeCommons as getCreativeCommonsLicense,
  License,
  list as listLicenses
} from "./Licenses.ts"
export {
  formats as metadataFormats,
  getXml as getMetadataXml,
  getXmlStream as getMetadataXmlStream,
  Metadata,
  setXml as setMetadataXml
} from "./Metadata.ts"
export type { MetadataFormat } from "./Metadata.ts"
export {
  cancel as cancelPublish,
  create as createPublish,
  get as getPublish,
  getItems as getPublishItems,
  list as listPublishes,
  Publish,
  PublishState,
  waitForPublish
} from "./Publishing.ts"
export type { NewPublish, PublishItem, VersionIds } from "./Publishing.ts"
export {
  create as createSet,
  createDraft as createSetDraft,
  delete as deleteSet,
  deleteVersion as deleteSetVersion,
  get as getSet,
  getDraft as getSetDraft,
  getItems as getSetItems,
  getPublished as getSetPublished,
  getVersion as getSetVersion,
  isDraftVersion as isDraftSetVersion,
  isPublishedVersion as isPublishedSetVersion,
  list as listSets,
  listDrafts as listSetDrafts,
  listVersions as listSetVersions,
  NewSet,
  publishVersion as publishSetVersion,
  Set as KoordinatesSet,
  SetChanges,
  setMetadata as setSetMetadata,
  SetVersion,
  update as updateSet
} from "./Sets.ts"
export {
  list as listTables,
  listDrafts as listTableDrafts
} from "./Tables.ts"
export {
  create as createToken,
  delete as deleteToken,
  get as getToken,
  list as listTokens,
  Token,
  TokenChanges,
  TokenScope,
  NewToken,
  update as updateToken
} from "./Tokens.ts"
export type { Credentials } from "./Tokens.ts"
export {
  collect,
  count,
  expand,
  extra,
  filter,
  first,
  limit,
  nth,
  orderBy,
  pages,
  pageSize,
  Query,
  stream,
  toUrl
} from "./Query.ts"
export type { FilterValue, Filters, Page, QueryError, SortKey } from "./Query.ts"
export { Group, User } from "./Users.ts"
export {
  cancel as cancelExport,
  create as createExport,
  CropFeature,
  CropLayer,
  download as downloadExport,
  downloadToFile as downloadExportToFile,
  Export,
  ExportValidation,
  formats as exportFormats,
  get as getExport,
  getCropFeature,
  getCropLayer,
  list as listExports,
  listCropFeatures,
  listCropLayers,
  reasons as exportValidationReasons,
  validate as validateExport,
  waitForExport
} from "./Exports.ts"
export type { DownloadOptions, DownloadProgress, NewExport } from "./Exports.ts"
export { get as getGroup, list as listGroups } from "./Groups.ts"
export {
  create as createPermission,
  get as getPermission,
  list as listPermissions,
  NewPermission,
  Permission,
  PermissionLevel,
  set as setPermissions
} from "./Permissions.ts"
export type { PermissionId, Target as PermissionTarget } from "./Permissions.ts"
export {
  cancelScan,
  create as createSource,
  createUpload,
  Datasource,
  delete as deleteSource,
  get as getSource,
  getDatasource,
  getScan,
  list as listSources,
  listDatasources,
  listScans,
  NewSource,
  Scan,
  scanLog,
  Source,
  SourceChanges,
  SourceSummary,
  SourceType,
  startScan,
  update as updateSource,
  waitForScan
} from "./Sources.ts"
export type { NewUpload, ScanFilter, ScanSort, UploadFile, UploadOptions } from "./Sources.ts"
export { get as getUser, list as listUsers, me } from "./Users.ts"
export { get as getWithJson, schema as withJsonSchema, unknownKeys, withJson } from "./Raw.ts"
export type { WithJson } from "./Raw.ts"
export { get as getByUrl, getSource as getSourceOf, parse as parseUrl } from "./Urls.ts"
export type { Models as UrlModels, Reference as UrlReference } from "./Urls.ts"
