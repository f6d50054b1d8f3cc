/**
 * Turns records into the JSON the API answers with: absolute URLs on the server's own
 * origin and the request's API version, field names and order as the real API writes them.
 * Layers and sets render the content of the version they are seen at.
 */
import {
  type DocumentRecord,
  firstPublishedAt,
  type GroupRecord,
  type ItemView,
  itemType,
  type LayerRecord,
  type LayerView,
  latestVersion,
  type LicenseRecord,
  type MetadataDocument,
  type PublishRecord,
  publishedVersion,
  type SetRecord,
  type SetView,
  type TokenRecord,
  type UserRecord,
  type VersionedRecord,
  type VersionRecord
} from "./Model.ts"
import { escapeXml } from "./Xml.ts"

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

const html = (text: string): string => text === "" ? "" : `<p>${escapeXml(text)}</p>`

const siteUrl = (urls: Urls, section: string, id: number, title: string): string =>
  `${urls.origin}/${section}/${id}-${slugify(title)}/`

/** The website page of a layer, table or set with this title (titles differ between versions). */
export const itemHtmlUrl = (urls: Urls, record: VersionedRecord, title: string): string =>
  siteUrl(urls, itemType(record), record.id, title)

/**
 * The metadata links of an object whose version URL is `base` (null without a document):
 * `native` is the document as uploaded, `iso` and `dc` renderings of it.
 */
const metadataUrls = (base: string, content: { readonly metadata: MetadataDocument | null }) =>
  content.metadata === null ? null : {
    iso: `${base}metadata/iso/`,
    dc: `${base}metadata/dc/`,
    native: `${base}metadata/`
  }

/** The API URL of a layer (`/layers/{id}/`) or table (`/tables/{id}/`). */
export const layerUrl = (urls: Urls, layer: LayerRecord): string =>
  `${urls.apiRoot}/${layer.kind === "table" ? "tables" : "layers"}/${layer.id}/`

/** The API URL of a set. */
export const setUrl = (urls: Urls, set: SetRecord): string => `${urls.apiRoot}/sets/${set.id}/`

/** The API URL of a layer, table or set. */
export const itemUrl = (urls: Urls, record: VersionedRecord): string =>
  record.entity === "layer" ? layerUrl(urls, record) : setUrl(urls, record)

/** The API URL of one version of a layer, table or set. */
export const versionUrl = (urls: Urls, record: VersionedRecord, version: VersionRecord<unknown>): string =>
  `${itemUrl(urls, record)}versions/${version.id}/`

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

/** A layer version object (version lists, `version` of a layer fetched through a version endpoint). */
export const renderVersion = (urls: Urls, layer: LayerRecord, version: VersionRecord) => ({
  id: version.id,
  url: versionUrl(urls, layer, version),
  status: version.status,
  created_at: version.created_at,
  created_by: version.created_by,
  reference: version.reference,
  progress: version.progress
})

/** `published_version`, `latest_version` and `this_version` of an item seen at `thisVersion`. */
const versionLinks = (urls: Urls, record: VersionedRecord, thisVersion: string) => {
  const published = publishedVersion<unknown>(record)
  return {
    published_version: published === undefined ? null : versionUrl(urls, record, published),
    latest_version: versionUrl(urls, record, latestVersion<unknown>(record)),
    this_version: thisVersion
  }
}

/** The fields a layer list element starts with; `nameKey` is `name` in layer lists, `title` in the catalog. */
const layerHead = (urls: Urls, view: LayerView, nameKey: "name" | "title") => ({
  id: view.layer.id,
  url: layerUrl(urls, view.layer),
  type: itemType(view.layer),
  [nameKey]: view.version.content.name,
  first_published_at: firstPublishedAt(view.layer),
  published_at: view.version.published_at
})

/** A layer list element (`/layers/`, `/layers/drafts/`). */
export const renderLayerSummary = (urls: Urls, view: LayerView) => layerHead(urls, view, "name")

/** The full layer object at the view's version; `withVersion` adds the `version` object. */
export const renderLayer = (urls: Urls, view: LayerView, withVersion: boolean) => {
  const { layer, version } = view
  const { content } = version
  const thisVersion = versionUrl(urls, layer, version)
  return {
    ...renderLayerSummary(urls, view),
    description: content.description,
    description_html: html(content.description),
    group: renderGroup(urls, content.group),
    data: content.data,
    url_html: itemHtmlUrl(urls, layer, content.name),
    ...versionLinks(urls, layer, thisVersion),
    kind: layer.kind,
    categories: content.categories,
    tags: content.tags,
    collected_at: layer.collected_at,
    created_at: layer.created_at,
    license: renderLicense(urls, content.license),
    metadata: metadataUrls(thisVersion, content),
    elevation_field: content.elevation_field,
    permissions: `${layerUrl(urls, layer)}permissions/`,
    ...(withVersion ? { version: renderVersion(urls, layer, version) } : {})
  }
}

/** A set version object (version lists, `version` of a set fetched through a version endpoint). */
export const renderSetVersion = (urls: Urls, set: SetRecord, version: SetView["version"]) => ({
  id: version.id,
  url: versionUrl(urls, set, version),
  created_at: version.created_at
})

