/**
 * Metadata: the XML documents describing layers, sets and sources.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as Metadata from "@koordinates-effect/client/Metadata"
 *
 * const program = Effect.gen(function*() {
 *   const layer = yield* Layers.get(1474)
 *   if (!layer.metadata) return undefined
 *   Metadata.formats(layer.metadata) // ["dc", "iso"]
 *   return yield* Metadata.getXml(layer.metadata, "iso")
 * })
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { ClientValidationError, type CallError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Http from "./internal/http.ts"
import * as Versioned from "./internal/versioned.ts"
import * as Xml from "./internal/xml.ts"

/**
 * Where an object's metadata can be read, one URL per format (`native` is the document as
 * uploaded).
 *
 * @example
 * ```ts
 * const isoUrl = (layer: Layers.Layer) => layer.metadata?.iso
 * ```
 * @since 0.1.0
 * @category models
 */
export class Metadata extends /* @__PURE__ */ Schema.Class<Metadata>("@koordinates-effect/client/Metadata")({
  iso: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  dc: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  fgdc: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  native: /* @__PURE__ */ Schema.optionalKey(Schema.String)
}) {}

/**
 * A metadata format: ISO 19115/19139, Dublin Core, FGDC CSDGM, or the document as uploaded.
 *
 * @example
 * ```ts
 * const format: Metadata.MetadataFormat = "iso"
 * ```
 * @since 0.1.0
 * @category models
 */
export type MetadataFormat = "iso" | "dc" | "fgdc" | "native"

const converted = ["dc", "fgdc", "iso"] as const

/**
 * The formats an object's metadata can be read in besides `native`, in the order `dc`,
 * `fgdc`, `iso`.
 *
 * @example
 * ```ts
 * declare const layer: Layers.Layer
 * Metadata.formats(layer.metadata!) // ["dc", "iso"]
 * ```
 * @since 0.1.0
 * @category utils
 */
export const formats = (metadata: Metadata): Array<"dc" | "fgdc" | "iso"> =>
  converted.filter((format) => metadata[format] !== undefined)

const formatUrl = (metadata: Metadata, format: MetadataFormat): Effect.Effect<string, ClientValidationError> => {
  const url = (["iso", "dc", "fgdc", "native"] as const).includes(format) ? metadata[format] : undefined
  return url === undefined
    ? Effect.fail(new ClientValidationError({
      field: "format",
      message: `Invalid format "${format}": this metadata has ${
        [...formats(metadata), ...(metadata.native === undefined ? [] : ["native"])].join(", ") || "no formats"
      }`
    }))
    : Effect.succeed(url)
}

const xmlRequest = (url: string): Http.ApiRequest => ({ method: "GET", path: url, headers: { accept: "text/xml" } })

/**
 * Reads an object's metadata document as text, in one format (default `native`).
 * `ClientValidationError` when the object has no metadata in that format.
 *
 * @example
 * ```ts
 * declare const layer: Layers.Layer
 * const xml = yield* Metadata.getXml(layer.metadata!, "iso")
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getXml = /* @__PURE__ */ Effect.fn("Koordinates.Metadata.getXml")(
  function*(metadata: Metadata, format: MetadataFormat = "native"): Effect.fn.Return<string, CallError, Koordinates> {
    return yield* Http.text(xmlRequest(yield* formatUrl(metadata, format)), Xml.notDocument)
  }
)

/**
 * Reads an object's metadata document as a byte `Stream`, without holding it whole.
 *
 * @example
 * ```ts
 * declare const layer: Layers.Layer
 * declare const fileSink: Sink.Sink<void, Uint8Array>
 * Metadata.getXmlStream(layer.metadata!, "native").pipe(Stream.run(fileSink))
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getXmlStream = (
  metadata: Metadata,
  format: MetadataFormat = "native"
): Stream.Stream<Uint8Array, CallError, Koordinates> =>
  Stream.unwrap(Effect.map(formatUrl(metadata, format), (url) => Http.stream(xmlRequest(url)))).pipe(
    Stream.withSpan("Koordinates.Metadata.getXmlStream")
  )

/**
 * Sets the metadata of the object at `objectUrl` — a layer version, a set or set version,
 * a source or datasource (its API URL, as in the object's `url` or `this_version`) — from
 * an XML document given as text, bytes or a byte `Stream`.
 *
 * @example
 * ```ts
 * declare const draft: Layers.Layer
 * yield* Metadata.setXml(draft.this_version!, "<gmd:MD_Metadata …/>")
 * ```
 * @since 0.1.0
 * @category writes
 */
export const setXml = /* @__PURE__ */ Effect.fn("Koordinates.Metadata.setXml")(
  function*(objectUrl: string, xml: Xml.XmlInput): Effect.fn.Return<void, CallError, Koordinates> {
    if (!URL.canParse(objectUrl) || !objectUrl.endsWith("/")) {
      return yield* new ClientValidationError({
        field: "objectUrl",
        message: `Invalid objectUrl "${objectUrl}": expected the object's API URL, ending with /`
      })
    }
    yield* Versioned.postMetadata(objectUrl, xml)
  }
)
