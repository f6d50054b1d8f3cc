/**
 * The Data Catalog endpoints: `/data/` lists every published item at its published
 * version, `/data/latest/` every item at its newest version, drafts included. Listing an
 * importing version is a read of it (which moves its import on only with the `per-read` clock).
 */
import { CATALOG_FILTERS, LATEST_FILTERS, selectItems, type FilterSet } from "./Filters.ts"
import { expandsList, type Reply, type RequestContext } from "./Http.ts"
import { latestView, publishedView, type ItemView } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderCatalogItem } from "./Render.ts"

const catalogList = (views: (context: RequestContext) => ReadonlyArray<ItemView>, filters: FilterSet) =>
(context: RequestContext): Reply => {
  const expand = expandsList(context)
  return listReply(context, selectItems(views(context), context.query, filters), (view) => {
    if (view.entity === "layer") context.store.pollImport(view.version)
    return renderCatalogItem(context.urls, view, expand)
  })
}

/** GET `/data/`. */
export const listPublished = catalogList(
  ({ store }) => store.catalogItems().flatMap((record) => publishedView(record) ?? []),
  CATALOG_FILTERS
)

/** GET `/data/latest/`. */
export const listLatest = catalogList(({ store }) => store.catalogItems().map(latestView), LATEST_FILTERS)
