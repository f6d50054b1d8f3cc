/**
 * Tokens: API keys and their scopes. Creating one signs in with an email and password
 * (the password grant); the new token's secret `key` is returned once, as a `Redacted`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import * as Tokens from "@koordinates-effect/client/Tokens"
 *
 * declare const password: string
 *
 * const program = Effect.gen(function*() {
 *   const token = yield* Tokens.create(
 *     { name: "Nightly export", scopes: ["layers:read", "layers:write"] },
 *     { email: "me@example.com", password: Redacted.make(password) }
 *   )
 *   return Redacted.value(token.key!) // shown once: store it now
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import { type CallError, ClientValidationError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"
import { NonBlank, optionalNullable, Timestamp } from "./internal/schema.ts"
import * as Validate from "./internal/validate.ts"

/**
 * The scopes a token can hold.
 *
 * @example
 * ```ts
 * Schema.is(Tokens.TokenScope)("layers:read") // true
 * ```
 * @since 0.1.0
 * @category models
 */
export const TokenScope = /* @__PURE__ */ Schema.Literals([
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
])

/**
 * A token scope (see {@link TokenScope}).
 *
 * @since 0.1.0
 * @category models
 */
export type TokenScope = typeof TokenScope.Type

/**
 * An API token. `key` (the secret) is present only in the reply to {@link create}, as a
 * `Redacted`; later reads show `key_hint` only.
 *
 * @example
 * ```ts
 * const token = yield* Tokens.get(987654)
 * token.scopes // ["query", "tiles", …]
 * ```
 * @since 0.1.0
 * @category models
 */
export class Token extends /* @__PURE__ */ Schema.Class<Token>("@koordinates-effect/client/Token")({
  id: Schema.Number,
  url: Schema.String,
  name: Schema.String,
  key_hint: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  created_at: optionalNullable(Timestamp),
  expires_at: /* @__PURE__ */ optionalNullable(Timestamp),
  scope: /* @__PURE__ */ optionalNullable(Schema.String),
  referrers: /* @__PURE__ */ optionalNullable(/* @__PURE__ */ Schema.Array(Schema.String)),
  key: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.RedactedFromValue(Schema.String))
}) {
  /** The token's scopes, split from its space-separated `scope`. */
  get scopes(): Array<string> {
    return (this.scope ?? "").split(/\s+/).filter((scope) => scope !== "")
  }
}

const referrer = /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^[\w*.-]+(?::\d{1,5})?$/))

/**
 * A new token: its name, scopes, optional expiry and allowed referrer host patterns
 * (`*.example.com`).
 *
 * @example
 * ```ts
 * const input: Tokens.NewToken = { name: "CI", scopes: ["catalog"], expiresAt: new Date("2027-01-01") }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const NewToken = /* @__PURE__ */ Schema.Struct({
  name: NonBlank,
  scopes: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(TokenScope)),
  expiresAt: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([Schema.Date, /* @__PURE__ */ Schema.String.check(/* @__PURE__ */ Schema.isPattern(/^\d{4}-\d{2}-\d{2}/))])),
  referrers: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Array(referrer))
})

/**
 * A new token (see {@link NewToken}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type NewToken = typeof NewToken.Type

/**
 * Changes to a token: any of {@link NewToken}'s fields.
 *
 * @example
 * ```ts
 * const changes: Tokens.TokenChanges = { referrers: ["*.example.com"] }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export const TokenChanges = /* @__PURE__ */ NewToken.mapFields((fields) => ({
  ...fields,
  name: Schema.optionalKey(fields.name)
}))

/**
 * Changes to a token (see {@link TokenChanges}).
 *
 * @since 0.1.0
 * @category inputs
 */
export type TokenChanges = typeof TokenChanges.Type

/**
 * The account a token is created for. The password is `Redacted` (a plain string is
 * wrapped at once) and never appears in errors or logs.
 *
 * @example
 * ```ts
 * const credentials: Tokens.Credentials = { email: "me@example.com", password: Redacted.make("…") }
 * ```
 * @since 0.1.0
 * @category inputs
 */
export interface Credentials {
  readonly email: string
  readonly password: string | Redacted.Redacted<string>
}

/** The API's field names for a validated token input. */
const toBody = (token: TokenChanges) => ({
  ...(token.name === undefined ? {} : { name: token.name }),
  ...(token.scopes === undefined ? {} : { scope: token.scopes.join(" ") }),
  ...(token.expiresAt === undefined
    ? {}
    : { expires_at: token.expiresAt instanceof Date ? token.expiresAt.toISOString() : token.expiresAt }),
  ...(token.referrers === undefined ? {} : { referrers: token.referrers })
})

/**
 * The tokens of the account.
 *
 * @example
 * ```ts
 * const tokens = yield* Query.collect(Tokens.list())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Tokens.list", "/tokens/", Token)

/**
 * A token by id.
 *
 * @example
 * ```ts
 * const token = yield* Tokens.get(987654)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.get("Koordinates.Tokens.get", "/tokens/{id}/", Token)

/**
 * Creates a token by signing in with an email and password. The reply carries the secret
 * `key`, once. `AuthenticationError` for a wrong email or password.
 *
 * @example
 * ```ts
 * declare const email: string
 * declare const password: string
 * const token = yield* Tokens.create({ name: "CI", scopes: ["catalog"] }, { email, password })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const create = /* @__PURE__ */ Effect.fn("Koordinates.Tokens.create")(
  function*(token: NewToken, credentials: Credentials): Effect.fn.Return<Token, CallError, Koordinates> {
    const checked = yield* Validate.input(NewToken, token)
    const password = Redacted.isRedacted(credentials.password)
      ? Redacted.value(credentials.password)
      : credentials.password
    if (!/^[^\s@]+@[^\s@]+$/.test(credentials.email)) {
      return yield* new ClientValidationError({ field: "email", message: "Invalid email: expected name@domain" })
    }
    if (password === "") {
      return yield* new ClientValidationError({ field: "password", message: "Invalid password: it is empty" })
    }
    const body = { grant_type: "password", username: credentials.email, password, ...toBody(checked) }
    return yield* Http.json(
      { method: "POST", path: "/tokens/", body: HttpBody.jsonUnsafe(body), secrets: [password] },
      Token
    )
  })

/**
 * Changes a token's name, scopes, expiry or referrers; returns the token as the server now
 * has it.
 *
 * @example
 * ```ts
 * yield* Tokens.update(987654, { scopes: ["layers:read", "layers:write"] })
 * ```
 * @since 0.1.0
 * @category writes
 */
export const update = /* @__PURE__ */ Endpoint.make(
  "Koordinates.Tokens.update",
  "/tokens/{id}/",
  (path, changes: TokenChanges) =>
    Effect.flatMap(
      Validate.input(TokenChanges, changes),
      (checked) => Http.json({ method: "PUT", path, body: HttpBody.jsonUnsafe(toBody(checked)) }, Token)
    )
)

const deleteToken = /* @__PURE__ */ Endpoint.remove("Koordinates.Tokens.delete", "/tokens/{id}/")

export {
  /**
   * Deletes a token; it stops working at once.
   *
   * @example
   * ```ts
   * yield* Tokens.delete(987654)
   * ```
   * @since 0.1.0
   * @category writes
   */
  deleteToken as delete
}
