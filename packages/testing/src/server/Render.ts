/**
 * Turns records into the JSON the API answers with: absolute URLs on the server's own
 * origin and the request's API version, field names and order as the real API writes them.
 */
import {
  firstPublishedAt,
  itemType,
  latestVersion,
  publishedVersion,
  type DocumentRecord,
  type GroupRecord,
  type ItemView,
  type LayerRecord,
  type LayerView,
  type LicenseRecord,
  type SetRecord,
  type UserRecord,
  type VersionRecord
} from "./Model.ts"

/** Where absolute URLs point: the site origin and the API root of the request's version. */
export interface Urls {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** `http://127.0.0.1:PORT/services/api/v1` */
  readonly apiRoot: string
}

/** URLs for one API version segment (`v1`, `v1.x`). */
export const makeUrls = (origin: string, apiVersion: string): Urls => ({
  origin,
  apiRoot: `${origin}/services/api/${apiVersion}`
})

const slugify = (text: string): string =>
  text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")

const html = (text: string): string =>
  text === ""
    ? ""
    : `<p>${text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")}</p>`

const siteUrl = (urls: Urls, section: string, id: number, title: string): string =>
  `${urls.origin}/${section}/${id}-${slugify(title)}/`

/** The metadata links of an object whose URL is `base`. */
const metadataUrls = (base: string) => ({
  iso: `${base}metadata/iso/`,
  dc: `${base}metadata/dc/`,
  native: `${base}metadata/`
})

/** The API URL of a layer (`/layers/{id}/`) or table (`/tables/{id}/`). */
export const layerUrl = (urls: Urls, layer: LayerRecord): string =>
  `${urls.apiRoot}/${layer.kind === "table" ? "tables" : "layers"}/${layer.id}/`

/** The API URL of one version of a layer. */
export const versionUrl = (urls: Urls, layer: LayerRecord, version: VersionRecord): string =>
  `${layerUrl(urls, layer)}versions/${version.id}/`

/** A group object. */
export const renderGroup = (urls: Urls, group: GroupRecord) => ({
  id: group.id,
  url: `${urls.apiRoot}/groups/${group.id}/`,
  name: group.name,
  country: group.country
})

/** A user object. */
export const renderUser = (urls: Urls, user: UserRecord) => ({
  id: user.id,
  url: `${urls.apiRoot}/users/${user.id}/`,
  first_name: user.first_name,
  last_name: user.last_name,
  country: user.country
})

/** A license object (`jurisdiction` and `version` only for Creative Commons licenses). */
export const renderLicense = (urls: Urls, license: LicenseRecord) => ({
  id: license.id,
  title: license.title,
  type: license.type,
  ...(license.jurisdiction === undefined ? {} : { jurisdiction: license.jurisdiction }),
  ...(license.version === undefined ? {} : { version: license.version }),
  url: `${urls.apiRoot}/licenses/${license.id}/`,
  url_html: `${urls.origin}/license/${slugify(license.title.replace(/^Creative Commons /, ""))}/`
})

/** A version object (version lists, `version` of a layer fetched through a version endpoint). */
export const renderVersion = (urls: Urls, layer: LayerRecord, version: VersionRecord) => ({
  id: version.id,
  url: versionUrl(urls, layer, version),
  status: version.status,
  created_at: version.created_at,
  created_by: version.created_by,
  reference: version.reference,
  progress: version.progress
})

/** The fields a layer list element starts with; `nameKey` is `name` in layer lists, `title` in the catalog. */
const layerHead = (urls: Urls, view: LayerView, nameKey: "name" | "title") => ({
  id: view.layer.id,
  url: layerUrl(urls, view.layer),
  type: itemType(view.layer),
  [nameKey]: view.layer.name,
  first_published_at: firstPublishedAt(view.layer),
  published_at: view.version.published_at
})

/** A layer list element (`/layers/`, `/layers/drafts/`). */
export const renderLayerSummary = (urls: Urls, view: LayerView) => layerHead(urls, view, "name")

/** The full layer object at the view's version; `withVersion` adds the `version` object. */
export const renderLayer = (urls: Urls, view: LayerView, withVersion: boolean) => {
  const { layer, version } = view
  const published = publishedVersion(layer)
  const thisVersion = versionUrl(urls, layer, version)
  return {
    ...renderLayerSummary(urls, view),
    description: layer.description,
    description_html: html(layer.description),
    group: renderGroup(urls, layer.group),
    data: layer.data,
    url_html: siteUrl(urls, itemType(layer), layer.id, layer.name),
    published_version: published === undefined ? null : versionUrl(urls, layer, published),
    latest_version: versionUrl(urls, layer, latestVersion(layer)),
    this_version: thisVersion,
    kind: layer.kind,
    categories: layer.categories,
    tags: layer.tags,
    collected_at: layer.collected_at,
    created_at: layer.created_at,
    license: renderLicense(urls, layer.license),
    metadata: layer.hasMetadata ? metadataUrls(thisVersion) : null,
    elevation_field: layer.elevation_field,
    permissions: `${layerUrl(urls, layer)}permissions/`,
    ...(withVersion ? { version: renderVersion(urls, layer, version) } : {})
  }
}

/** A set as the catalog lists it. */
export const renderSet = (urls: Urls, set: SetRecord) => {
  const url = `${urls.apiRoot}/sets/${set.id}/`
  return {
    id: set.id,
    title: set.title,
    description: set.description,
    description_html: html(set.description),
    categories: set.categories,
    tags: set.tags,
    user: renderUser(urls, set.user),
    items: set.items.map((layer) => layerUrl(urls, layer)),
    url,
    url_html: siteUrl(urls, "set", set.id, set.title),
    metadata: set.hasMetadata ? metadataUrls(url) : null,
    publish_to_catalog_services: set.publish_to_catalog_services,
    permissions: `${url}permissions/`,
    created_at: set.created_at
  }
}

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
export const renderDocument = (urls: Urls, document: DocumentRecord) => {
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
export const renderCatalogItem = (urls: Urls, view: ItemView, expand: boolean) => {
  switch (view.entity) {
    case "layer":
      return expand ? renderLayer(urls, view, false) : layerHead(urls, view, "title")
    case "set":
      return renderSet(urls, view)
    case "document":
      return renderDocument(urls, view)
  }
}
