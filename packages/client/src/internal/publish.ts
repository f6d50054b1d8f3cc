/**
 * The Publish model, kept apart from the Publishing module so that Layers and Sets (whose
 * `publishVersion` returns one) and Publishing (whose `getItems` returns layers and sets)
 * do not import each other.
 *
 * @since 0.1.0
 * @internal
 */
import * as Schema from "effect/Schema"
import { User } from "../Users.ts"
import { optionalNullable, Timestamp } from "./schema.ts"

/**
 * The states a publish moves through.
 *
 * @since 0.1.0
 */
export const PublishState = /* @__PURE__ */ Schema.Literals([
  "scheduled",
  "waiting-for-items",
  "publishing",
  "completed",
  "cancelled",
  "errored"
])

/**
 * A publish: one or more draft versions being published together or one by one.
 *
 * @since 0.1.0
 */
export class Publish extends /* @__PURE__ */ Schema.Class<Publish>("@koordinates-effect/client/Publish")({
  id: Schema.Number,
  url: Schema.String,
  state: PublishState,
  created_at: Timestamp,
  created_by: /* @__PURE__ */ Schema.optionalKey(/* @__PURE__ */ Schema.Union([User, Schema.Number])),
  error_strategy: Schema.String,
  publish_strategy: Schema.String,
  publish_at: /* @__PURE__ */ optionalNullable(Timestamp),
  items: /* @__PURE__ */ Schema.Array(Schema.String)
}) {}
