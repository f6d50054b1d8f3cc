/**
 * A second loopback server that only records who called it: proof that a redirect or link
 * to another origin was not followed, and that no token reached it.
 */
import * as Effect from "effect/Effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type * as Scope from "effect/Scope"

/** A running recorder. */
export interface Recorder {
  readonly origin: string
  /** Requests it received: method, URL and whether an Authorization header came with them. */
  readonly hits: Array<{ readonly method: string; readonly url: string; readonly authorization: boolean }>
}

/** Starts a recorder for the life of the scope; it answers every request with `[]`. */
export const recorder: Effect.Effect<Recorder, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() =>
    new Promise<{ server: http.Server; recorder: Recorder }>((resolve) => {
      const hits: Recorder["hits"] = []
      const server = http.createServer((request, response) => {
        hits.push({
          method: request.method ?? "",
          url: request.url ?? "",
          authorization: request.headers.authorization !== undefined
        })
        response.writeHead(200, { "content-type": "application/json" }).end("[]")
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resolve({ server, recorder: { origin: `http://127.0.0.1:${port}`, hits } })
      })
    })
  ),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
).pipe(Effect.map(({ recorder }) => recorder))
