/**
 * CORS, so that a page in a browser can call the fake (and download from its storage
 * server): every reply says `Vary: Origin`; a reply to an allowed `Origin` also allows that
 * origin and exposes the headers the client reads (`Link`, `X-Resource-Range`,
 * `Retry-After`, `Location`, the download headers…). A preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) is answered 204 without a token — with the methods and
 * headers allowed when its origin is, with nothing more when it is not. A non-allowed
 * origin never gets a CORS header, so the browser blocks the reply.
 */
import type { Reply } from "./Http.ts"

/**
 * The page origins the fake lets browsers call it from: `"*"` for any, a list of exact
 * origins (`"http://localhost:5173"`), or a test of each `Origin` header.
 *
 * @since 0.2.0
 */
export type AllowedOrigins = "*" | ReadonlyArray<string> | ((origin: string) => boolean)

const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/

/**
 * The default of {@link AllowedOrigins}: any loopback origin over `http`, any port
 * (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`).
 *
 * @since 0.2.0
 */
export const loopbackOrigins = (origin: string): boolean => loopback.test(origin)

/** True when `allowed` lets a page at `origin` call the server. */
export const allows = (allowed: AllowedOrigins, origin: string): boolean =>
  allowed === "*" ? true : typeof allowed === "function" ? allowed(origin) : allowed.includes(origin)

/** Response headers a browser lets a page read, beyond the always-readable few. */
const exposed = [
  "Link",
  "X-Resource-Range",
  "X-Paginate-By",
  "Retry-After",
  "Location",
  "Content-Disposition",
  "Content-Range",
  "Content-Length",
  "Accept-Ranges",
  "ETag",
  "Last-Modified",
  "Allow",
  "Accepted-OAuth-Scopes",
  "OAuth-Scopes"
].join(", ")

/** Request headers a page may send (the client's, and a download's resumption). */
const requestHeaders = ["Authorization", "Content-Type", "Accept", "Expand", "Range", "If-Range"].join(", ")

/**
 * The CORS headers of any reply to a request with these headers, when `allowed` (a test of
 * its `Origin`) lets it in; `Vary: Origin` always.
 */
export const corsHeaders = (
  allowed: (origin: string) => boolean,
  headers: Readonly<Record<string, string>>
): Record<string, string> => {
  const origin = headers["origin"]
  return origin === undefined || !allowed(origin)
    ? { Vary: "Origin" }
    : { Vary: "Origin", "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": exposed }
}

/** True for a browser's preflight: `OPTIONS` asking what a request may do. */
export const isPreflight = (method: string, headers: Readonly<Record<string, string>>): boolean =>
  method === "OPTIONS" && headers["access-control-request-method"] !== undefined

/**
 * The 204 reply to a preflight (no token needed): the methods and headers a page may use,
 * cached for ten minutes — when `allowed` lets the origin in; a bare 204 when it does not.
 */
export const preflightReply = (
  allowed: (origin: string) => boolean,
  headers: Readonly<Record<string, string>>,
  methods: string
): Reply => {
  const origin = headers["origin"]
  return {
    status: 204,
    headers: origin === undefined || !allowed(origin) ? {} : {
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Allow-Headers": requestHeaders,
      "Access-Control-Max-Age": "600"
    }
  }
}

/** Sets `headers` on a reply not yet written (they join those it is written with). */
export const setHeaders = (
  response: { setHeader(name: string, value: string): unknown },
  headers: Readonly<Record<string, string>>
): void => {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value)
}
