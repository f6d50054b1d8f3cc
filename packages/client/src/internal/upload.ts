/**
 * Uploads: files (from disk, bytes or a stream) checked and sent as one streamed
 * `multipart/form-data` body — each part read as it goes out, never gathered whole, with
 * progress as bytes leave — and the watch that bounds such a body in time, since it can
 * be sent only once.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as HttpBody from "effect/http/HttpBody"
import { ClientValidationError, type TimeoutError } from "../Errors.ts"
import type * as Http from "./http.ts"
import * as Mime from "./mime.ts"
import * as Policy from "./policy.ts"

/**
 * A file to upload: from disk (`path`; needs a `FileSystem` service such as
 * `NodeFileSystem.layer`), from memory (`bytes`), or from a byte `Stream` (`size` lets the
 * progress report a total). `uploadPath` is its name on the server (default: the path's
 * file name; folders allowed, `folder/0001.tif`); `contentType` defaults to a guess from
 * the upload path's extension. An `.xml` file with the same base name as a data file is
 * read as its metadata.
 *
 * @example
 * ```ts
 * declare const xml: Uint8Array
 * const files: ReadonlyArray<Sources.UploadFile> = [{ path: "roads.csv" }, { bytes: xml, uploadPath: "roads.xml" }]
 * ```
 * @since 0.1.0
 */
export type UploadFile =
  | { readonly path: string; readonly uploadPath?: string; readonly contentType?: string }
  | { readonly bytes: Uint8Array; readonly uploadPath: string; readonly contentType?: string }
  | {
    readonly stream: Stream.Stream<Uint8Array, unknown>
    readonly uploadPath: string
    readonly size?: number
    readonly contentType?: string
  }

/**
 * One part: its header fields and its content.
 * @since 0.1.0
 */
export interface Part {
  readonly name: string
  readonly filename?: string | undefined
  readonly contentType?: string | undefined
  readonly content: Stream.Stream<Uint8Array, unknown>
  /** Content length in bytes, when known. */
  readonly size: number | undefined
}

/**
 * Bytes sent so far, of a total that is known when every part's size is.
 * @since 0.1.0
 */
export interface Progress {
  readonly sent: number
  readonly total: number | undefined
}

const encoder = new TextEncoder()

const quoted = (value: string) => value.replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c))

const chunkSize = 64 * 1024

/**
 * Bytes as a stream of chunks of at most 64 KiB (for steady progress).
 * @since 0.1.0
 */
export const bytesStream = (bytes: Uint8Array): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) =>
    bytes.subarray(i * chunkSize, (i + 1) * chunkSize)))

/**
 * A multipart body of `parts`, calling `onProgress` as its bytes are sent.
 * @since 0.1.0
 */
export const body = (
  parts: ReadonlyArray<Part>,
  onProgress: ((progress: Progress) => Effect.Effect<void>) | undefined
): HttpBody.Stream => {
  const boundary = `koordinates-effect-${crypto.randomUUID()}`
  const heads = parts.map((part) =>
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"` +
        (part.filename === undefined ? "" : `; filename="${quoted(part.filename)}"`) +
        (part.contentType === undefined ? "" : `\r\nContent-Type: ${part.contentType}`) +
        "\r\n\r\n"
    )
  )
  const lineBreak = encoder.encode("\r\n")
  const tail = encoder.encode(`--${boundary}--\r\n`)
  const total = parts.every((part) => part.size !== undefined)
    ? heads.reduce((n, head, i) => n + head.length + parts[i]!.size! + lineBreak.length, tail.length)
    : undefined
  const bytes = Stream.concat(
    Stream.flatMap(
      Stream.fromIterable(parts.map((part, i) => [heads[i]!, part.content] as const)),
      ([head, content]) => Stream.concat(Stream.concat(Stream.make(head), content), Stream.make(lineBreak))
    ),
    Stream.make(tail)
  )
  let sent = 0
  const reported = onProgress === undefined ? bytes : Stream.tap(bytes, (chunk) => {
    sent += chunk.length
    return onProgress({ sent, total })
  })
  return HttpBody.stream(
    Stream.concat(onProgress === undefined ? Stream.empty : Stream.fromEffectDrain(onProgress({ sent: 0, total })), reported),
    `multipart/form-data; boundary=${boundary}`,
    total
  )
}

const fileError = (index: number, key: string, message: string) =>
  new ClientValidationError({ field: `files[${index}].${key}`, message })

