/**
 * Raw HTTP against a FakeKoordinates server (no client): what the fake's own tests use to
 * check its protocol, with a server started for the tests of a `describe`.
 */
import { createHash } from "node:crypto"
import { connect } from "node:net"
import { afterAll, beforeAll, expect } from "vitest"
import { type FakeServer, type FakeServerOptions, startServer } from "../../packages/testing/src/server/index.ts"

export type Json = Record<string, unknown>

export interface CallOptions {
  readonly method?: string
  /** Token to send; null sends no Authorization header. */
  readonly token?: string | null
  readonly headers?: Record<string, string>
  /** A string, bytes or FormData are sent as they are; anything else as JSON. */
  readonly body?: unknown
}

export const root = (server: FakeServer) => `${server.origin}/services/api/v1`

/**
 * A fake started before the tests of the enclosing `describe` and closed after them. The
 * value stands for the running server: use it inside tests and hooks, not while the
 * `describe` is being defined.
 */
export const useServer = (options: FakeServerOptions = {}): FakeServer => {
  let server: FakeServer | undefined
  beforeAll(async () => {
    server = await startServer(options)
  })
  afterAll(() => server?.close())
  const running = (): FakeServer => {
    if (server === undefined) throw new Error("The fake starts before the first test")
    return server
  }
  return new Proxy({} as FakeServer, { get: (_, key) => Reflect.get(running(), key) })
}

/** A request to an API path (or an absolute URL) of `server`. */
export const call = (server: FakeServer, path: string, options: CallOptions = {}): Promise<Response> => {
  const raw = typeof options.body === "string" || options.body instanceof Uint8Array || options.body instanceof FormData
  const headers: Record<string, string> = {
    ...(options.token === null ? {} : { Authorization: `key ${options.token ?? "test-token"}` }),
    ...(options.body === undefined || raw ? {} : { "Content-Type": "application/json" }),
    ...options.headers
  }
  return fetch(path.startsWith("http") ? path : `${root(server)}${path}`, {
    method: options.method ?? "GET",
    headers,
    redirect: "manual",
    ...(options.body === undefined ? {} : { body: raw ? options.body as BodyInit : JSON.stringify(options.body) })
  })
}

/** A request whose reply is JSON (or empty: body undefined). */
export const request = async <T = Json>(server: FakeServer, path: string, options: CallOptions = {}) => {
  const response = await call(server, path, options)
  const text = await response.text()
  return { response, status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T }
}

export const post = (server: FakeServer, path: string, body: unknown = {}, options: CallOptions = {}) =>
  request(server, path, { ...options, method: "POST", body })

/** POSTs each body to `path` and checks that each is refused with 400 and its field errors. */
export const expectFieldErrors = async (
  server: FakeServer,
  path: string,
  cases: ReadonlyArray<readonly [body: unknown, errors: unknown]>
) => {
  for (const [body, errors] of cases) {
    const reply = await post(server, path, body)
    expect(reply.status, JSON.stringify(body)).toBe(400)
    expect(reply.body, JSON.stringify(body)).toEqual(errors)
  }
}

export const put = (server: FakeServer, path: string, body: unknown, options: CallOptions = {}) =>
  request(server, path, { ...options, method: "PUT", body })

export const remove = (server: FakeServer, path: string, options: CallOptions = {}) =>
  request(server, path, { ...options, method: "DELETE" })

/** The path under the API root of an absolute URL. */
export const pathOf = (server: FakeServer, url: unknown) => String(url).slice(root(server).length)

/**
 * Sends `text` as is over a plain TCP connection to the server and resolves to everything
 * it answered until it closed the connection; rejects after `timeoutMs` without a close.
 * `text` should ask for `Connection: close`.
 */
export const rawExchange = (server: FakeServer, text: string, timeoutMs = 5_000): Promise<string> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.origin)
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Array<Buffer> = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`No close within ${timeoutMs} ms; received: ${Buffer.concat(chunks).toString("latin1")}`))
    }, timeoutMs)
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("error", () => undefined)
    socket.on("close", () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString("latin1"))
    })
    socket.write(text)
  })

/** SHA-256 of some bytes, hex. */
export const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")

/** A small ISO 19139 document. */
export const ISO_METADATA = "<?xml version=\"1.0\"?>\n<gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\"/>\n"

/** A multipart upload: the `source` JSON part, then each file as `file0`, `file1`… */
export const uploadForm = (source: Json, files: ReadonlyArray<readonly [path: string, content: string, type?: string]>) => {
  const form = new FormData()
  form.append("source", new Blob([JSON.stringify(source)], { type: "application/json" }))
  files.forEach(([path, content, type], index) => {
    form.append(`file${index}`, new Blob([content], type === undefined ? {} : { type }), path)
  })
  return form
}

/** The version object of a layer or set reply. */
export const versionOf = (body: Json) => body["version"] as Json
