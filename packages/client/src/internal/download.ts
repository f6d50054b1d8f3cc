/**
 * Downloads: a file's bytes as a stream that checks every reply it reads — the first and
 * each resumption — resumes where a cut left off, and reports progress; and writing such a
 * stream to a file safely: a plain name inside the folder asked for, never replacing a file
 * unless told to, nothing left behind when it fails.
 *
 * @since 0.2.0
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as PlatformError from "effect/PlatformError"
import * as Redacted from "effect/Redacted"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import { ClientValidationError, type DownloadError, type RequestError } from "../Errors.ts"
import { Koordinates } from "../Koordinates.ts"
import * as Http from "./http.ts"
import * as Policy from "./policy.ts"

/**
 * Bytes received so far, of a total the server announced (`Content-Length`) when it did.
 *
 * @since 0.1.0
 */
export interface Progress {
  readonly received: number
  readonly total: number | undefined
}

/**
 * What a download is, for its checks and messages: the request, and how a bad reply fails it.
 *
 * @since 0.2.0
 */
export interface Download {
  readonly request: Http.ApiRequest
  /** Makes the error a bad reply ends the download with (its message already masked). */
  readonly refuse: (message: string) => DownloadError
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/** What the first reply said the file is; every resumption must say the same. */
interface Identity {
  /** The media type, lower case, without parameters. */
  readonly contentType: string | undefined
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  /** The whole file's size. */
  readonly total: number | undefined
}

const contentRange = /^bytes (\d+)-(\d+)\/(\d+|\*)$/

const size = (text: string | undefined) => {
  const n = Number(text)
  return text !== undefined && text !== "" && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

const identify = (response: HttpClientResponse.HttpClientResponse): Identity => {
  const { headers } = response
  const range = contentRange.exec(headers["content-range"] ?? "")
  return {
    contentType: headers["content-type"]?.split(";")[0]?.trim().toLowerCase() || undefined,
    etag: headers["etag"],
    lastModified: headers["last-modified"],
    total: response.status === 206 ? size(range?.[3]) : size(headers["content-length"])
  }
}

/**
 * What is wrong with a reply to a download asked from byte `from` (the first reply: 0, no
 * `first`), if anything: an HTML page, a status other than 200/206, a range that does not
 * start where asked, or — for a resumption — another content type, validator or size than
 * the first reply's (the file changed, or this is not the file).
 */
const problem = (response: HttpClientResponse.HttpClientResponse, from: number, first?: Identity): string | undefined => {
  const reply = identify(response)
  const seen = (value: string | undefined) => value ?? "none"
  if (reply.contentType === "text/html") return "The download came back as an HTML page, not the file"
  if (response.status !== 200 && response.status !== 206) return `The download came back with HTTP ${response.status}`
  if (response.status === 206 && Number(contentRange.exec(response.headers["content-range"] ?? "")?.[1]) !== from) {
    return `Asked for the bytes from ${from}, got ${response.headers["content-range"] ?? "no Content-Range"}`
  }
  if (first === undefined) return undefined
  if (reply.contentType !== first.contentType) {
    return `The resumed download is ${seen(reply.contentType)}, not ${seen(first.contentType)} as it began`
  }
  if (first.etag !== undefined && reply.etag !== first.etag) {
    return `The file changed while downloading: ETag ${first.etag}, then ${seen(reply.etag)}`
  }
  if (first.lastModified !== undefined && reply.lastModified !== first.lastModified) {
    return `The file changed while downloading: Last-Modified ${first.lastModified}, then ${seen(reply.lastModified)}`
  }
  if (first.total !== undefined && reply.total !== undefined && reply.total !== first.total) {
    return `The file changed while downloading: ${first.total} bytes, then ${reply.total}`
  }
  return undefined
}

/** The `If-Range` of a resumption: the first reply's strong ETag, else its Last-Modified. */
const ifRange = (first: Identity): Record<string, string> => {
  const validator = first.etag !== undefined && !first.etag.startsWith("W/") ? first.etag : first.lastModified
  return validator === undefined ? {} : { "if-range": validator }
}

/**
 * A download's bytes as a `Stream`, never held whole. Every reply is checked (see
 * `problem`); a body that breaks off — cut, or silent for the idle timeout — is asked for
 * again from where it stopped (`Range: bytes=N-`, `If-Range` with the first reply's
 * validator), each time a retry of the request: a 206 from byte N goes on, a 200 for the
 * same file (a server that ignores ranges) is read with the first N bytes dropped. A body
 * shorter or longer than announced fails. The whole is bounded by the budget.
 *
 * @since 0.2.0
 */
export const bytes = (download: Download): Stream.Stream<Uint8Array, RequestError | DownloadError, Koordinates> =>
  Stream.unwrap(Effect.gen(function*() {
    const k = yield* Koordinates
    const { request } = download
    const what = Http.described(k, request)
    const refuse = (message: string) => Effect.fail(download.refuse(Http.mask([Redacted.value(k.token)], message)))
    const again = yield* Policy.retries(k, what)
    const report = download.onProgress ?? (() => Effect.void)
    let first: Identity | undefined
    let received = 0
    const resume = (error: RequestError): Stream.Stream<Uint8Array, RequestError | DownloadError, Koordinates> =>
      Stream.unwrap(Effect.gen(function*() {
        yield* again(error)
        const headers = { ...request.headers, range: `bytes=${received}-`, ...ifRange(first!) }
        const next = yield* Http.send({ ...request, headers })
        const trouble = problem(next, received, first)
        return trouble === undefined ? read(next, next.status === 206 ? 0 : received) : yield* refuse(trouble)
      }))
    const read = (
      response: HttpClientResponse.HttpClientResponse,
      skip: number
    ): Stream.Stream<Uint8Array, RequestError | DownloadError, Koordinates> => {
      let left = skip
      return Http.bodyStream(response).pipe(
        Stream.map((chunk) => {
          const kept = left === 0 ? chunk : chunk.subarray(Math.min(left, chunk.length))
          left -= chunk.length - kept.length
          return kept
        }),
        Stream.filter((chunk) => chunk.length > 0),
        Stream.catch(resume)
      )
    }
    const opened = Effect.gen(function*() {
      const response = yield* Http.send(request)
      const trouble = problem(response, 0)
      if (trouble !== undefined) return yield* refuse(trouble)
      const identity = identify(response)
      first = identity
      yield* report({ received: 0, total: identity.total })
      return read(response, 0).pipe(
        Stream.mapEffect((chunk) => {
          received += chunk.length
          return identity.total !== undefined && received > identity.total
            ? refuse(`The download sent more than the ${identity.total} bytes it announced`)
            : Effect.as(report({ received, total: identity.total }), chunk)
        }),
        Stream.concat(Stream.fromEffectDrain(Effect.suspend(() =>
          identity.total !== undefined && received !== identity.total
            ? refuse(`Download broke off after ${received} of ${identity.total} bytes`)
            : Effect.void
        )))
      )
    })
    return Policy.withinBudget(k, what, Stream.unwrap(opened))
  }))

/** Longest file name made for a download in a folder, in UTF-8 bytes, before its extension. */
const maxNameBytes = 200

/** The longest start of `text` whose UTF-8 form fits in `limit` bytes, cut between characters. */
const cutToBytes = (text: string, limit: number): string => {
  let bytes = 0
  let end = 0
  for (const character of text) {
    const code = character.codePointAt(0)!
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    if (bytes > limit) break
    end += character.length
  }
  return text.slice(0, end)
}

const reservedOnWindows = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i

/**
 * The name of a download saved into a folder, from a name the server chose: path
 * separators, control and format characters and `<>:"|?*` become `_`; leading and trailing
 * dots and spaces go; a Windows device name (`con`, `nul`…) gets a leading `_`; the name is
 * cut to 200 UTF-8 bytes (at a character boundary); an empty result is `fallback`; and
 * `extension` is added unless the name already ends with it. The result is one plain file
 * name: no folder, no `..`, never hidden.
 *
 * @since 0.2.0
 */
export const fileName = (name: string, fallback: string, extension: string): string => {
  let base = name.normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"/\\|?*]/gu, "_")
  if (base.toLowerCase().endsWith(extension)) base = base.slice(0, -extension.length)
  base = base.replace(/^[.\s]+|[.\s]+$/g, "")
  base = cutToBytes(base, maxNameBytes).replace(/[.\s]+$/, "")
  if (base === "") base = fallback
  if (reservedOnWindows.test(base)) base = `_${base}`
  return `${base}${extension}`
}

/**
 * Options of {@link toFile}.
 *
 * @since 0.2.0
 */
export interface FileOptions {
  /** The file name in a folder target (see {@link fileName}); `name` is the server's. */
  readonly name: { readonly name: string; readonly fallback: string; readonly extension: string }
  readonly overwrite: boolean
  readonly refuse: (message: string) => DownloadError
}

const separator = (folder: string) => (folder.includes("\\") && !folder.includes("/") ? "\\" : "/")

/**
 * Writes a byte stream to a file and returns its path: `target` itself, or — when it is a
 * folder — a file named by {@link fileName} inside it (the folder's real path, symlinks
 * resolved, and the file checked to lie in it). Bytes go to a temporary file beside the
 * target, which then takes the target's name: by a hard link, which fails if the name
 * exists (so of several downloads to one file exactly one wins), or, with `overwrite`, by
 * a rename. An existing file is refused before any byte is fetched, unless `overwrite`.
 * Whatever fails or is interrupted leaves no temporary file.
 *
 * @since 0.2.0
 */
export const toFile = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  target: string,
  options: FileOptions
): Effect.Effect<string, E | ClientValidationError | DownloadError, R | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const failed = (what: string) => (error: PlatformError.PlatformError) => options.refuse(`${what}: ${error.message}`)
    if (target.trim() === "") {
      return yield* new ClientValidationError({ field: "target", message: "Invalid target: empty download file path" })
    }
    const info = yield* Effect.option(fs.stat(target))
    let path = target
    if (Option.isSome(info) && info.value.type === "Directory") {
      const folder = (yield* Effect.mapError(fs.realPath(target), failed(`Could not resolve ${target}`))).replace(/[/\\]+$/, "")
      const sep = separator(folder)
      const name = fileName(options.name.name, options.name.fallback, options.name.extension)
      path = `${folder}${sep}${name}`
      const inside = path.startsWith(`${folder}${sep}`) && !/[/\\]/.test(path.slice(folder.length + 1))
      if (!inside) return yield* Effect.fail(options.refuse(`Refusing to write outside ${folder}: ${path}`))
    }
    if (options.overwrite !== true && (yield* Effect.orElseSucceed(fs.exists(path), () => false))) {
      return yield* new ClientValidationError({ field: "target", message: `Invalid target: download file already exists: ${path}` })
    }
    const partial = `${path}.partial-${crypto.randomUUID().slice(0, 8)}`
    const exists = (error: PlatformError.PlatformError) => error.reason._tag === "AlreadyExists"
    const taken = () => options.refuse(`Download file already exists: ${path} (made while downloading); not replaced`)
    // Without hard links (some file systems), claim the name exclusively, then move in.
    const claim = Effect.scoped(fs.open(path, { flag: "wx" })).pipe(
      Effect.mapError((error) => exists(error) ? taken() : failed(`Could not write ${path}`)(error)),
      Effect.andThen(Effect.mapError(fs.rename(partial, path), failed(`Could not write ${path}`)))
    )
    const place = options.overwrite
      ? Effect.mapError(fs.rename(partial, path), failed(`Could not write ${path}`))
      : fs.link(partial, path).pipe(
        Effect.andThen(Effect.orElseSucceed(fs.remove(partial), () => undefined)),
        Effect.catch((error) => exists(error) ? Effect.fail(taken()) : claim)
      )
    const sink = Sink.mapError(fs.sink(partial, { flag: "wx" }), failed(`Could not write ${path}`))
    const written = Effect.andThen(Stream.run(bytes, sink), place)
    yield* Effect.onExit(written, (exit) =>
      Exit.isSuccess(exit) ? Effect.void : Effect.orElseSucceed(fs.remove(partial), () => undefined))
    return path
  })
