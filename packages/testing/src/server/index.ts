/**
 * The in-memory fake Koordinates API server: start it with {@link startServer}, shape its
 * data through `server.store`, inspect requests through `server.log`.
 */
export { ALL_SCOPES, type TokenScopes } from "./Auth.ts"
export type { InjectRule } from "./Inject.ts"
export type { LoggedRequest, RequestLog } from "./Log.ts"
export {
  type CatalogRecord,
  type Category,
  type DocumentRecord,
  ERROR_STRATEGIES,
  type GroupRecord,
  type LayerContent,
  type LayerData,
  type LayerField,
  type LayerKind,
  type LayerRecord,
  type LicenseRecord,
  type MetadataDocument,
  PUBLISH_STATES,
  PUBLISH_STRATEGIES,
  type PublishItem,
  type PublishRecord,
  type PublishState,
  type SetContent,
  type SetRecord,
  type TokenRecord,
  type UserRecord,
  type Versioned,
  type VersionedRecord,
  type VersionRecord,
  type VersionStatus
} from "./Model.ts"
export { type FakeServer, type FakeServerOptions, startServer } from "./Server.ts"
export { type Credentials, type LayerOptions, type NewToken, type SetOptions, Store, type StoreOptions } from "./Store.ts"
