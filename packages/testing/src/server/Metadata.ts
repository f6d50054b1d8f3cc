/**
 * Metadata endpoints of whatever holds a native metadata document: layer, table and set
 * versions, sources and datasources. `POST …/metadata/` (body `text/xml` or
 * `application/xml`) stores the document as the object's native metadata, byte for byte;
 * `GET …/metadata/` answers it exactly, and `…/metadata/iso/` and `…/metadata/dc/` answer
 * ISO 19139 and Dublin Core documents derived from the object. Without a document every
 * format is 404. Each document is sent as an attachment named after the object's title and
 * the format (`wellington-roads.iso.xml`; the native one `wellington-roads.xml`). Each kind
 * of holder is described once as a {@link Target}.
 */
import { HttpError, notFound, type PathParams, type Reply, type RequestContext } from "./Http.ts"
import type { MetadataDocument, Versioned, VersionedRecord } from "./Model.ts"
import { itemHtmlUrl, slugify, versionUrl } from "./Render.ts"
import {
  ensureDraft,
  type Located,
  locate,
  type Resource,
  type SharedContent,
  type VersionLookup
} from "./Versions.ts"
import { dublinCoreDocument, isoDocument, looksLikeXml, type MetadataFacts } from "./Xml.ts"

/** A metadata format an object offers: the document as uploaded, or a rendering of it. */
export type MetadataFormat = "native" | "iso" | "dc"

/** One kind of object holding metadata (`T`), as the metadata endpoints need it. */
export interface Target<T> {
  /** The object the path names; 404 when missing. `writing`: 405 when it cannot change. */
  readonly find: (context: RequestContext, params: PathParams, writing: boolean) => T
  /** Its native document, if any. */
  readonly document: (target: T) => MetadataDocument | null
  /** Stores a new native document. */
  readonly store: (target: T, document: MetadataDocument) => void
  /** The API URL of the object (its metadata lives at `metadata/` under it) and its web page. */
  readonly urls: (context: RequestContext, target: T) => { readonly api: string; readonly html: string }
  /** What the derived documents say about it. */
  readonly facts: (context: RequestContext, target: T) => MetadataFacts
}

const xmlTypes = ["text/xml", "application/xml"]

/**
 * POST `…/metadata/`: 200 `{url, url_html}` with Location; 400 unless the body is XML sent
 * as XML (and whatever `find` refuses, e.g. 405 on a published version).
 */
export const post = <T>(target: Target<T>) => (context: RequestContext, params: PathParams): Reply => {
  const found = target.find(context, params, true)
  const type = (context.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? ""
  if (!xmlTypes.includes(type)) {
    throw new HttpError(400, `Unsupported content type "${type}": send metadata as text/xml or application/xml`)
  }
  if (!looksLikeXml(context.bytes)) throw new HttpError(400, "The body is not an XML document")
  target.store(found, context.bytes)
  const { api, html } = target.urls(context, found)
  const url = `${api}metadata/`
  return { status: 200, headers: { Location: url }, body: { url, url_html: `${html}metadata/` } }
}

/** GET `…/metadata/` (native), `…/metadata/iso/` or `…/metadata/dc/`. */
export const get = <T>(target: Target<T>, format: MetadataFormat) =>
(context: RequestContext, params: PathParams): Reply => {
  const found = target.find(context, params, false)
  const native = target.document(found)
  if (native === null) throw notFound()
  const facts = target.facts(context, found)
  const body = format === "native" ? native : (format === "iso" ? isoDocument : dublinCoreDocument)(facts)
  const name = `${slugify(facts.title) || "metadata"}${format === "native" ? "" : `.${format}`}.xml`
  return {
    status: 200,
    headers: { "Content-Type": "text/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` },
    body
  }
}

/** The version of a layer, table or set that `lookup` picks, as a metadata holder (only drafts change). */
export const versioned = <C extends SharedContent, R extends VersionedRecord & Versioned<C>>(
  resource: Resource<C, R>,
  lookup: VersionLookup
): Target<Located<C, R>> => ({
  find: (context, params, writing) => {
    const located = locate(context, resource, params, lookup)
    if (writing) ensureDraft(located.version, "edited")
    return located
  },
  document: ({ version }) => version.content.metadata,
  store: ({ version }, document) => {
    version.content = { ...version.content, metadata: document }
  },
  urls: (context, { record, version }) => ({
    api: versionUrl(context.urls, record, version),
    html: itemHtmlUrl(context.urls, record, resource.title(version.content))
  }),
  facts: (context, { record, version }) => ({
    identifier: versionUrl(context.urls, record, version),
    title: resource.title(version.content),
    abstract: version.content.description,
    keywords: version.content.tags,
    created: version.created_at,
    published: version.published_at
  })
})