/** The fields every set shape starts with, as `/sets/` lists them. */
const setCommon = ({ set, version }: SetView) => ({
  id: set.id,
  title: version.content.title,
  description: version.content.description,
  description_html: html(version.content.description),
  categories: version.content.categories,
  tags: version.content.tags
})

/** A set as `/sets/` lists it. */
export const renderSetSummary = (urls: Urls, view: SetView) => ({
  ...setCommon(view),
  group: renderGroup(urls, view.version.content.group),
  items: view.version.content.items.map((layer) => layerUrl(urls, layer)),
  url: setUrl(urls, view.set),
  url_html: itemHtmlUrl(urls, view.set, view.version.content.title),
  metadata: metadataUrls(versionUrl(urls, view.set, view.version), view.version.content),
  created_at: view.set.created_at
})

const thumbnailUrl = (urls: Urls, { set, version }: SetView): string =>
  `${urls.origin}/services/tiles/v4/thumbnail/set=${set.id}.${version.id},style=auto/1200x630.png`

const setHead = (urls: Urls, view: SetView) => ({
  id: view.set.id,
  title: view.version.content.title,
  url: setUrl(urls, view.set),
  type: "set",
  created_at: view.set.created_at,
  thumbnail_url: thumbnailUrl(urls, view)
})

/** A set as `/sets/drafts/` lists it. */
export const renderSetDraftSummary = (urls: Urls, view: SetView) => setHead(urls, view)

/**
 * The full set at the view's version; `withVersion` adds the `version` object.
 * `activePublish` is the publish under way that holds one of its versions, if any.
 */
export const renderSet = (
  urls: Urls,
  view: SetView,
  withVersion: boolean,
  activePublish: PublishRecord | undefined
) => {
  const { set, version } = view
  const { content } = version
  const thisVersion = versionUrl(urls, set, version)
  const links = versionLinks(urls, set, thisVersion)
  return {
    ...setHead(urls, view),
    description: content.description,
    description_html: html(content.description),
    latest_version: links.latest_version,
    published_version: links.published_version,
    this_version: thisVersion,
    publisher: `${urls.apiRoot}/publishers/${new URL(urls.origin).hostname}:${content.group.id}/`,
    categories: content.categories,
    tags: content.tags,
    group: renderGroup(urls, content.group),
    url_html: itemHtmlUrl(urls, set, content.title),
    metadata: metadataUrls(thisVersion, content),
    publish_to_catalog_services: set.publish_to_catalog_services,
    active_publish: activePublish === undefined ? null : renderPublish(urls, activePublish),
    permissions: `${setUrl(urls, set)}permissions/`,
    settings: { lock_title_to_metadata: false, lock_description_to_metadata: false, lock_tags_to_metadata: false },
    items: content.items.map((layer) => layerUrl(urls, layer)),
    ...(withVersion ? { version: renderSetVersion(urls, set, version) } : {})
  }
}

/** A set as the catalog lists it. */
export const renderCatalogSet = (urls: Urls, view: SetView) => ({
  ...setCommon(view),
  user: renderUser(urls, view.set.user),
  items: view.version.content.items.map((layer) => layerUrl(urls, layer)),
  url: setUrl(urls, view.set),
  url_html: itemHtmlUrl(urls, view.set, view.version.content.title),
  metadata: metadataUrls(versionUrl(urls, view.set, view.version), view.version.content),
  publish_to_catalog_services: view.set.publish_to_catalog_services,
  permissions: `${setUrl(urls, view.set)}permissions/`,
  created_at: view.set.created_at
})

/** The API URL of a publish. */
export const publishUrl = (urls: Urls, publish: PublishRecord): string => `${urls.apiRoot}/publish/${publish.id}/`

/** A publish. */
export const renderPublish = (urls: Urls, publish: PublishRecord) => ({
  id: publish.id,
  url: publishUrl(urls, publish),
  state: publish.state,
  created_at: publish.created_at,
  created_by: renderUser(urls, publish.created_by),
  error_strategy: publish.error_strategy,
  publish_strategy: publish.publish_strategy,
  publish_at: publish.publish_at,
  items: publish.items.map((item) => versionUrl(urls, item.record, item.version))
})

/** The API URL of a token. */
export const tokenUrl = (urls: Urls, token: TokenRecord): string => `${urls.apiRoot}/tokens/${token.id}/`

const tokenHead = (urls: Urls, token: TokenRecord) => ({
  name: token.name,
  key_hint: `${token.key.slice(0, 4)}xx...`,
  url: tokenUrl(urls, token)
})

/** A token as `/tokens/` lists it. */
export const renderTokenSummary = (urls: Urls, token: TokenRecord) => ({ ...tokenHead(urls, token), id: token.id })

/** A token; `withKey` adds the secret (only the reply that creates it has it). */
export const renderToken = (urls: Urls, token: TokenRecord, withKey: boolean) => ({
  ...tokenHead(urls, token),
  created_at: token.created_at,
  expires_at: token.expires_at,
  scope: token.scopes.join(" "),
  referrers: token.referrers,
  ...(withKey ? { key: token.key } : {}),
  id: token.id
})

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
      return renderCatalogSet(urls, view)
    case "document":
      return renderDocument(urls, view)
  }
}