/** Checks one file and makes its multipart part. */
const filePart = (
  file: UploadFile,
  index: number,
  fs: Option.Option<FileSystem.FileSystem>
): Effect.Effect<Part & { readonly uploadPath: string }, ClientValidationError> =>
  Effect.gen(function*() {
    let content: Stream.Stream<Uint8Array, unknown>
    let size: number | undefined
    let uploadPath: string | undefined = file.uploadPath
    if ("path" in file) {
      if (Option.isNone(fs)) {
        return yield* fileError(index, "path", `Invalid files[${index}].path: reading files needs a FileSystem service (e.g. NodeFileSystem.layer)`)
      }
      const info = yield* Effect.option(fs.value.stat(file.path))
      if (Option.isNone(info) || info.value.type !== "File") {
        return yield* fileError(index, "path", `Invalid file: ${file.path} is not a readable file`)
      }
      size = Number(info.value.size)
      content = fs.value.stream(file.path, { chunkSize: 64 * 1024 })
      uploadPath ??= file.path.split(/[/\\]/).pop()
    } else if ("bytes" in file) {
      size = file.bytes.length
      content = bytesStream(file.bytes)
    } else {
      size = file.size
      content = file.stream
    }
    if (uploadPath === undefined || uploadPath === "" || uploadPath.startsWith("/") || uploadPath.split("/").includes("..")) {
      return yield* fileError(index, "uploadPath", `Invalid files[${index}].uploadPath "${uploadPath ?? ""}": expected a relative file name`)
    }
    return {
      name: `file${index}`,
      filename: uploadPath,
      uploadPath,
      contentType: file.contentType ?? Mime.guess(uploadPath),
      content,
      size
    }
  })

/**
 * The body of an upload and its watch, for an `ApiRequest`: a JSON part named `source`
 * holding `fields`, then one part per file. Files are checked first (missing, not a file,
 * no FileSystem, a bad or duplicate upload path: `ClientValidationError` naming it).
 * @since 0.2.0
 */
export const multipart = (
  fields: object,
  files: ReadonlyArray<UploadFile>,
  onProgress: ((progress: Progress) => Effect.Effect<void>) | undefined
): Effect.Effect<Pick<Http.ApiRequest, "body" | "watched">, ClientValidationError> =>
  Effect.gen(function*() {
    if (!Array.isArray(files) || files.length === 0) {
      return yield* new ClientValidationError({ field: "files", message: "Invalid files: give at least one file to upload" })
    }
    const fs = yield* Effect.serviceOption(FileSystem.FileSystem)
    const parts = yield* Effect.forEach(files, (file, index) => filePart(file, index, fs))
    const seen = new globalThis.Set<string>()
    for (const [index, part] of parts.entries()) {
      if (seen.has(part.uploadPath)) {
        return yield* fileError(index, "uploadPath", `Invalid files[${index}].uploadPath: duplicate upload path ${part.uploadPath}`)
      }
      seen.add(part.uploadPath)
    }
    const json = encoder.encode(JSON.stringify(fields))
    const source: Part = { name: "source", contentType: "application/json", content: bytesStream(json), size: json.length }
    const made = body([source, ...parts], onProgress)
    return { body: made, watched: watch(made) }
  })

/**
 * Runs an attempt with the upload's body watched: it fails with `TimeoutError` when no
 * chunk has gone out for the idle timeout — whether the body's own stream stalls or the
 * connection stops taking it — or when no reply has come `timeout` milliseconds after the
 * last byte went out.
 */
const watch = (upload: HttpBody.Stream): Policy.Watcher => (attempt, settings, what) =>
  Effect.suspend(() => {
    const sent = Deferred.makeUnsafe<void>()
    const { idle, timeout } = settings
    let last: number | undefined
    const moved = Effect.map(Clock.currentTimeMillis, (now) => {
      last = now
    })
    // Polls the time of the last chunk: it never succeeds, and fails once the body is quiet too long.
    const quiet = (limit: number): Effect.Effect<never, TimeoutError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const since = now - (last ??= now)
        return since >= limit
          ? Effect.fail(Policy.timedOut(what, `No bytes taken for ${limit} ms while sending`))
          : Effect.andThen(Effect.sleep(limit - since), quiet(limit))
      })
    const sending = idle === undefined ? Deferred.await(sent) : Effect.raceFirst(Deferred.await(sent), quiet(idle))
    const watching = sending.pipe(
      Effect.andThen(timeout === undefined ? Effect.never : Effect.sleep(timeout)),
      Effect.andThen(Effect.fail(Policy.timedOut(what, `No reply within ${timeout} ms of sending the body`)))
    )
    const bytes = upload.stream.pipe(Stream.tap(() => moved), Stream.onEnd(Deferred.succeed(sent, undefined)))
    return Effect.raceFirst(attempt(HttpBody.stream(bytes, upload.contentType, upload.contentLength)), watching)
  })
