/**
 * The record of every request the fake received, taken before authentication and
 * injections, so tests can check exactly what a client sent.
 */

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

/** Requests in arrival order. */
export class RequestLog {
  #entries: Array<LoggedRequest> = []

  /** Appends a request. */
  record(entry: LoggedRequest): void {
    this.#entries.push(entry)
  }

  /** A copy of every recorded request. */
  entries(): Array<LoggedRequest> {
    return [...this.#entries]
  }

  /** How many recorded requests satisfy `predicate` (all of them without one). */
  count(predicate: (entry: LoggedRequest) => boolean = () => true): number {
    return this.#entries.filter(predicate).length
  }

  /** Forgets every recorded request. */
  clear(): void {
    this.#entries = []
  }
}
