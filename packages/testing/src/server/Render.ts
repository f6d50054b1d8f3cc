/**
 * Turns records into the JSON the API answers with: absolute URLs on the server's own
 * origin and the request's API version, field names and order as the real API writes them.
 * Layers and sets render the content of the version they are seen at.
 */
import {
  type CropFeatureRecord,
  type CropLayerRecord,
  type DatasourceRecord,
  type DocumentRecord,
  type ExportRecord,
  firstPublishedAt,
  type GroupRecord,
  type ItemView,
  itemType,
  type LayerRecord,
  type LayerView,
  latestVersion,
  type LicenseRecord,
  type MetadataDocument,
  type MultiPolygon,
  permissionId,
  type PermissionRecord,
  type PublishRecord,
  publishedVersion,
  type ScanRecord,
  type SetRecord,
  type SetView,
  type SourceRecord,
  type TokenRecord,
  type UserRecord,
  type VersionedRecord,
  type VersionRecord
} from "./Model.ts"
import { escapeXml } from "./Xml.ts"

/**
 * Where absolute URLs point: the site origin, the API root of the request's version, and
 * the storage server export downloads redirect to.
 */
export interface Urls {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** `http://127.0.0.1:PORT/services/api/v1` */
  readonly apiRoot: string
  /** `http://127.0.0.1:OTHER_PORT` */
  readonly storage: string
}

/** URLs for one API version segment (`v1`, `v1.x`). */
export const makeUrls = (origin: string, apiVersion: string, storage: string): Urls => ({
  origin,
  apiRoot: `${origin}/services/api/${apiVersion}`,
  storage
})

/** Lower-case words joined by dashes: `Bob's ArcGIS` → `bob-s-arcgis`. */
export const slugify = (text: string): string =>
  text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")

const html = (text: string): string => text === "" ? "" : `<p>${escapeXml(text)}</p>`

/** The website page of an object: `{origin}/{section}/{id}-{slug}/`. */
export const siteUrl = (urls: Urls, section: string, id: number, title: string): string =>
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

/** A group as `/groups/{id}/` shows it: the group object and its web page. */
export const renderGroupDetail = (urls: Urls, group: GroupRecord) => ({
  ...renderGroup(urls, group),
  url_html: siteUrl(urls, "group", group.id, group.name)
})

/** A user object. */
export const renderUser = (urls: Urls, user: UserRecord) => ({
  id: user.id,
  url: `${urls.apiRoot}/users/${user.id}/`,
  first_name: user.first_name,
  last_name: user.last_name,
  country: user.country
})

