/**
 * Token endpoints. `POST /tokens/` is public: it signs in with the email and password of its
 * body (the password grant), and answers 200 with the new token, whose secret `key` no
 * later reply repeats (they show `key_hint`). The other endpoints work on the caller's own
 * tokens; a deleted token stops authenticating at once.
 */
import { Fields, type JsonObject, jsonBody, present } from "./Body.ts"
import {
  callerOf,
  expandsList,
  HttpError,
  noContent,
  notFound,
  ok,
  pathParam,
  type PathParams,
  type Reply,
  type RequestContext
} from "./Http.ts"
import { ALL_SCOPES, type TokenRecord } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import type { Urls } from "./Render.ts"

/** The API URL of a token. */
const tokenUrl = (urls: Urls, token: TokenRecord): string => `${urls.apiRoot}/tokens/${token.id}/`

const tokenHead = (urls: Urls, token: TokenRecord) => ({
  name: token.name,
  key_hint: `${token.key.slice(0, 4)}xx...`,
  url: tokenUrl(urls, token)
})

/** A token as `/tokens/` lists it. */
const renderTokenSummary = (urls: Urls, token: TokenRecord) => ({ ...tokenHead(urls, token), id: token.id })

/** A token; `withKey` adds the secret (only the reply that creates it has it). */
const renderToken = (urls: Urls, token: TokenRecord, withKey: boolean) => ({
  ...tokenHead(urls, token),
  created_at: token.created_at,
  expires_at: token.expires_at,
  scope: token.scopes.join(" "),
  referrers: token.referrers,
  ...(withKey ? { key: token.key } : {}),
  id: token.id
})

/** `scope`: space-separated scope names, each one a token can carry. */
const scopes = (fields: Fields): ReadonlyArray<string> | undefined => {
  const scope = fields.text("scope")
  if (scope === undefined) return undefined
  const names = [...new Set(scope.split(/\s+/).filter((name) => name !== ""))]
  const unknown = names.filter((name) => !ALL_SCOPES.includes(name))
  return unknown.length === 0 ? names : fields.fail("scope", `Unknown scope: ${unknown.join(", ")}`)
}

/** The token fields a body sets: `name`, `scope`, `expires_at` (or null), `referrers` (or null). */
const tokenChanges = (body: JsonObject) => {
  const fields = new Fields(body)
  const changes = present({
    name: fields.text("name"),
    scopes: scopes(fields),
    expires_at: fields.dateTime("expires_at"),
    referrers: fields.value("referrers") === null ? null : fields.texts("referrers")
  })
  fields.done()
  return changes
}

/** The caller's token `{id}`; 404 for anyone else's. */
const ownToken = (context: RequestContext, params: PathParams): TokenRecord => {
  const id = pathParam(params, "id")
  const token = context.store.tokens().find((token) => token.id === id && token.user === callerOf(context).user)
  if (token === undefined) throw notFound()
  return token
}

/** GET `/tokens/`: the caller's tokens (full objects with `Expand: list`). */
export const list = (context: RequestContext): Reply => {
  const user = callerOf(context).user
  const expand = expandsList(context)
  return listReply(
    context,
    context.store.tokens().filter((token) => token.user === user),
    (token) => expand ? renderToken(context.urls, token, false) : renderTokenSummary(context.urls, token)
  )
}

/** GET `/tokens/{id}/`. */
export const get = (context: RequestContext, params: PathParams): Reply =>
  ok(renderToken(context.urls, ownToken(context, params), false))

/** PUT `/tokens/{id}/`: changes name, scope, expiry and referrers; answers the token as stored. */
export const update = (context: RequestContext, params: PathParams): Reply => {
  const token = ownToken(context, params)
  Object.assign(token, tokenChanges(jsonBody(context)))
  return ok(renderToken(context.urls, token, false))
}

/** DELETE `/tokens/{id}/`. */
export const remove = (context: RequestContext, params: PathParams): Reply => {
  context.store.removeToken(ownToken(context, params))
  return noContent()
}

/**
 * POST `/tokens/`: `{grant_type: "password", username, password, name?, scope?,
 * expires_at?, referrers?}`; 401 for an unknown email or wrong password. Without `scope`
 * the token gets every scope.
 */
export const create = (context: RequestContext): Reply => {
  const body = jsonBody(context)
  const grant = new Fields(body)
  const grantType = grant.text("grant_type", { required: true })
  if (grantType !== undefined && grantType !== "password") {
    grant.fail("grant_type", `Unsupported grant type "${grantType}": use "password".`)
  }
  const { username, password } = grant.checked({
    username: grant.text("username", { required: true }),
    password: grant.text("password", { required: true })
  })
  const user = context.store.users.find((candidate) =>
    candidate.email === username.toLowerCase() && candidate.password === password
  )
  if (user === undefined) throw new HttpError(401, "Invalid username or password")
  const token = context.store.createToken({
    name: "",
    scopes: ALL_SCOPES,
    expires_at: null,
    referrers: null,
    ...tokenChanges(body),
    user
  })
  return ok(renderToken(context.urls, token, true))
}
