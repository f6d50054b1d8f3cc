/**
 * WFS (placeholder until GetFeature lands).
 */
import type { ServiceContext } from "./DataServices.ts"
import { ServiceError } from "./DataServices.ts"
import type { Reply } from "./Http.ts"

/** Answers a WFS request. */
export const handle = (_context: ServiceContext, _typeName: string | undefined): Reply => {
  throw new ServiceError(501, "Not implemented yet.", "OperationNotSupported")
}
