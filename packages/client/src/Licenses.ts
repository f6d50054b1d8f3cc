/**
 * Licenses: the terms data is published under (Creative Commons and others).
 *
 * @example
 * ```ts
 * import * as Licenses from "@koordinates-effect/client/Licenses"
 * const isCreativeCommons = (l: Licenses.License) => l.type.startsWith("cc-")
 * ```
 * @since 0.1.0
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type CallError, ClientValidationError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Http from "./internal/http.ts"

/**
 * A license. `jurisdiction` and `version` are set for Creative Commons licenses only.
 *
 * @example
 * ```ts
 * const label = (l: Licenses.License) => `${l.title} (${l.type})`
 * ```
 * @since 0.1.0
 * @category models
 */
export class License extends /* @__PURE__ */ Schema.Class<License>("@koordinates-effect/client/License")({
  id: Schema.Number,
  title: Schema.String,
  type: Schema.String,
  jurisdiction: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  version: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  url: Schema.String,
  url_html: /* @__PURE__ */ Schema.optionalKey(Schema.String),
  url_fulltext: /* @__PURE__ */ Schema.optionalKey(Schema.String)
}) {}

/**
 * Every license of the site.
 *
 * @example
 * ```ts
 * const licenses = yield* Query.collect(Licenses.list())
 * ```
 * @since 0.1.0
 * @category lists
 */
export const list = /* @__PURE__ */ Endpoint.list("Koordinates.Licenses.list", "/licenses/", License)

/**
 * A license by id.
 *
 * @example
 * ```ts
 * const license = yield* Licenses.get(9)
 * ```
 * @since 0.1.0
 * @category getters
 */
export const get = /* @__PURE__ */ Endpoint.get("Koordinates.Licenses.get", "/licenses/{id}/", License)

const creativeCommonsSlug = /^cc-by(?:-nc)?(?:-sa|-nd)?$/

/**
 * A Creative Commons license by its slug — `cc-by`, then optionally `-nc`, then optionally
 * `-sa` or `-nd` — and jurisdiction (`nz`, `au`…; none for the international license).
 * Both are checked before any request.
 *
 * @example
 * ```ts
 * const byNcNz = yield* Licenses.getCreativeCommons("cc-by-nc", "nz")
 * const international = yield* Licenses.getCreativeCommons("cc-by-sa")
 * ```
 * @since 0.1.0
 * @category getters
 */
export const getCreativeCommons = /* @__PURE__ */ Effect.fn("Koordinates.Licenses.getCreativeCommons")(function*(
  slug: string,
  jurisdiction?: string
): Effect.fn.Return<License, CallError, Koordinates> {
  if (!creativeCommonsSlug.test(slug)) {
    return yield* new ClientValidationError({
      field: "slug",
      message: `Invalid Creative Commons slug "${slug}": expected cc-by, then optionally -nc, then -sa or -nd`
    })
  }
  if (jurisdiction !== undefined && !/^[a-z]{0,3}$/.test(jurisdiction)) {
    return yield* new ClientValidationError({
      field: "jurisdiction",
      message: `Invalid jurisdiction "${jurisdiction}": expected a country code such as nz or au`
    })
  }
  return yield* Http.json({ method: "GET", path: `/licenses/${slug}/${jurisdiction ?? ""}/` }, License)
})
