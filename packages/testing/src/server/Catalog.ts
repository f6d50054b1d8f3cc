/**
 * The Data Catalog endpoints: `/data/` lists every published item at its published
 * version, `/data/latest/` every item at its newest version, drafts included. Listing an
 * importing version is a read of it (which moves its import on only with the `per-read` clock).
 */
import { CATALOG_FILTERS, LATEST_FILTERS, selectItems, type FilterSet } from "./Filters.ts"
import { expandsList, type Reply, type RequestContext } from "./Http.ts"
import { layerHead, renderLayer } from "./Layers.ts"
import { type DocumentRecord, type ItemView, latestView } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderGroup, siteUrl, type Urls } from "./Render.ts"
import { renderCatalogSet } from "./Sets.ts"

const units = ["KB", "MB", "GB"]

/** A byte count as the API formats it: `21.3 MB`. */
const formatFileSize = (bytes: number): string => {
  let value = bytes
  let unit = "bytes"
  for (const next of units) {
    if (value < 1000) break
    value /= 1000
    unit = next
  }
  return unit === "bytes" ? `${bytes} bytes` : `${value.toFixed(1)} ${unit}`
}

/** A document as the catalog lists it. */
const renderDocument = (urls: Urls, document: DocumentRecord) => {
  const url_html = siteUrl(urls, "document", document.id, document.name)
  return {
    id: document.id,
    name: document.name,
    group: renderGroup(urls, document.group),
    url: `${urls.apiRoot}/documents/${document.id}/`,
    url_html,
    url_download: `${url_html}download/`,
    first_published_at: document.first_published_at,
    published_at: document.published_at,
    extension: document.extension,
    file_size: document.file_size,
    file_size_formatted: formatFileSize(document.file_size)
  }
}

/**
 * A catalog list element. Layers and tables are abbreviated (with `title`) unless `expand`,
 * which gives the full layer object; sets and documents are always complete.
 */
const renderCatalogItem = (urls: Urls, view: ItemView, expand: boolean) => {
  switch (view.entity) {
    case "layer":
      return expand ? renderLayer(urls, view, false) : layerHead(urls, view, "title")
    case "set":
      return renderCatalogSet(urls, view)
    case "document":
      return renderDocument(urls, view)
  }
}

const catalogList = (views: (context: RequestContext) => ReadonlyArray<ItemView>, filters: FilterSet) =>
(context: RequestContext): Reply => {
  const expand = expandsList(context)
  return listReply(context, selectItems(views(context), context.query, filters), (view) => {
    if (view.entity === "layer") context.store.pollImport(view.version)
    return renderCatalogItem(context.urls, view, expand)
  })
}

/** GET `/data/`. */
export const listPublished = catalogList(({ store }) => store.publishedViews(), CATALOG_FILTERS)

/** GET `/data/latest/`. */
export const listLatest = catalogList(({ store }) => store.catalogItems().map(latestView), LATEST_FILTERS)
