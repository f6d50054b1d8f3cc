/**
 * Canned responses: a test registers a rule and the next matching request(s) get that
 * reply instead of normal handling (after logging, before authentication).
 */
import type { Reply } from "./Http.ts"

/** A canned response and the requests it answers. */
export interface InjectRule {
  /** Only this method (case-insensitive); any method when absent. */
  readonly method?: string
  /**
   * The request path: a string equals either the whole path (`/services/api/v1/layers/1/`)
   * or the path under the API root (`/layers/1/`); a RegExp is searched in the whole path.
   */
  readonly path: string | RegExp
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** A string is sent as is (`text/plain` unless a Content-Type is given); anything else as JSON. */
  readonly body?: unknown
  /** How many requests it answers (default 1; `Infinity` for all). */
  readonly times?: number
  /** Wait this long before answering. */
  readonly delayMs?: number
}

interface Armed {
  readonly rule: InjectRule
  remaining: number
}

/** Registered rules, first registered first served. */
export class Injections {
  #armed: Array<Armed> = []

  /** Registers a rule; throws on a non-positive `times` or a status outside 100–599. */
  add(rule: InjectRule): void {
    const times = rule.times ?? 1
    if (!(times >= 1)) throw new Error(`inject: times must be at least 1, got ${times}`)
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) {
      throw new Error(`inject: invalid status ${rule.status}`)
    }
    this.#armed.push({ rule, remaining: times })
  }

  /** Drops every rule. */
  clear(): void {
    this.#armed = []
  }

  /** The rule answering this request, if any, counting the use. */
  take(method: string, path: string, apiPath: string | undefined): InjectRule | undefined {
    const index = this.#armed.findIndex(({ rule }) =>
      (rule.method === undefined || rule.method.toUpperCase() === method) &&
      (typeof rule.path === "string" ? rule.path === path || rule.path === apiPath : path.search(rule.path) !== -1)
    )
    const armed = this.#armed[index]
    if (armed === undefined) return undefined
    armed.remaining -= 1
    if (armed.remaining <= 0) this.#armed.splice(index, 1)
    return armed.rule
  }
}

/** The reply a rule gives. */
export const injectedReply = (rule: InjectRule): Reply => ({
  status: rule.status,
  ...(rule.headers === undefined ? {} : { headers: rule.headers }),
  ...(rule.body === undefined ? {} : { body: rule.body })
})
