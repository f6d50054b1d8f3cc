/**
 * Data source endpoints (`/sources/…`) and their datasources. A source is created from a
 * JSON body, except an upload source: that comes as `multipart/form-data`, a JSON part
 * named `source` and file parts `file0`, `file1`…, each file's name its upload path. The
 * upload is streamed: of each file only its path, content type, size and SHA-256 are kept
 * (and the document of a small `.xml` sidecar). A new source holds nothing until a scan
 * (Scans.ts) finds its datasources; a new upload source is scanned at once (its scan is
 * `queued` when the 201 arrives), the others when a scan is asked for.
 *
 * Remote sources need `url_remote` with their type's scheme (`arcgis`, `wfs`: http or
 * https; `cifs`: smb; `postgres`: postgres); a host containing `invalid` cannot be resolved.
 */
import { createHash } from "node:crypto"
import { Fields, type JsonObject, jsonBody, parseJsonObject, present } from "./Body.ts"
import {
  callerOf,
  created,
  expandsList,
  HttpError,
  noContent,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import type * as Metadata from "./Metadata.ts"
import { type DatasourceRecord, SOURCE_TYPES, type SourceRecord, type SourceType, type UploadFile } from "./Model.ts"
import { boundaryOf, MultipartError, parseMultipart, type PartHead, type PartSink } from "./Multipart.ts"
import { listReply } from "./Pagination.ts"
import { html, metadataUrls, renderGroup, renderUser, siteUrl, type Urls } from "./Render.ts"
import { isSidecar } from "./Scanning.ts"
import type { NewSource } from "./SourceStore.ts"

/** The API URL of a source. */
const sourceUrl = (urls: Urls, source: SourceRecord): string => `${urls.apiRoot}/sources/${source.id}/`

/** A source as `/sources/` lists it. */
const renderSourceSummary = (urls: Urls, source: SourceRecord) => ({
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
const renderSource = (urls: Urls, source: SourceRecord) => {
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

/** The API URL of a datasource. */
const datasourceUrl = (urls: Urls, datasource: DatasourceRecord): string =>
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
const renderDatasourceSummary = (urls: Urls, datasource: DatasourceRecord) => ({
  ...datasourceHead(urls, datasource),
  upload_path: datasource.upload_path
})

/** The full datasource. */
const renderDatasource = (urls: Urls, datasource: DatasourceRecord) => ({
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

/** The URL schemes `url_remote` may use, by source type (types without one take no URL). */
const remoteSchemes: Partial<Record<SourceType, ReadonlyArray<string>>> = {
  arcgis: ["http:", "https:"],
  wfs: ["http:", "https:"],
  cifs: ["smb:"],
  postgres: ["postgres:", "postgresql:"]
}

const schedulePattern = /^(@(hourly|daily|weekly|monthly|yearly)|\S+( \S+){4})$/

/** `scan_schedule`: `@hourly`…`@yearly`, a five-field cron expression, or null. */
const scanSchedule = (fields: Fields): string | null | undefined => {
  if (fields.value("scan_schedule") === null) return null
  const schedule = fields.text("scan_schedule", { blank: false })
  if (schedule === undefined || schedulePattern.test(schedule.trim())) return schedule?.trim()
  return fields.fail("scan_schedule", "Enter @hourly, @daily, @weekly, @monthly, @yearly or a cron expression.")
}

/** `url_remote` for a source of `type`: required (when `creating`) for remote types, refused for others. */
const remoteUrl = (fields: Fields, type: SourceType | undefined, creating: boolean): string | undefined => {
  if (type === undefined) return undefined
  const schemes = remoteSchemes[type]
  if (schemes === undefined) {
    const value = fields.value("url_remote")
    const given = value !== undefined && value !== null
    return given ? fields.fail("url_remote", "This type of source has no remote URL.") : undefined
  }
  const text = fields.text("url_remote", { required: creating, blank: false })
  if (text === undefined) return undefined
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || !schemes.includes(url.protocol) || url.hostname === "") {
    return fields.fail("url_remote", "Enter a valid URL.")
  }
  return url.hostname.includes("invalid") ? fields.fail("url_remote", "Invalid URL: Can't resolve host.") : text
}

/** The fields of a source a body may set (`creating` requires a title, and a remote URL where the type has one). */
const editableFields = (context: RequestContext, fields: Fields, type: SourceType | undefined, creating: boolean) =>
  present({
    title: fields.text("title", { required: creating, blank: false }),
    description: fields.text("description"),
    scan_schedule: scanSchedule(fields),
    options: fields.object("options"),
    categories: fields.slugs("categories", context.store.categories),
    tags: fields.texts("tags"),
    url_remote: remoteUrl(fields, type, creating)
  })

/** `type` of a new source: upload sources only come with their files (`multipart`), the others only as JSON. */
const newSourceType = (fields: Fields, multipart: boolean): SourceType | undefined => {
  if (fields.value("type", true) === undefined) return undefined
  const type = fields.choice("type", SOURCE_TYPES, "upload")
  if (type === "upload" && !multipart) {
    return fields.fail("type", "Upload sources are created with a multipart/form-data request holding their files.")
  }
  if (type !== undefined && type !== "upload" && multipart) {
    return fields.fail("type", "Only upload sources are created with files.")
  }
  return type
}

/** A new source from its JSON (the `source` part of an upload, with its files); 400 with field errors. */
const newSource = (
  context: RequestContext,
  body: JsonObject,
  files: ReadonlyArray<UploadFile> | undefined,
  fileErrors: Readonly<Record<string, string>>
): NewSource => {
  const fields = new Fields(body)
  const type = newSourceType(fields, files !== undefined)
  const editable = editableFields(context, fields, type, true)
  const group = fields.reference("group", context.store.groups)
  const user = fields.reference("user", context.store.users)
  for (const [name, message] of Object.entries(fileErrors)) fields.fail(name, message)
  const checked = fields.checked({ type, title: editable.title })
  return {
    description: "",
    scan_schedule: null,
    options: {},
    categories: [],
    tags: [],
    url_remote: null,
    ...editable,
    ...checked,
    group: group ?? null,
    user: user ?? callerOf(context).user,
    files: files ?? []
  }
}

/** The 201 reply of a new source. */
const createdSource = (context: RequestContext, source: SourceRecord): Reply =>
  created(sourceUrl(context.urls, source), renderSource(context.urls, source))

const maxSourcePart = 65_536
const maxSidecar = 1_048_576

/** Keeps the text of a small part (the `source` JSON); more than 64 KiB is an error. */
const textSink = (done: (text: string | undefined) => void): PartSink => {
  const chunks: Array<Buffer> = []
  let size = 0
  return {
    write: (chunk) => {
      size += chunk.length
      if (size <= maxSourcePart) chunks.push(Buffer.from(chunk))
    },
    end: () => done(size <= maxSourcePart ? Buffer.concat(chunks).toString("utf8") : undefined)
  }
}

/** Keeps what identifies a file part (and the bytes of a sidecar of at most 1 MiB), never the file. */
const fileSink = (head: PartHead, path: string, done: (file: UploadFile) => void): PartSink => {
  const hash = createHash("sha256")
  let size = 0
  let sidecar: Array<Buffer> | null = isSidecar(path) ? [] : null
  return {
    write: (chunk) => {
      hash.update(chunk)
      size += chunk.length
      if (sidecar !== null && size > maxSidecar) sidecar = null
      sidecar?.push(Buffer.from(chunk))
    },
    end: () =>
      done({
        upload_path: path,
        content_type: head.contentType,
        size,
        sha256: hash.digest("hex"),
        document: sidecar === null ? null : Buffer.concat(sidecar)
      })
  }
}

const discard: PartSink = { write: () => undefined, end: () => undefined }

/** What an upload body holds once read. */
interface UploadParts {
  /** The text of the `source` part, if there was one (undefined text: too large). */
  source?: { readonly text: string | undefined }
  readonly files: Array<UploadFile>
  /** Problems with file parts, by part name. */
  readonly errors: Record<string, string>
}

/** Reads a multipart upload body as it streams; 400 when it is malformed. */
const readUpload = async (context: RequestContext, body: AsyncIterable<Uint8Array>): Promise<UploadParts> => {
  const boundary = boundaryOf(context.headers["content-type"] ?? "")
  if (boundary === undefined) throw new HttpError(400, "Multipart form parse error - Invalid boundary in multipart")
  const parts: UploadParts = { files: [], errors: {} }
  const paths = new Set<string>()
  const open = (head: PartHead): PartSink => {
    if (head.name === "source") {
      return textSink((text) => {
        parts.source = { text }
      })
    }
    if (!/^file\d+$/.test(head.name)) return discard
    const path = head.filename ?? ""
    const problem = path === ""
      ? "A file part needs a filename: its upload path."
      : paths.has(path)
      ? `Duplicate upload path: ${path}`
      : undefined
    if (problem !== undefined) {
      parts.errors[head.name] = problem
      return discard
    }
    paths.add(path)
    return fileSink(head, path, (file) => parts.files.push(file))
  }
  try {
    await parseMultipart(body, boundary, open)
  } catch (error) {
    if (error instanceof MultipartError) throw new HttpError(400, `Multipart form parse error - ${error.message}`)
    throw error
  }
  return parts
}

/** POST `/sources/` with a multipart body: a new upload source holding the files. */
const createUpload = async (context: RequestContext, body: AsyncIterable<Uint8Array>): Promise<Reply> => {
  const parts = await readUpload(context, body)
  if (parts.source === undefined) throw new HttpError(400, { source: ["This field is required."] })
  if (parts.source.text === undefined) throw new HttpError(400, { source: ["The source part is larger than 64 KiB."] })
  const errors = parts.files.length === 0 && Object.keys(parts.errors).length === 0
    ? { files: "Upload at least one file (parts file0, file1…)." }
    : parts.errors
  const source = context.store.createSource(newSource(context, parseJsonObject(parts.source.text), parts.files, errors))
  context.store.startScan(source)
  return createdSource(context, source)
}

/**
 * POST `/sources/`: JSON `{type, title, description?, group?, user?, url_remote?,
 * scan_schedule?, options?, categories?, tags?}`, or a multipart upload; 201 with the new
 * source's Location and the source.
 */
export const create = (context: RequestContext): Reply | Promise<Reply> =>
  context.upload === null
    ? createdSource(context, context.store.createSource(newSource(context, jsonBody(context), undefined, {})))
    : createUpload(context, context.upload)

/** The source `{id}` of the path; 404 when there is none. */
export const findSource = (context: RequestContext, params: PathParams): SourceRecord => {
  const source = context.store.getSource(pathParam(params, "id"))
  if (source === undefined) throw notFound()
  return source
}

/** GET `/sources/`: abbreviated sources by id (full ones with `Expand: list`). */
export const list = (context: RequestContext): Reply => {
  const expand = expandsList(context)
  return listReply(
    context,
    context.store.sources(),
    (source) => expand ? renderSource(context.urls, source) : renderSourceSummary(context.urls, source)
  )
}

/** GET `/sources/{id}/`. */
export const get = (context: RequestContext, params: PathParams): Reply =>
  ok(renderSource(context.urls, findSource(context, params)))

/** PUT `/sources/{id}/`: changes title, description, schedule, options, categories, tags, remote URL. */
export const update = (context: RequestContext, params: PathParams): Reply => {
  const source = findSource(context, params)
  const fields = new Fields(jsonBody(context))
  const type = fields.value("type")
  if (type !== undefined && type !== source.type) fields.fail("type", "The type of a source cannot change.")
  const changes = editableFields(context, fields, source.type, false)
  fields.done()
  Object.assign(source, changes)
  return ok(renderSource(context.urls, source))
}

/** DELETE `/sources/{id}/`: the source with its scans and datasources. */
export const remove = (context: RequestContext, params: PathParams): Reply => {
  context.store.removeSource(findSource(context, params))
  return noContent()
}

/** Sources as holders of metadata. */
export const sourceMetadata: Metadata.Target<SourceRecord> = {
  find: (context, params) => findSource(context, params),
  document: (source) => source.metadata,
  store: (source, document) => {
    source.metadata = document
  },
  urls: (context, source) => ({
    api: sourceUrl(context.urls, source),
    html: siteUrl(context.urls, "source", source.id, source.title)
  }),
  facts: (context, source) => ({
    identifier: sourceUrl(context.urls, source),
    title: source.title,
    abstract: source.description,
    keywords: source.tags,
    created: source.created_at,
    published: null
  })
}

/** The datasource `{datasource}` of the source `{id}`; 404 when either is missing. */
const findDatasource = (context: RequestContext, params: PathParams): DatasourceRecord => {
  const id = pathParam(params, "datasource")
  const datasource = findSource(context, params).datasources.find((candidate) => candidate.id === id)
  if (datasource === undefined) throw notFound()
  return datasource
}

/** GET `/sources/{id}/datasources/`: oldest first. */
export const listDatasources = (context: RequestContext, params: PathParams): Reply =>
  listReply(
    context,
    findSource(context, params).datasources,
    (datasource) => renderDatasourceSummary(context.urls, datasource)
  )

/** GET `/sources/{id}/datasources/{datasource}/`. */
export const getDatasource = (context: RequestContext, params: PathParams): Reply =>
  ok(renderDatasource(context.urls, findDatasource(context, params)))

/** Datasources as holders of metadata (an uploaded sidecar, or a posted document). */
export const datasourceMetadata: Metadata.Target<DatasourceRecord> = {
  find: (context, params) => findDatasource(context, params),
  document: (datasource) => datasource.metadata,
  store: (datasource, document) => {
    datasource.metadata = document
  },
  urls: (context, datasource) => {
    const title = context.store.getSource(datasource.source_id)?.title ?? ""
    return {
      api: datasourceUrl(context.urls, datasource),
      html: `${siteUrl(context.urls, "source", datasource.source_id, title)}datasources/${datasource.id}/`
    }
  },
  facts: (context, datasource) => ({
    identifier: datasourceUrl(context.urls, datasource),
    title: datasource.title,
    abstract: "",
    keywords: [],
    created: datasource.updated_at,
    published: null
  })
}
