/**
 * Licenses: the terms data is published under (Creative Commons and others).
 *
 * @example
 * ```ts
 * import * as Licenses from "@koordinates-effect/client/Licenses"
 * const isCreativeCommons = (l: Licenses.License) => l.type.startsWith("cc-")
 * ```
 * @module
 */
import * as Schema from "effect/Schema"

/**
 * A license. `jurisdiction` and `version` are set for Creative Commons licenses only.
 *
 * @example
 * ```ts
 * const label = (l: Licenses.License) => `${l.title} (${l.type})`
 * ```
 */
export class License extends Schema.Class<License>("@koordinates-effect/client/License")({
  id: Schema.Number,
  title: Schema.String,
  type: Schema.String,
  jurisdiction: Schema.optionalKey(Schema.String),
  version: Schema.optionalKey(Schema.String),
  url: Schema.String,
  url_html: Schema.optionalKey(Schema.String),
  url_fulltext: Schema.optionalKey(Schema.String)
}) {}
