/**
 * The in-memory fake Koordinates API server: start it with {@link startServer}, shape its
 * data through `server.store`, inspect requests through `server.log` (and those that reached
 * its storage server through `server.storageLog`).
 */
export type { LayerOptions, SetOptions } from "./CatalogStore.ts"
export { type ClockMode, type DurationInput, FakeClock } from "./Clock.ts"
export { type QueryLimits, SERVICE_NAMES, type ServiceName } from "./DataServices.ts"
export type { NewExport } from "./ExportStore.ts"
export type { FakeFeature, FeatureSettings, FeatureValue, GeometryKind } from "./Features.ts"
export type { Geometry, Position } from "./Geometry.ts"
export type { Fault, InjectRule } from "./Inject.ts"
export type { ClosedRequest, LoggedRequest, RequestLog } from "./Log.ts"
export {
  ALL_SCOPES,
  type Area,
  type CatalogRecord,
  type Category,
  type CropFeatureRecord,
  type CropLayerRecord,
  type DatasetPlan,
  type DatasourceRecord,
  type DocumentRecord,
  ERROR_STRATEGIES,
  EXPORT_STATES,
  type ExportItem,
  type ExportRecord,
  type ExportState,
  type GroupRecord,
  type LayerContent,
  type LayerData,
  type LayerField,
  type LayerKind,
  type LayerRecord,
  type LicenseRecord,
  type MetadataDocument,
  type MultiPolygon,
  PERMISSION_LEVELS,
  permissionId,
  type PermissionKind,
  type PermissionLevel,
  type PermissionRecord,
  type PermissionTarget,
  type Polygon,
  PUBLISH_STATES,
  PUBLISH_STRATEGIES,
  type PublishItem,
  type PublishRecord,
  type PublishState,
  SCAN_STATES,
  type ScanRecord,
  type ScanStatus,
  type SetContent,
  type SetRecord,
  SOURCE_TYPES,
  type SourceRecord,
  type SourceType,
  type TokenRecord,
  type TokenScopes,
  type UploadFile,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord,
  type VersionStatus
} from "./Model.ts"
export { type FakeServer, type FakeServerOptions, startServer } from "./Server.ts"
export { type AllowedOrigins, loopbackOrigins } from "./Cors.ts"
export { exportBytes, exportSha256 } from "./Storage.ts"
export type { NewSource, SourceOptions } from "./SourceStore.ts"
export { type Credentials, Store, type StoreOptions } from "./Store.ts"
export type { NewToken } from "./TokenStore.ts"
