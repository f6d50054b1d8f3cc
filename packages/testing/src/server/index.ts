/**
 * The in-memory fake Koordinates API server: start it with {@link startServer}, shape its
 * data through `server.store`, inspect requests through `server.log`.
 */
export { ALL_SCOPES, type TokenScopes } from "./Auth.ts"
export type { InjectRule } from "./Inject.ts"
export type { LoggedRequest, RequestLog } from "./Log.ts"
export type {
  CatalogRecord,
  Category,
  DocumentRecord,
  GroupRecord,
  LayerData,
  LayerField,
  LayerKind,
  LayerRecord,
  LicenseRecord,
  SetRecord,
  UserRecord,
  VersionRecord,
  VersionStatus
} from "./Model.ts"
export { type FakeServer, type FakeServerOptions, startServer } from "./Server.ts"
export { type LayerOptions, Store } from "./Store.ts"
