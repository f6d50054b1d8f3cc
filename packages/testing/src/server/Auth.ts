/**
 * Token authentication (`Authorization: key TOKEN`) and per-endpoint scope checks, with
 * the replies the real API gives: 401 without a known token, 403 with `OAuth-Scopes` and
 * `Accepted-OAuth-Scopes` when the token lacks the endpoint's scope.
 */
import { HttpError } from "./Http.ts"

/** Every scope a Koordinates token can carry. */
export const ALL_SCOPES: ReadonlyArray<string> = [
  "query",
  "tiles",
  "catalog",
  "wxs:wfs",
  "wxs:wms",
  "wxs:wcs",
  "documents:read",
  "documents:write",
  "layers:read",
  "layers:write",
  "sets:read",
  "sets:write",
  "sources:read",
  "sources:write",
  "users:read",
  "users:write",
  "tokens:read",
  "tokens:write"
]

/** Known tokens and their scopes. */
export type TokenScopes = Readonly<Record<string, ReadonlyArray<string>>>

/** The scopes of the token a request authenticated with. */
export type Caller = ReadonlyArray<string>

/** The scopes of the request's token; throws 401 when there is none or it is unknown. */
export const authenticate = (authorization: string | undefined, tokens: ReadonlyMap<string, Caller>): Caller => {
  const [scheme, token, ...rest] = (authorization ?? "").trim().split(/\s+/)
  if (scheme?.toLowerCase() !== "key") {
    throw new HttpError(401, "Authentication credentials were not provided.", { "WWW-Authenticate": "key" })
  }
  const scopes = token === undefined || rest.length > 0 ? undefined : tokens.get(token)
  if (scopes === undefined) throw new HttpError(401, "Invalid token.", { "WWW-Authenticate": "key" })
  return scopes
}

/** Throws 403 unless the caller holds `scope`. */
export const authorize = (caller: Caller, scope: string): void => {
  if (caller.includes(scope)) return
  throw new HttpError(403, "You do not have permission to perform this action.", {
    "OAuth-Scopes": caller.join(", "),
    "Accepted-OAuth-Scopes": scope
  })
}
