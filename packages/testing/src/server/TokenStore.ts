/**
 * The tokens the fake accepts: the configured ones (restored by a reset, each owned by the
 * default user) and those created through `POST /tokens/`, each with a secret key.
 */
import { randomBytes } from "node:crypto"
import type { FakeClock } from "./Clock.ts"
import type { TokenRecord, TokenScopes, UserRecord } from "./Model.ts"
import { formatTimestamp } from "./Time.ts"

/**
 * What a new token holds; see {@link TokenStore.createToken}.
 *
 * @since 0.1.0
 */
export interface NewToken {
  readonly name: string
  readonly scopes: ReadonlyArray<string>
  readonly user: UserRecord
  readonly expires_at: string | null
  readonly referrers: ReadonlyArray<string> | null
}

const firstTokenId = 700_001

/** Every token, oldest first. */
export class TokenStore {
  readonly #clock: FakeClock
  readonly #configured: TokenScopes
  readonly #owner: UserRecord
  #tokens: Array<TokenRecord> = []
  #nextTokenId = firstTokenId

  /** The `configured` tokens, owned by `owner`. */
  constructor(clock: FakeClock, configured: TokenScopes, owner: UserRecord) {
    this.#clock = clock
    this.#configured = configured
    this.#owner = owner
    this.reset()
  }

  /** Every token, oldest first. */
  tokens(): ReadonlyArray<TokenRecord> {
    return [...this.#tokens]
  }

  /** The token with this secret key. */
  tokenForKey(key: string): TokenRecord | undefined {
    return this.#tokens.find((token) => token.key === key)
  }

  /** Creates a token with a fresh 32-hex-digit key; returns it. */
  createToken(fields: NewToken): TokenRecord {
    return this.#addToken(randomBytes(16).toString("hex"), fields)
  }

  /** Removes a token: it stops authenticating at once. */
  removeToken(token: TokenRecord): void {
    this.#tokens = this.#tokens.filter((candidate) => candidate !== token)
  }

  /** Restores the configured tokens, dropping created ones, and restarts ids. */
  reset(): void {
    this.#tokens = []
    this.#nextTokenId = firstTokenId
    for (const [key, scopes] of Object.entries(this.#configured)) {
      this.#addToken(key, { name: "", scopes, user: this.#owner, expires_at: null, referrers: null })
    }
  }

  #addToken(key: string, fields: NewToken): TokenRecord {
    const created_at = formatTimestamp(this.#clock.now(), "millis")
    const token = { id: this.#nextTokenId++, key, created_at, ...fields }
    this.#tokens.push(token)
    return token
  }
}
