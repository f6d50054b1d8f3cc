/**
 * Canned responses and faults: a test registers a rule and the next matching request(s) get
 * that reply instead of normal handling (after logging, before authentication) — or, for a
 * fault, the normal reply spoilt: the connection reset before or during the body, the body
 * cut short, or its JSON broken. Rules can fire for every match or with a probability drawn
 * from a seeded generator, so random fault runs repeat exactly.
 */
import type { Reply } from "./Http.ts"
import { makeRng, type Rng } from "./Random.ts"

/**
 * What a fault does to a request: `reset` closes the connection before any reply;
 * `resetDuringBody` sends the headers and half the body, then closes it; `truncate` sends
 * half the body and ends; `malformed` sends the body with its JSON broken.
 */
export type Fault = "reset" | "resetDuringBody" | "truncate" | "malformed"

/** A canned response and the requests it answers. */
export interface InjectRule {
  /** Only this method (case-insensitive); any method when absent. */
  readonly method?: string
  /**
   * The request path: a string equals either the whole path (`/services/api/v1/layers/1/`)
   * or the path under the API root (`/layers/1/`); a RegExp is searched in the whole path.
   */
  readonly path: string | RegExp
  /** Status of the canned reply; not used by a `fault`, which spoils the normal reply. */
  readonly status?: number
  readonly fault?: Fault
  /** Fire for a matching request with this probability (seeded, see `seed`); default always. */
  readonly probability?: number
  /** Seed of the probability draws (default 1). */
  readonly seed?: number
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
  readonly rng: Rng | undefined
}

/** Registered rules, first registered first served. */
export class Injections {
  #armed: Array<Armed> = []

  /** Registers a rule; throws on a non-positive `times`, a bad probability, or a missing or bad status. */
  add(rule: InjectRule): void {
    const times = rule.times ?? 1
    if (!(times >= 1)) throw new Error(`inject: times must be at least 1, got ${times}`)
    if (rule.fault === undefined && (!Number.isInteger(rule.status) || rule.status! < 100 || rule.status! > 599)) {
      throw new Error(`inject: invalid status ${rule.status}`)
    }
    if (rule.probability !== undefined && !(rule.probability > 0 && rule.probability <= 1)) {
      throw new Error(`inject: probability must be in (0, 1], got ${rule.probability}`)
    }
    const rng = rule.probability === undefined ? undefined : makeRng(rule.seed ?? 1)
    this.#armed.push({ rule, remaining: times, rng })
  }

  /** Drops every rule. */
  clear(): void {
    this.#armed = []
  }

  /** The rule answering this request, if any, counting the use. */
  take(method: string, path: string, apiPath: string | undefined): InjectRule | undefined {
    const index = this.#armed.findIndex(({ rule, rng }) =>
      (rule.method === undefined || rule.method.toUpperCase() === method) &&
      (typeof rule.path === "string" ? rule.path === path || rule.path === apiPath : path.search(rule.path) !== -1) &&
      (rng === undefined || rng.float() < rule.probability!)
    )
    const armed = this.#armed[index]
    if (armed === undefined) return undefined
    armed.remaining -= 1
    if (armed.remaining <= 0) this.#armed.splice(index, 1)
    return armed.rule
  }
}

/** The reply a canned (non-fault) rule gives. */
export const injectedReply = (rule: InjectRule): Reply => ({
  status: rule.status ?? 500,
  ...(rule.headers === undefined ? {} : { headers: rule.headers }),
  ...(rule.body === undefined ? {} : { body: rule.body })
})
