/**
 * What every resource's renderer shares: absolute URLs on the server's own origin and the
 * request's API version, and the objects many replies embed (groups, users, licenses,
 * metadata links, version links). Each resource renders its own JSON beside its handlers,
 * field names and order as the real API writes them.
 */
import {
  type GroupRecord,
  itemType,
  type LayerRecord,
  latestVersion,
  type LicenseRecord,
  type MetadataDocument,
  publishedVersion,
  type SetRecord,
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

export const html = (text: string): string => text === "" ? "" : `<p>${escapeXml(text)}</p>`

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
export const metadataUrls = (base: string, content: { readonly metadata: MetadataDocument | null }) =>
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

/** `published_version`, `latest_version` and `this_version` of an item seen at `thisVersion`. */
export const versionLinks = (urls: Urls, record: VersionedRecord, thisVersion: string) => {
  const published = publishedVersion<unknown>(record)
  return {
    published_version: published === undefined ? null : versionUrl(urls, record, published),
    latest_version: versionUrl(urls, record, latestVersion<unknown>(record)),
    this_version: thisVersion
  }
}
