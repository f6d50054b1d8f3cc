/**
 * Tables: non-spatial layers. The API serves them through the same endpoints as layers,
 * so these are the Layers functions under table names, plus lists of tables only.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Tables from "@koordinates-effect/client/Tables"
 * import * as Query from "@koordinates-effect/client/Query"
 *
 * const program = Effect.gen(function*() {
 *   const tables = yield* Query.collect(Tables.list().pipe(Query.orderBy("name")))
 *   return yield* Tables.get(tables[0]!.id)
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import { type LayerFilter, listOf, type LayerSort, type Layer, type LayerSummary } from "./Layers.ts"
import type * as Query from "./Query.ts"

export {
  /**
   * @since 0.1.0
   * @category writes
   */
  create,
  /**
   * @since 0.1.0
   * @category writes
   */
  createDraft,
  /**
   * @since 0.1.0
   * @category writes
   */
  deleteLayer as deleteTable,
  /**
   * @since 0.1.0
   * @category writes
   */
  deleteVersion,
  /**
   * @since 0.1.0
   * @category getters
   */
  get,
  /**
   * @since 0.1.0
   * @category getters
   */
  getDraft,
  /**
   * @since 0.1.0
   * @category getters
   */
  getPublished,
  /**
   * @since 0.1.0
   * @category getters
   */
  getVersion,
  /**
   * @since 0.1.0
   * @category guards
   */
  isDraftVersion,
  /**
   * @since 0.1.0
   * @category guards
   */
  isPublishedVersion,
  /**
   * @since 0.1.0
   * @category models
   */
  Layer as Table,
  /**
   * @since 0.1.0
   * @category inputs
   */
  LayerChanges as TableChanges,
  /**
   * @since 0.1.0
   * @category models
   */
  LayerSummary as TableSummary,
  /**
   * @since 0.1.0
   * @category models
   */
  LayerVersion as TableVersion,
  /**
   * @since 0.1.0
   * @category lists
   */
  listVersions,
  /**
   * @since 0.1.0
   * @category inputs
   */
  NewLayer as NewTable,
  /**
   * @since 0.1.0
   * @category writes
   */
  publishVersion,
  /**
   * @since 0.1.0
   * @category writes
   */
  setMetadata,
  /**
   * @since 0.1.0
   * @category writes
   */
  startImport,
  /**
   * @since 0.1.0
   * @category writes
   */
  startUpdate,
  /**
   * @since 0.1.0
   * @category writes
   */
  update,
  /**
   * @since 0.1.0
   * @category waits
   */
  waitForImport
} from "./Layers.ts"

/**
 * Every table of the site, published versions.
 *
 * @example
 * ```ts
 * Query.stream(Tables.list())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> => listOf("Tables.list", "/tables/")

/**
 * Tables whose newest version is a draft, at that draft version.
 *
 * @example
 * ```ts
 * Query.collect(Tables.listDrafts())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const listDrafts = (): Query.Query<LayerSummary, LayerFilter, LayerSort, Layer> =>
  listOf("Tables.listDrafts", "/tables/drafts/")
