/**
 * Every failure of the client as a tagged error.
 *
 * HTTP statuses map to one class each (`NotFound`, `Conflict`, `RateLimitExceeded`…);
 * failures that happen before or around HTTP have their own (`ClientValidationError`,
 * `TransportError`, `ResponseDecodeError`, `RedirectError`). Every error built from a
 * response carries the request's method and URL — never the token.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 *
 * const nameOrNone = Layers.get(1474).pipe(
 *   Effect.map((layer) => layer.name),
 *   Effect.catchTag("NotFound", () => Effect.succeed("(none)"))
 * )
 * ```
 * @since 0.1.0
 * @module
 */
import * as Schema from "effect/Schema"

const response = {
  /** HTTP status of the reply. */
  status: Schema.Number,
  /** What went wrong, in the server's words where it said any. */
  message: Schema.String,
  /** Method of the request that failed. */
  method: Schema.String,
  /** URL of the request that failed (carries no credentials). */
  url: Schema.String
}

/**
 * 400 or 422: the server rejected the request's content. `fields` holds the server's
 * per-field messages when it sent them.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, BadRequest>
 * program.pipe(Effect.catchTag("BadRequest", (e) => Effect.log(e.fields)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends /* @__PURE__ */ Schema.TaggedError<BadRequest>()("BadRequest", {
  ...response,
  fields: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Record(Schema.String, /* @__PURE__ */ Schema.Array(Schema.String)))
}) {}

/**
 * 401: no token, or a token the site does not accept.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, AuthenticationError>
 * program.pipe(Effect.catchTag("AuthenticationError", () => Effect.fail("check KOORDINATES_TOKEN")))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationError extends /* @__PURE__ */ Schema.TaggedError<AuthenticationError>()("AuthenticationError", response) {}

/**
 * 403: the token is valid but may not do this.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, Forbidden>
 * program.pipe(Effect.catchTag("Forbidden", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends /* @__PURE__ */ Schema.TaggedError<Forbidden>()("Forbidden", response) {}

/**
 * 403 whose `OAuth-Scopes` / `Accepted-OAuth-Scopes` headers show the token lacks a scope
 * the endpoint needs.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, InvalidTokenScope>
 * program.pipe(Effect.catchTag("InvalidTokenScope", (e) => Effect.log(`needs one of ${e.requiredScopes}`)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class InvalidTokenScope extends /* @__PURE__ */ Schema.TaggedError<InvalidTokenScope>()("InvalidTokenScope", {
  ...response,
  /** Scopes the endpoint accepts (any one of them suffices). */
  requiredScopes: /* @__PURE__ */ Schema.Array(Schema.String),
  /** Scopes the token has. */
  tokenScopes: /* @__PURE__ */ Schema.Array(Schema.String)
}) {}

/**
 * 404: no such object (or not visible to this token).
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, NotFound>
 * program.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends /* @__PURE__ */ Schema.TaggedError<NotFound>()("NotFound", response) {}

/**
 * 405: the object does not allow this operation (e.g. editing a published version).
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, NotAllowed>
 * program.pipe(Effect.catchTag("NotAllowed", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class NotAllowed extends /* @__PURE__ */ Schema.TaggedError<NotAllowed>()("NotAllowed", response) {}

/**
 * 409: the request conflicts with the object's state (e.g. a draft already exists).
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, Conflict>
 * program.pipe(Effect.catchTag("Conflict", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends /* @__PURE__ */ Schema.TaggedError<Conflict>()("Conflict", response) {}

/**
 * 410: the object existed and has been removed.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, Gone>
 * program.pipe(Effect.catchTag("Gone", () => Effect.succeed(undefined)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class Gone extends /* @__PURE__ */ Schema.TaggedError<Gone>()("Gone", response) {}

/**
 * 429: too many requests. `retryAfter` is the wait the server asked for, in seconds.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, RateLimitExceeded>
 * program.pipe(Effect.catchTag("RateLimitExceeded", (e) => Effect.log(`retry in ${e.retryAfter ?? "?"} s`)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends /* @__PURE__ */ Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  ...response,
  retryAfter: /* @__PURE__ */ Schema.optionalKey(Schema.Number)
}) {}

