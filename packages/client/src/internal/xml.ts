/**
 * XML documents as request bodies (metadata uploads), checked before any request.
 *
 * @since 0.1.0
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as HttpBody from "effect/http/HttpBody"
import { ClientValidationError } from "../Errors.ts"
import { excerpt } from "./http.ts"

/**
 * An XML document: text, bytes, or a stream of bytes (sent as it is read).
 *
 * @since 0.1.0
 */
export type XmlInput = string | Uint8Array | Stream.Stream<Uint8Array, unknown>

const contentType = "text/xml"

/** Whether text starts like an XML document (after white space and a byte-order mark). */
const looksLikeXml = (start: string) => /^\uFEFF?\s*</.test(start)

/**
 * What is wrong with a reply that should be an XML document: not XML, or an HTML page.
 *
 * @since 0.1.0
 */
export const notDocument = (text: string): string | undefined =>
  looksLikeXml(text) && !/^\uFEFF?\s*<(?:!doctype\s+html|html)\b/i.test(text)
    ? undefined
    : `The reply is not an XML document: ${excerpt(text) || "(empty body)"}`

/**
 * The request body for an XML document; text and bytes must look like XML.
 *
 * @since 0.1.0
 */
export const body = (xml: XmlInput): Effect.Effect<HttpBody.HttpBody, ClientValidationError> => {
  if (typeof xml === "string") {
    return looksLikeXml(xml) ? Effect.succeed(HttpBody.text(xml, contentType)) : notXml
  }
  if (xml instanceof Uint8Array) {
    return looksLikeXml(new TextDecoder().decode(xml.subarray(0, 64)))
      ? Effect.succeed(HttpBody.uint8Array(xml, contentType))
      : notXml
  }
  return Effect.succeed(HttpBody.stream(xml, contentType))
}

const notXml = /* @__PURE__ */ Effect.fail(
  new ClientValidationError({ field: "xml", message: "Invalid xml: expected an XML document (starting with <)" })
)
