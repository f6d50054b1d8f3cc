/**
 * `multipart/form-data` request bodies built as byte streams: each part's content is read
 * as it is sent (from disk, bytes or a stream), never gathered whole. Reports progress as
 * bytes leave.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as HttpBody from "effect/http/HttpBody"

/** One part: its header fields and its content. */
export interface Part {
  readonly name: string
  readonly filename?: string | undefined
  readonly contentType?: string | undefined
  readonly content: Stream.Stream<Uint8Array, unknown>
  /** Content length in bytes, when known. */
  readonly size: number | undefined
}

/** Bytes sent so far, of a total that is known when every part's size is. */
export interface Progress {
  readonly sent: number
  readonly total: number | undefined
}

const encoder = new TextEncoder()

const quoted = (value: string) => value.replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c))

const chunkSize = 64 * 1024

/** Bytes as a stream of chunks of at most 64 KiB (for steady progress). */
export const bytesStream = (bytes: Uint8Array): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) =>
    bytes.subarray(i * chunkSize, (i + 1) * chunkSize)))

/** A multipart body of `parts`, calling `onProgress` as its bytes are sent. */
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