/**
 * 500: the server failed.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, InternalServerError>
 * program.pipe(Effect.catchTag("InternalServerError", (e) => Effect.log(e.url)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class InternalServerError extends /* @__PURE__ */ Schema.TaggedError<InternalServerError>()("InternalServerError", response) {}

/**
 * 502, 503 or 504: the service is down or overloaded; worth retrying later.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, ServiceUnavailable>
 * program.pipe(Effect.catchTag("ServiceUnavailable", (e) => Effect.log(e.status)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends /* @__PURE__ */ Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", response) {}

/**
 * Any other 4xx/5xx status (402, 501, …).
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, ServerError>
 * program.pipe(Effect.catchTag("ServerError", (e) => Effect.log(e.status)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends /* @__PURE__ */ Schema.TaggedError<ServerError>()("ServerError", response) {}

/**
 * Bad input, caught before any request was sent. `field` names the offending input.
 *
 * @example
 * ```ts
 * Layers.get(-1) // fails with ClientValidationError { field: "id", … }
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ClientValidationError extends /* @__PURE__ */ Schema.TaggedError<ClientValidationError>()("ClientValidationError", {
  field: Schema.String,
  message: Schema.String
}) {}

/**
 * The request never got an HTTP answer (connection refused, reset, DNS, aborted body…).
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, TransportError>
 * program.pipe(Effect.catchTag("TransportError", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends /* @__PURE__ */ Schema.TaggedError<TransportError>()("TransportError", {
  method: Schema.String,
  url: Schema.String,
  message: Schema.String,
  cause: /* @__PURE__ */ Schema.Defect()
}) {}