/** A user as `/users/me/` and `/users/{id}/` show it: with email and groups. */
export const renderUserDetail = (urls: Urls, user: UserRecord) => ({
  id: user.id,
  url: `${urls.apiRoot}/users/${user.id}/`,
  first_name: user.first_name,
  last_name: user.last_name,
  email: user.email,
  country: user.country,
  groups: user.groups.map((group) => renderGroup(urls, group))
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

/** The API URL of a source. */
export const sourceUrl = (urls: Urls, source: SourceRecord): string => `${urls.apiRoot}/sources/${source.id}/`

/** A source as `/sources/` lists it. */
export const renderSourceSummary = (urls: Urls, source: SourceRecord) => ({
  id: source.id,
  url: sourceUrl(urls, source),
  url_html: siteUrl(urls, "source", source.id, source.title),
  title: source.title,
  type: source.type
})

/** A source's options as shown: everything but a `password`. */
const shownOptions = (options: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(options).filter(([name]) => name !== "password"))

/** The full source (`group`, `user` only when set; `url_remote` only for remote types). */
export const renderSource = (urls: Urls, source: SourceRecord) => {
  const url = sourceUrl(urls, source)
  return {
    ...renderSourceSummary(urls, source),
    license: null,
    publish_to_catalog_services: false,
    permissions: `${url}permissions/`,
    description: source.description,
    description_html: html(source.description),
    categories: source.categories,
    tags: source.tags,
    ...(source.group === null ? {} : { group: renderGroup(urls, source.group) }),
    ...(source.user === null ? {} : { user: renderUser(urls, source.user) }),
    metadata: metadataUrls(url, source),
    last_scanned_at: source.last_scanned_at,
    scan_schedule: source.scan_schedule,
    options: shownOptions(source.options),
    datasources: `${url}datasources/`,
    scans: `${url}scans/`,
    ...(source.url_remote === null ? {} : { url_remote: source.url_remote })
  }
}

/** The API URL of a scan. */
export const scanUrl = (urls: Urls, scan: ScanRecord): string =>
  `${urls.apiRoot}/sources/${scan.source_id}/scans/${scan.id}/`

/** A scan; `detail` adds its progress (lists leave it out). */
export const renderScan = (urls: Urls, scan: ScanRecord, detail: boolean) => {
  const url = scanUrl(urls, scan)
  return {
    id: scan.id,
    url,
    status: scan.status,
    started_at: scan.started_at,
    completed_at: scan.completed_at,
    change_counts: {
      deleted: scan.change_counts.deleted,
      updated: scan.change_counts.updated,
      added: scan.change_counts.added
    },
    log: `${url}log/`,
    source: `${urls.apiRoot}/sources/${scan.source_id}/`,
    ...(detail ? { progress: scan.progress } : {})
  }
}

/** The API URL of a datasource. */
export const datasourceUrl = (urls: Urls, datasource: DatasourceRecord): string =>
  `${urls.apiRoot}/sources/${datasource.source_id}/datasources/${datasource.id}/`

const datasourceHead = (urls: Urls, datasource: DatasourceRecord) => ({
  id: datasource.id,
  url: datasourceUrl(urls, datasource),
  title: datasource.title,
  data_type: datasource.data_type,
  format: datasource.format,
  geometry_type: datasource.geometry_type,
  updated_at: datasource.updated_at
})

/** A datasource as lists show it. */
export const renderDatasourceSummary = (urls: Urls, datasource: DatasourceRecord) => ({
  ...datasourceHead(urls, datasource),
  upload_path: datasource.upload_path
})

/** The full datasource. */
export const renderDatasource = (urls: Urls, datasource: DatasourceRecord) => ({
  ...datasourceHead(urls, datasource),
  crs: datasource.crs,
  fields: datasource.fields.map((field) => ({ type: field.type, name: field.name })),
  num_dims: datasource.num_dims,
  num_features: datasource.num_features,
  num_bands: datasource.num_bands,
  extent: datasource.extent,
  source: `${urls.apiRoot}/sources/${datasource.source_id}/`,
  metadata: metadataUrls(datasourceUrl(urls, datasource), datasource),
  upload_path: datasource.upload_path
})

/** A permission: its id, level and holder. */
export const renderPermission = (urls: Urls, permission: PermissionRecord) => ({
  id: permissionId(permission),
  permission: permission.permission,
  ...("group" in permission
    ? { group: renderGroup(urls, permission.group) }
    : { user: renderUser(urls, permission.user) })
})

/** The API URL of an export. */
export const exportUrl = (urls: Urls, record: ExportRecord): string => `${urls.apiRoot}/exports/${record.id}/`

/** An export as `/exports/` lists it; `download_url` is null until it is complete. */
export const renderExportSummary = (urls: Urls, record: ExportRecord) => ({
  id: record.id,
  name: record.name,
  created_at: record.created_at,
  created_via: record.created_via,
  state: record.state,
  url: exportUrl(urls, record),
  download_url: record.state === "complete" ? `${exportUrl(urls, record)}download/` : null
})

/** The full export. */
export const renderExport = (urls: Urls, record: ExportRecord) => ({
  ...renderExportSummary(urls, record),
  extent: record.extent,
  delivery: { method: "download" },
  formats: record.formats,
  items: record.items.map(({ layer, color }) => ({
    item: layerUrl(urls, layer),
    ...(color === undefined ? {} : { color })
  })),
  crs: record.crs,
  options: record.options,
  size_estimate_zipped: record.size_estimate_zipped,
  progress: record.progress
})

/** The API URL of a crop layer. */
const cropLayerUrl = (urls: Urls, layer: CropLayerRecord): string =>
  `${urls.apiRoot}/exports/croplayers/${layer.id}/`

/** The API URL of a crop feature. */
const cropFeatureUrl = (urls: Urls, layer: CropLayerRecord, feature: CropFeatureRecord): string =>
  `${cropLayerUrl(urls, layer)}cropfeatures/${feature.id}/`

/** A crop layer; its extent holds every feature's polygons. */
export const renderCropLayer = (urls: Urls, layer: CropLayerRecord) => {
  const extent: MultiPolygon = {
    type: "MultiPolygon",
    coordinates: layer.features.flatMap((feature) => feature.geometry.coordinates)
  }
  return {
    id: layer.id,
    name: layer.name,
    url: cropLayerUrl(urls, layer),
    features: `${cropLayerUrl(urls, layer)}cropfeatures/`,
    extent,
    source_layer: `${urls.apiRoot}/layers/${layer.source_layer}/`
  }
}

/** A crop feature; `withGeometry` (its own endpoint) adds the geometry. */
export const renderCropFeature = (
  urls: Urls,
  layer: CropLayerRecord,
  feature: CropFeatureRecord,
  withGeometry: boolean
) => ({
  id: feature.id,
  name: feature.name,
  url: cropFeatureUrl(urls, layer, feature),
  ...(withGeometry ? { geometry: feature.geometry } : {})
})
