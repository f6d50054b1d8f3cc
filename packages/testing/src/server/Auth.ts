/**
 * Token authentication (`Authorization: key TOKEN`) against the store's tokens, and the
 * access check of each endpoint, with the replies the real API gives: 401 without a known,
 * unexpired token, 403 with `OAuth-Scopes` and `Accepted-OAuth-Scopes` when the token lacks
 * the endpoint's scope.
 */
import { HttpError } from "./Http.ts"
import type { TokenRecord } from "./Model.ts"
import type { Store } from "./Store.ts"
import { parseTimestamp } from "./Time.ts"

/**
 * Who may call an endpoint: holders of one scope, any valid token (`"token"`), or anyone
 * (`"public"`: the endpoint authenticates the request itself).
 */
export type Access = { readonly scope: string } | "token" | "public"

const unauthorized = (detail: string) => new HttpError(401, detail, { "WWW-Authenticate": "key" })

/** The token a request authenticates with; throws 401 when there is none, or it is unknown or expired. */
export const authenticate = (authorization: string | undefined, store: Store): TokenRecord => {
  const [scheme, key, ...rest] = (authorization ?? "").trim().split(/\s+/)
  if (scheme?.toLowerCase() !== "key") throw unauthorized("Authentication credentials were not provided.")
  const token = key === undefined || rest.length > 0 ? undefined : store.tokenForKey(key)
  if (token === undefined) throw unauthorized("Invalid token.")
  const expires = token.expires_at === null ? undefined : parseTimestamp(token.expires_at)?.start
  if (expires !== undefined && expires <= store.clock.now()) throw unauthorized("Token has expired.")
  return token
}

/** Throws 403 unless the caller may use an endpoint with this access. */
export const authorize = (caller: TokenRecord, access: Exclude<Access, "public">): void => {
  if (access === "token" || caller.scopes.includes(access.scope)) return
  throw new HttpError(403, "You do not have permission to perform this action.", {
    "OAuth-Scopes": caller.scopes.join(", "),
    "Accepted-OAuth-Scopes": access.scope
  })
}