/**
 * The server answered, but not with what the endpoint promises: malformed JSON, a value
 * that does not match the model (`path` says where, e.g. `[3]["published_at"]`), or a
 * header the operation needs.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, ResponseDecodeError>
 * program.pipe(Effect.catchTag("ResponseDecodeError", (e) => Effect.log(e.path, e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ResponseDecodeError extends /* @__PURE__ */ Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  status: Schema.Number,
  method: Schema.String,
  url: Schema.String,
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * The server pointed the client at another origin (a redirect, a `Location`, or a `Link`
 * to the next page). The client does not follow: the token must not leave the
 * configured host.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, RedirectError>
 * program.pipe(Effect.catchTag("RedirectError", (e) => Effect.log(`${e.url} -> ${e.location}`)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class RedirectError extends /* @__PURE__ */ Schema.TaggedError<RedirectError>()("RedirectError", {
  method: Schema.String,
  url: Schema.String,
  location: Schema.String,
  message: Schema.String
}) {}

/**
 * A wait gave up: its time budget ran out, or its schedule ended, before the operation
 * finished. `operation` names what was waited for.
 *
 * @example
 * ```ts
 * declare const program: Effect.Effect<void, TimeoutError>
 * program.pipe(Effect.catchTag("TimeoutError", (e) => Effect.log(`${e.operation} still running`)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends /* @__PURE__ */ Schema.TaggedError<TimeoutError>()("TimeoutError", {
  operation: Schema.String,
  message: Schema.String
}) {}

/**
 * A layer version's import ended in an error: `state` is the version's status as the server
 * reported it (`status` is the HTTP status of the errors made from a reply, a number).
 *
 * @example
 * ```ts
 * Layers.waitForImport(1474, 4067).pipe(Effect.catchTag("ImportFailed", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ImportFailed extends /* @__PURE__ */ Schema.TaggedError<ImportFailed>()("ImportFailed", {
  layerId: Schema.Number,
  versionId: Schema.Number,
  state: Schema.String,
  message: Schema.String
}) {}

/**
 * A publish ended without publishing (`state` is `errored` or `cancelled`).
 *
 * @example
 * ```ts
 * Publishing.waitForPublish(2054).pipe(Effect.catchTag("PublishFailed", (e) => Effect.log(e.state)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class PublishFailed extends /* @__PURE__ */ Schema.TaggedError<PublishFailed>()("PublishFailed", {
  publishId: Schema.Number,
  state: Schema.String,
  message: Schema.String
}) {}

/**
 * A scan of a source ended without completing: `state` is the scan's status (`failed`,
 * `cancelled` or `error`).
 *
 * @example
 * ```ts
 * Sources.waitForScan(44, 41).pipe(Effect.catchTag("ScanFailed", (e) => Effect.log(e.state)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class ScanFailed extends /* @__PURE__ */ Schema.TaggedError<ScanFailed>()("ScanFailed", {
  sourceId: Schema.Number,
  scanId: Schema.Number,
  state: Schema.String,
  message: Schema.String
}) {}

/**
 * An export ended without a file (`state` is `failed` or `cancelled`), or its download broke
 * off before every byte arrived.
 *
 * @example
 * ```ts
 * Exports.waitForExport(3).pipe(Effect.catchTag("DownloadError", (e) => Effect.log(e.message)))
 * ```
 * @since 0.1.0
 * @category errors
 */
export class DownloadError extends /* @__PURE__ */ Schema.TaggedError<DownloadError>()("DownloadError", {
  exportId: Schema.Number,
  message: Schema.String
}) {}

/**
 * A data service (WFS) answered with an OGC exception report instead of features:
 * `code` is its `exceptionCode` (`InvalidParameterValue`, `OperationProcessingFailed`…),
 * `locator` the parameter it blames, when it names one.
 *
 * @example
 * ```ts
 * declare const features: Features.Features
 * Features.collect(features).pipe(Effect.catchTag("ServiceException", (e) => Effect.log(e.code, e.locator)))
 * ```
 * @since 0.2.0
 * @category errors
 */
export class ServiceException extends /* @__PURE__ */ Schema.TaggedError<ServiceException>()("ServiceException", {
  ...response,
  code: Schema.String,
  locator: /* @__PURE__ */ Schema.optionalKey(Schema.String)
}) {}

/**
 * Changesets were asked for a layer or table without a primary key: the service can only
 * tell changes apart by one.
 *
 * @example
 * ```ts
 * declare const range: Features.ChangeRange
 * Features.changes(50804, range).pipe(Stream.catchTag("NoPrimaryKey", () => Stream.empty))
 * ```
 * @since 0.2.0
 * @category errors
 */
export class NoPrimaryKey extends /* @__PURE__ */ Schema.TaggedError<NoPrimaryKey>()("NoPrimaryKey", {
  ...response,
  typeName: Schema.String
}) {}

/**
 * An error status from the Koordinates API.
 *
 * @example
 * ```ts
 * const isRetryable = (e: ApiError) => e._tag === "ServiceUnavailable" || e._tag === "RateLimitExceeded"
 * ```
 * @since 0.1.0
 * @category unions
 */
export type ApiError =
  | BadRequest
  | AuthenticationError
  | Forbidden
  | InvalidTokenScope
  | NotFound
  | NotAllowed
  | Conflict
  | Gone
  | RateLimitExceeded
  | InternalServerError
  | ServiceUnavailable
  | ServerError

/**
 * Every way a request can fail once it is under way: an error status, no answer, a refused
 * redirect, a reply that does not decode, or no reply in time.
 *
 * @example
 * ```ts
 * const transient = (e: RequestError) => e._tag === "TransportError" || e._tag === "ServiceUnavailable"
 * ```
 * @since 0.1.0
 * @category unions
 */
export type RequestError = ApiError | TransportError | RedirectError | ResponseDecodeError | TimeoutError

/**
 * What a call that only makes requests fails with: its input refused before any request
 * (`ClientValidationError`), or a request failing. The waits and downloads add their own
 * errors to it.
 *
 * @example
 * ```ts
 * const retryable = (e: CallError) => e._tag === "ServiceUnavailable" || e._tag === "TransportError"
 * ```
 * @since 0.2.0
 * @category unions
 */
export type CallError = ClientValidationError | RequestError

/**
 * Every way a call of this client can fail: the errors of {@link CallError}, the
 * outcomes of server-side work — an import, publish or scan that ended badly, an export
 * that gave no file or whose download broke off — and the data services' refusals (a WFS
 * exception report, changesets of a layer without a primary key).
 *
 * @example
 * ```ts
 * const describe = (e: KoordinatesError) => `${e._tag}: ${e.message}`
 * ```
 * @since 0.1.0
 * @category unions
 */
export type KoordinatesError =
  | CallError
  | ImportFailed
  | PublishFailed
  | ScanFailed
  | DownloadError
  | ServiceException
  | NoPrimaryKey
