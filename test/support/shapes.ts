/** The keys, in order, of the JSON shapes the fake's tests check replies against. */

/** A full layer (`GET /layers/{id}/`). */
export const FULL_LAYER_KEYS = [
  "id", "url", "type", "name", "first_published_at", "published_at", "description", "description_html", "group",
  "data", "url_html", "published_version", "latest_version", "this_version", "kind", "categories", "tags",
  "collected_at", "created_at", "license", "metadata", "elevation_field", "permissions"
]

/** A layer list element. */
export const LAYER_SUMMARY_KEYS = ["id", "url", "type", "name", "first_published_at", "published_at"]

/** A layer version. */
export const VERSION_KEYS = ["id", "url", "status", "created_at", "created_by", "reference", "progress"]
