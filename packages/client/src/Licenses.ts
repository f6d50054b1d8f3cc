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
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { ClientValidationError, type KoordinatesError } from "./Errors.ts"
import type { Koordinates } from "./Koordinates.ts"
import * as Query from "./Query.ts"
import * as Get from "./internal/get.ts"
import * as Http from "./internal/http.ts"
import * as Validate from "./internal/validate.ts"

/**
 * A license. `jurisdiction` and `version` are set for Creative Commons licenses only.
 *
 * @example
 * ```ts
 * const label = (l: Licenses.License) => `${l.title} (${l.type})`
 * ```
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
 */
export const list = (): Query.Query<License> =>
  Query.make({ name: "Koordinates.Licenses.list", path: "/licenses/", schema: License })

/**
 * A license by id.
 *
 * @example
 * ```ts
 * const license = yield* Licenses.get(9)
 * ```
 */
export const get: (id: number, options?: Get.GetOptions) => Effect.Effect<License, KoordinatesError, Koordinates> =
  /* @__PURE__ */ Effect.fn("Koordinates.Licenses.get")(function*(id: number, options?: Get.GetOptions) {
    yield* Validate.id("id", id)
    return yield* Get.object(`/licenses/${id}/`, License, options)
  })

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
 */
export const getCreativeCommons: (
  slug: string,
  jurisdiction?: string
) => Effect.Effect<License, KoordinatesError, Koordinates> = /* @__PURE__ */ Effect.fn(
  "Koordinates.Licenses.getCreativeCommons"
)(function*(slug: string, jurisdiction?: string) {
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
