/**
 * Metadata: the XML documents describing layers, sets and sources.
 *
 * @example
 * ```ts
 * import * as Metadata from "@koordinates-effect/client/Metadata"
 * const formats = (m: Metadata.Metadata) => Object.keys(m)
 * ```
 * @module
 */
import * as Schema from "effect/Schema"

/**
 * Where an object's metadata can be read, one URL per format (`native` is the document as
 * uploaded).
 *
 * @example
 * ```ts
 * const isoUrl = (layer: Layer) => layer.metadata?.iso
 * ```
 */
export class Metadata extends Schema.Class<Metadata>("@koordinates-effect/client/Metadata")({
  iso: Schema.optionalKey(Schema.String),
  dc: Schema.optionalKey(Schema.String),
  fgdc: Schema.optionalKey(Schema.String),
  native: Schema.optionalKey(Schema.String)
}) {}
