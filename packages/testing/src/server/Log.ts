/**
 * The record of every request the fake received, taken before authentication and
 * injections, so tests can check exactly what a client sent — and of how each exchange
 * ended: the reply finished, or the connection went away first (a client that aborted).
 */
import type { ServerResponse } from "node:http"

/** One received request. */
export interface LoggedRequest {
  readonly method: string
  /** The URL path, e.g. `/services/api/v1/layers/12/`. */
  readonly path: string
  /** Decoded query parameters in request order. */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Header values by lower-case name (repeated headers joined with `, `). */
  readonly headers: Readonly<Record<string, string>>
  /** The body as UTF-8 text; empty for a `multipart/form-data` body (streamed to its endpoint, never kept). */
  readonly body: string
  /** When it arrived (ms since the epoch). */
  readonly at: number
}

/** How the exchange of a logged request ended. */
export interface ClosedRequest {
  /** The request, as in {@link RequestLog.entries} (the same object). */
  readonly request: LoggedRequest
  /**
   * When the exchange ended: the reply was sent in full, or the connection closed first
   * (ms since the epoch, with sub-millisecond precision: `performance.timeOrigin + performance.now()`).
   */
  readonly closedAt: number
  /**
   * True when the connection closed before the reply was complete: the client went away
   * (aborted the request, or cancelled reading the body) — or a fault cut it.
   */
  readonly aborted: boolean
}

/** Now, in ms since the epoch, with sub-millisecond precision. */
const now = (): number => performance.timeOrigin + performance.now()

/** Requests in arrival order, and how their exchanges ended, in the order they ended. */
export class RequestLog {
  #entries: Array<LoggedRequest> = []
  #closed: Array<ClosedRequest> = []
  #waiting = new Set<(closed: ClosedRequest) => void>()

  /** Appends a request, and watches `response` to record how its exchange ends. */
  record(entry: LoggedRequest, response: ServerResponse): void {
    this.#entries.push(entry)
    const ended = () => {
      const closed: ClosedRequest = { request: entry, closedAt: now(), aborted: !response.writableFinished }
      this.#closed.push(closed)
      for (const notify of this.#waiting) notify(closed)
    }
    if (response.closed) ended()
    else response.once("close", ended)
  }

  /** A copy of every recorded request. */
  entries(): Array<LoggedRequest> {
    return [...this.#entries]
  }

  /** How many recorded requests satisfy `predicate` (all of them without one). */
  count(predicate: (entry: LoggedRequest) => boolean = () => true): number {
    return this.#entries.filter(predicate).length
  }

  /** How the exchanges of recorded requests ended so far, in the order they ended. */
  closed(): Array<ClosedRequest> {
    return [...this.#closed]
  }

  /**
   * Resolves with the first recorded end of an exchange whose request satisfies
   * `predicate`: at once if one has ended, else when one does. Never settles if none ends,
   * so bound the wait in the test.
   *
   * @example
   * ```ts
   * import type { FakeServer } from "@koordinates-effect/testing/server"
 *
 * declare const fake: FakeServer
 * const closed = await fake.storageLog.waitForClose((request) => request.path.startsWith("/exports/"))
   * closed.aborted // true: the client cancelled the download
   * ```
   */
  waitForClose(predicate: (entry: LoggedRequest) => boolean): Promise<ClosedRequest> {
    const done = this.#closed.find((closed) => predicate(closed.request))
    if (done !== undefined) return Promise.resolve(done)
    return new Promise((resolve) => {
      const notify = (closed: ClosedRequest) => {
        if (!predicate(closed.request)) return
        this.#waiting.delete(notify)
        resolve(closed)
      }
      this.#waiting.add(notify)
    })
  }

  /** Forgets every recorded request and how the exchanges ended. */
  clear(): void {
    this.#entries = []
    this.#closed = []
  }
}
