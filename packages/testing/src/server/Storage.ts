/**
 * The storage server export downloads redirect to: a second loopback origin, standing in
 * for the cloud storage the real API signs links to. It serves the signed URL of a complete
 * export, `/exports/{id}/{name}.zip?signature=…`, and nothing else. A request carrying an
 * `Authorization` header is refused (400: the signature is the only credential it takes), a
 * missing or wrong signature is 403, an export that is gone or not complete 404; otherwise
 * the export's bytes stream out, generated from its id in 64 KiB chunks, never held whole.
 * `Range: bytes=N-` is honoured (206 with `Content-Range`) unless the store's
 * `downloadRanges` is off; other range forms are ignored.
 * Every request is logged, with how its exchange ended (a download the client cancelled
 * shows as aborted).
 */
import { createHash } from "node:crypto"
import { createServer } from "node:http"
import { corsHeaders, isPreflight, preflightReply, setHeaders } from "./Cors.ts"
import { headerRecord, HttpError, listen, notFound, type Reply, shutDown, writeReply } from "./Http.ts"
import { RequestLog } from "./Log.ts"
import type { ExportRecord } from "./Model.ts"
import type { Store } from "./Store.ts"

const chunkSize = 65_536

/**
 * The bytes of an export's download: `size` bytes of an xorshift32 sequence seeded from
 * the export id (little-endian words), in chunks of 64 KiB, each made as it is needed.
 */
export function* exportBytes(exportId: number, size: number): Generator<Uint8Array> {
  let state = Math.imul(exportId, 0x9e3779b1) >>> 0 || 1
  for (let offset = 0; offset < size; offset += chunkSize) {
    const length = Math.min(chunkSize, size - offset)
    const chunk = new Uint8Array(Math.ceil(length / 4) * 4)
    const words = new DataView(chunk.buffer)
    for (let index = 0; index < chunk.length; index += 4) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      words.setUint32(index, state, true)
    }
    yield chunk.subarray(0, length)
  }
}

/** The SHA-256 (hex) of an export's download of `size` bytes. */
export const exportSha256 = (exportId: number, size: number): string => {
  const hash = createHash("sha256")
  for (const chunk of exportBytes(exportId, size)) hash.update(chunk)
  return hash.digest("hex")
}

/** The first `limit` bytes of `chunks`, then a failure (which cuts the connection). */
function* cutAfter(chunks: Iterable<Uint8Array>, limit: number): Generator<Uint8Array> {
  let sent = 0
  for (const chunk of chunks) {
    const room = limit - sent
    if (chunk.length >= room) {
      if (room > 0) yield chunk.subarray(0, room)
      break
    }
    sent += chunk.length
    yield chunk
  }
  throw new Error("Download cut by truncateNextDownload")
}

/** `chunks` without their first `offset` bytes. */
function* skip(chunks: Iterable<Uint8Array>, offset: number): Generator<Uint8Array> {
  let left = offset
  for (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length
      continue
    }
    yield chunk.subarray(left)
    left = 0
  }
}

/** The start of an open-ended `Range: bytes=N-`, when that is what `value` asks for. */
const rangeStart = (value: string | undefined): number | undefined => {
  const match = /^bytes=(\d+)-$/.exec(value?.trim() ?? "")
  return match === null ? undefined : Number(match[1])
}

/** The path of an export's file on the storage server. */
const downloadPath = (record: ExportRecord): string => `/exports/${record.id}/${record.name}.zip`

/** The signed URL of an export's download on the storage server at `origin`. */
export const signedDownloadUrl = (store: Store, origin: string, record: ExportRecord): string => {
  const path = downloadPath(record)
  return `${origin}${path}?signature=${store.signDownload(path)}`
}

/** The reply to one storage request. */
const answer = (store: Store, method: string, url: URL, headers: Readonly<Record<string, string>>): Reply => {
  if (headers["authorization"] !== undefined) throw new HttpError(400, "Only one auth mechanism allowed")
  if (method !== "GET" && method !== "HEAD") {
    throw new HttpError(405, `Method "${method}" not allowed.`, { Allow: "GET, HEAD" })
  }
  if (url.searchParams.get("signature") !== store.signDownload(url.pathname)) {
    throw new HttpError(403, "Signature does not match.")
  }
  const record = store.getExport(Number(/^\/exports\/(\d+)\//.exec(url.pathname)?.[1]))
  if (record === undefined || record.state !== "complete" || downloadPath(record) !== url.pathname) throw notFound()
  const start = store.downloadRanges ? rangeStart(headers["range"]) : undefined
  if (start !== undefined && start >= record.size) {
    throw new HttpError(416, "Requested range not satisfiable", { "Content-Range": `bytes */${record.size}` })
  }
  const offset = start ?? 0
  const bytes = skip(exportBytes(record.id, record.size), offset)
  const cut = method === "GET" ? store.takeTruncation() : undefined
  return {
    status: start === undefined ? 200 : 206,
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(record.size - offset),
      "Content-Disposition": `attachment; filename="${record.name}.zip"`,
      ...(store.downloadRanges ? { "Accept-Ranges": "bytes" } : {}),
      ...(start === undefined ? {} : { "Content-Range": `bytes ${start}-${record.size - 1}/${record.size}` })
    },
    stream: cut === undefined ? bytes : cutAfter(bytes, cut)
  }
}

/** A running storage server. */
export interface Storage {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** Every request it received, and how each exchange ended. */
  readonly log: RequestLog
  /** Stops listening and closes every open connection. */
  close(): Promise<void>
}

/**
 * Starts a storage server for the exports of `store` on 127.0.0.1 (a free port). It does
 * CORS for the page origins `allowed` lets in, and for `null`: the origin a browser sends
 * once a request is redirected here from another origin (the API's download URL).
 */
export const startStorage = async (store: Store, allowed: (origin: string) => boolean = () => false): Promise<Storage> => {
  const log = new RequestLog()
  let origin = ""
  const allowedHere = (page: string) => page === "null" || allowed(page)
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", origin)
    const method = (request.method ?? "GET").toUpperCase()
    const headers = headerRecord(request)
    log.record({ method, path: url.pathname, query: [...url.searchParams], headers, body: "", at: Date.now() }, response)
    setHeaders(response, corsHeaders(allowedHere, headers))
    if (isPreflight(method, headers)) {
      return void writeReply(response, method, preflightReply(allowedHere, headers, "GET, HEAD")).catch(() => response.destroy())
    }
    store.settle()
    let reply: Reply
    try {
      reply = answer(store, method, url, headers)
    } catch (error) {
      reply = error instanceof HttpError ? error.toReply() : { status: 500, body: { detail: String(error) } }
    }
    writeReply(response, method, reply).catch(() => response.destroy())
  })
  origin = await listen(server, 0)
  return { origin, log, close: () => shutDown(server) }
}
