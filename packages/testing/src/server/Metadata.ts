/**
 * Metadata endpoints of layer, table and set versions. `POST …/metadata/` (body `text/xml` or
 * `application/xml`) stores the document as the version's native metadata, byte for byte;
 * `GET …/metadata/` answers it exactly, and `…/metadata/iso/` and `…/metadata/dc/` answer
 * ISO 19139 and Dublin Core documents derived from the item's content. Without a document
 * every format is 404.
 */
import { HttpError, notFound, type PathParams, type Reply, type RequestContext } from "./Http.ts"
import type { Versioned, VersionedRecord, VersionRecord } from "./Model.ts"
import { itemHtmlUrl, versionUrl } from "./Render.ts"
import { ensureDraft, locate, type Resource, type SharedContent, type VersionLookup } from "./Versions.ts"
import { dublinCoreDocument, isoDocument, looksLikeXml, type MetadataFacts } from "./Xml.ts"

/** A metadata format an item offers: the document as uploaded, or a rendering of it. */
export type MetadataFormat = "native" | "iso" | "dc"

const xmlTypes = ["text/xml", "application/xml"]

/** The URL of the native metadata of an item version. */
const metadataUrl = (context: RequestContext, record: VersionedRecord, version: VersionRecord<unknown>): string =>
  `${versionUrl(context.urls, record, version)}metadata/`

/**
 * POST `…/metadata/` of the version `lookup` picks: 200 `{url, url_html}` with Location;
 * 405 on a published version, 400 unless the body is XML sent as XML.
 */
export const post = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>,
  lookup: VersionLookup
) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, lookup)
  ensureDraft(version, "edited")
  const type = (context.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? ""
  if (!xmlTypes.includes(type)) {
    throw new HttpError(400, `Unsupported content type "${type}": send metadata as text/xml or application/xml`)
  }
  if (!looksLikeXml(context.bytes)) throw new HttpError(400, "The body is not an XML document")
  version.content = { ...version.content, metadata: context.bytes }
  const url = metadataUrl(context, record, version)
  const url_html = `${itemHtmlUrl(context.urls, record, resource.title(version.content))}metadata/`
  return { status: 200, headers: { Location: url }, body: { url, url_html } }
}

/** What the derived documents say about an item at a version. */
const facts = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  context: RequestContext,
  resource: Resource<C, R>,
  record: R,
  version: VersionRecord<C>
): MetadataFacts => ({
  identifier: versionUrl(context.urls, record, version),
  title: resource.title(version.content),
  abstract: version.content.description,
  keywords: version.content.tags,
  created: version.created_at,
  published: version.published_at
})

/** GET `…/metadata/` (native), `…/metadata/iso/` or `…/metadata/dc/` of the version `lookup` picks. */
export const get = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>,
  lookup: VersionLookup,
  format: MetadataFormat
) =>
(context: RequestContext, params: PathParams): Reply => {
  const { record, version } = locate(context, resource, params, lookup)
  const native = version.content.metadata
  if (native === null) throw notFound()
  const body = format === "native"
    ? native
    : (format === "iso" ? isoDocument : dublinCoreDocument)(facts(context, resource, record, version))
  return { status: 200, headers: { "Content-Type": "text/xml; charset=utf-8" }, body }
}
