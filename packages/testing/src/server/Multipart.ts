/**
 * A streaming `multipart/form-data` parser: parts are handed to their consumer as the bytes
 * arrive, so a body of any size passes through holding at most one network chunk and a
 * boundary's length of look-behind. Malformed bodies (no boundary, a truncated body, a part
 * without a name, oversized part headers) throw {@link MultipartError}.
 */

/** Why a multipart body could not be read. */
export class MultipartError extends Error {}

/** What the headers of a part say. */
export interface PartHead {
  /** The field name (`name` of its Content-Disposition). */
  readonly name: string
  /** The file name, if the part is a file (`filename`, with `%22`, `%0D`, `%0A` decoded). */
  readonly filename: string | null
  /** Its Content-Type, or null when it has none. */
  readonly contentType: string | null
}

/** Where the bytes of one part go. */
export interface PartSink {
  /** Takes the next bytes of the part. */
  write(chunk: Uint8Array): void
  /** The part is complete. */
  end(): void
}

const crlf = Buffer.from("\r\n")
const headerEnd = Buffer.from("\r\n\r\n")
const maxHeaderBytes = 16_384

/** The boundary a multipart Content-Type declares, if any. */
export const boundaryOf = (contentType: string): string | undefined => {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  return boundary !== undefined && boundary.length <= 70 ? boundary : undefined
}

/** The parameters of a header value: `form-data; name="a"; filename="b.csv"` → name, filename. */
const parameters = (value: string): Map<string, string> => {
  const found = new Map<string, string>()
  for (const [, key = "", quoted, bare] of value.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    found.set(key.toLowerCase(), quoted === undefined ? (bare ?? "").trim() : quoted.replace(/\\(.)/g, "$1"))
  }
  return found
}

/** Reverses the escaping HTML form submission applies to names and file names. */
const unescapeName = (text: string): string =>
  text.replaceAll("%22", "\"").replaceAll("%0D", "\r").replaceAll("%0A", "\n")

/** The head of a part from its header block. */
const partHead = (block: string): PartHead => {
  const headers = new Map<string, string>()
  for (const line of block.split("\r\n")) {
    if (line === "") continue
    const colon = line.indexOf(":")
    if (colon <= 0) throw new MultipartError(`Malformed part header "${line}"`)
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const disposition = headers.get("content-disposition") ?? ""
  if (!/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartError("A part has no form-data Content-Disposition")
  const params = parameters(disposition)
  const name = params.get("name")
  if (name === undefined) throw new MultipartError("A part has no name")
  const filename = params.get("filename")
  return {
    name: unescapeName(name),
    filename: filename === undefined ? null : unescapeName(filename),
    contentType: headers.get("content-type") ?? null
  }
}

/** Where a reader is in the body. */
type Position = "preamble" | "boundary" | "headers" | "body" | "done"

/** Splits a body into parts as its bytes are pushed in. */
class Reader {
  readonly #delimiter: Buffer
  readonly #open: (head: PartHead) => PartSink
  // The first boundary line has no CRLF before it: pretend it has, so every delimiter looks the same.
  #pending: Buffer = Buffer.from(crlf)
  #position: Position = "preamble"
  #sink: PartSink | undefined

  constructor(boundary: string, open: (head: PartHead) => PartSink) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`)
    this.#open = open
  }

  /** True once the closing boundary was read. */
  get done(): boolean {
    return this.#position === "done"
  }

  /** Takes the next bytes of the body (ignored after the closing boundary). */
  push(chunk: Uint8Array): void {
    if (this.done) return
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes])
    while (this.#step()) { /* consume what is there */ }
  }

  /** Consumes as much of the pending bytes as it can; false when more are needed. */
  #step(): boolean {
    switch (this.#position) {
      case "preamble":
      case "body":
        return this.#content()
      case "boundary":
        return this.#boundaryLine()
      case "headers":
        return this.#headers()
      case "done":
        return false
    }
  }

  /** Preamble or part content up to the next delimiter (keeping a delimiter's length back). */
  #content(): boolean {
    const at = this.#pending.indexOf(this.#delimiter)
    const usable = at === -1 ? Math.max(0, this.#pending.length - this.#delimiter.length + 1) : at
    if (this.#position === "body" && usable > 0) this.#sink?.write(this.#pending.subarray(0, usable))
    this.#pending = this.#pending.subarray(at === -1 ? usable : at + this.#delimiter.length)
    if (at === -1) return false
    this.#sink?.end()
    this.#sink = undefined
    this.#position = "boundary"
    return true
  }

  /** The rest of a boundary line: `--` (the closing one) or optional padding and CRLF. */
  #boundaryLine(): boolean {
    if (this.#pending.subarray(0, 2).toString("latin1") === "--") {
      this.#position = "done"
      return false
    }
    const end = this.#pending.indexOf(crlf)
    if (end === -1) {
      if (this.#pending.length > 80) throw new MultipartError("Malformed boundary line")
      return false
    }
    if (this.#pending.subarray(0, end).toString("latin1").trim() !== "") {
      throw new MultipartError("Malformed boundary line")
    }
    this.#pending = this.#pending.subarray(end + crlf.length)
    this.#position = "headers"
    return true
  }

  /** A part's header block, up to the blank line. */
  #headers(): boolean {
    const empty = this.#pending.subarray(0, 2).equals(crlf)
    const at = empty ? 0 : this.#pending.indexOf(headerEnd)
    if (at === -1) {
      if (this.#pending.length > maxHeaderBytes) throw new MultipartError("Part headers too large")
      return false
    }
    this.#sink = this.#open(partHead(this.#pending.subarray(0, at).toString("utf8")))
    this.#pending = this.#pending.subarray(at + (empty ? crlf.length : headerEnd.length))
    this.#position = "body"
    return true
  }
}

/**
 * Reads a multipart body with this boundary, calling `open` for each part (in order) and
 * feeding the returned sink its bytes. Resolves once the body is read (an epilogue after the
 * closing boundary is ignored); throws {@link MultipartError} on a malformed body.
 */
export const parseMultipart = async (
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  open: (head: PartHead) => PartSink
): Promise<void> => {
  const reader = new Reader(boundary, open)
  for await (const chunk of body) reader.push(chunk)
  if (!reader.done) throw new MultipartError("The body ends before its closing boundary")
}
