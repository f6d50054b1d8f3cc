/**
 * Tables: non-spatial layers. The API serves them through the same endpoints as layers,
 * so these are the Layers functions under table names, plus lists of tables only.
 *
 * @example
 * ```ts
 * import * as Tables from "@koordinates-effect/client/Tables"
 * import * as Query from "@koordinates-effect/client/Query"
 *
 * const tables = yield* Query.collect(Tables.list().pipe(Query.orderBy("name")))
 * const table = yield* Tables.get(tables[0]!.id)
 * ```
 * @module
 */
import { type LayerFilter, listOf, type LayerSort, type Layer, type LayerSummary } from "./Layers.ts"
import type * as Query from "./Query.ts"

export {
  create,
  createDraft,
  deleteLayer as deleteTable,
  deleteVersion,
  get,
  getDraft,
  getPublished,
  getVersion,
  isDraftVersion,
  isPublishedVersion,
  Layer as Table,
  LayerChanges as TableChanges,
  LayerSummary as TableSummary,
  LayerVersion as TableVersion,
  listVersions,
  NewLayer as NewTable,
  publishVersion,
  setMetadata,
  startImport,
  startUpdate,
  update,
  waitForImport
} from "./Layers.ts"

/**
 * Every table of the site, published versions.
 *
 * @example
 * ```ts
 * Query.stream(Tables.list())
 * ```
 */
export const list = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> => listOf("Tables.list", "/tables/")

/**
 * Tables whose newest version is a draft, at that draft version.
 *
 * @example
 * ```ts
 * Query.collect(Tables.listDrafts())
 * ```
 */
export const listDrafts = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> =>
  listOf("Tables.listDrafts", "/tables/drafts/")
