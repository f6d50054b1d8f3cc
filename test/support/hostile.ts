/**
 * A small hostile or broken server on 127.0.0.1 for one test: it answers each request with
 * whatever the test's handler does — stall, echo the token, redirect, lie in its headers —
 * and records what it was sent. Closed (every connection dropped) when the scope ends.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** One request the server received, its body read whole unless the handler took it. */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  /** Bytes of the body read before the handler ran (0 when `readBody` is false). */
  readonly bodyLength: number
}

export interface Hostile {
  readonly origin: string
  readonly received: Array<Received>
}

/**
 * The handler gets the request, the response, the request's index (0 for the first) and
 * its body, read whole before the handler runs unless `readBody` is false (then empty).
 */
export type Handler = (request: IncomingMessage, response: ServerResponse, index: number, body: Buffer) => void

export const hostileServer = (
  handler: Handler,
  options: { readonly readBody?: boolean } = {}
): Effect.Effect<Hostile, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ hostile: Hostile; close: () => void }>((resolve) => {
        const received: Array<Received> = []
        const server = createServer((request, response) => {
          const index = received.length
          const record = (body: Buffer) => {
            received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, bodyLength: body.length })
            handler(request, response, index, body)
          }
          if (options.readBody === false) return record(Buffer.alloc(0))
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => record(Buffer.concat(chunks)))
          request.on("error", () => undefined)
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resolve({
            hostile: { origin: `http://127.0.0.1:${port}`, received },
            close: () => {
              server.closeAllConnections()
              server.close()
            }
          })
        })
      })
    ),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ hostile }) => hostile))

/** `n` bytes of a repeating pattern, the same for the same `n`. */
export const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) % 251))
