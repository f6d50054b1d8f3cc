/**
 * The client's version, sent in the `User-Agent` header (kept equal to package.json by a test).
 *
 * @internal
 *
 * @since 0.1.0
 */
export const version = "0.1.0"
