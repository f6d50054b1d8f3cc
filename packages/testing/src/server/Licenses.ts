/**
 * License endpoints (any valid token, no scope needed): the list, one license by id, and the
 * Creative Commons lookup by type and jurisdiction, where an empty jurisdiction
 * (`/licenses/cc-by-nc//`) names the international (unported) license.
 */
import { notFound, ok, pathParam, type PathParams, type Reply, type RequestContext, textParam } from "./Http.ts"
import type { LicenseRecord } from "./Model.ts"
import { listReply } from "./Pagination.ts"
import { renderLicense } from "./Render.ts"

const found = (context: RequestContext, license: LicenseRecord | undefined): Reply => {
  if (license === undefined) throw notFound()
  return ok(renderLicense(context.urls, license))
}

/** GET `/licenses/`: every license, by id. */
export const list = (context: RequestContext): Reply =>
  listReply(context, context.store.licenses, (license) => renderLicense(context.urls, license))

/** GET `/licenses/{id}/`. */
export const get = (context: RequestContext, params: PathParams): Reply => {
  const id = pathParam(params, "id")
  return found(context, context.store.licenses.find((license) => license.id === id))
}

/** GET `/licenses/{slug}/{jurisdiction}/`: 404 for an unknown type and jurisdiction pair. */
export const creativeCommons = (context: RequestContext, params: PathParams): Reply => {
  const type = textParam(params, "slug")
  const jurisdiction = textParam(params, "jurisdiction")
  return found(
    context,
    context.store.licenses.find((license) => license.type === type && license.jurisdiction === jurisdiction)
  )
}
