/**
 * Publishes and how they run: a publish takes draft versions of layers, tables and sets
 * live, moving through
 *
 * - `scheduled` while its `publish_at` is in the future (on the fake's clock);
 * - `waiting-for-items` while any item still imports;
 * - `errored` once an import failed and the error strategy is `abort` (nothing goes live);
 * - `publishing` for the store's publish time from the moment it was ready (its time had
 *   come and its last item had imported), then `completed`: each item version that
 *   imported (with `ignore`, failed ones are skipped) becomes its item's published version.
 *
 * On the `per-read` clock a read moves it instead: each read of a publish reads its items'
 * imports, and the read after it became `publishing` completes it.
 */
import type { CatalogStore } from "./CatalogStore.ts"
import type { FakeClock } from "./Clock.ts"
import { isActivePublish, type PublishRecord, type VersionedRecord, type VersionRecord } from "./Model.ts"
import { formatTimestamp } from "./Time.ts"

const firstPublishId = 5001

/** Every publish, oldest first. */
export class PublishStore {
  readonly #clock: FakeClock
  readonly #catalog: CatalogStore
  readonly #publishLength: () => number
  #publishes: Array<PublishRecord> = []
  #nextPublishId = firstPublishId

  /** Publishes of `catalog`'s items, each `publishLength()` ms long once ready. */
  constructor(clock: FakeClock, catalog: CatalogStore, publishLength: () => number) {
    this.#clock = clock
    this.#catalog = catalog
    this.#publishLength = publishLength
  }

  /** Every publish, oldest first. */
  publishes(): ReadonlyArray<PublishRecord> {
    return [...this.#publishes]
  }

  /** The publish with this id. */
  getPublish(id: number): PublishRecord | undefined {
    return this.#publishes.find((publish) => publish.id === id)
  }

  /** Starts a publish; returns it in its first state. */
  addPublish(fields: Omit<PublishRecord, "id" | "created_at" | "state">): PublishRecord {
    const created_at = formatTimestamp(this.#clock.now(), "millis")
    const publish: PublishRecord = { id: this.#nextPublishId++, created_at, state: "scheduled", ...fields }
    this.#publishes.push(publish)
    this.#step(publish, false)
    return publish
  }

  /** The publish still under way that holds this version, or a version of this item, if any. */
  activePublishOf(target: VersionRecord<unknown> | VersionedRecord): PublishRecord | undefined {
    return this.#publishes.find((publish) =>
      isActivePublish(publish) && publish.items.some((item) => item.version === target || item.record === target)
    )
  }

  /** A read of a publish: on the `per-read` clock it reads its items' imports and moves a step on. */
  pollPublish(publish: PublishRecord): void {
    if (this.#clock.mode !== "per-read") return
    for (const { version } of publish.items) this.#catalog.pollImport(version)
    this.#step(publish, true)
  }

  /** Stops a publish that has not ended: `cancelled`. */
  cancelPublish(publish: PublishRecord): void {
    publish.state = "cancelled"
  }

  /** Brings every publish up to the clock (after the imports it waits for). */
  settle(): void {
    if (this.#clock.mode === "per-read") return
    for (const publish of this.#publishes) this.#step(publish, false)
  }

  /** Forgets every publish and restarts ids. */
  reset(): void {
    this.#publishes = []
    this.#nextPublishId = firstPublishId
  }

  /** Works out a publish's state now; `read` is a read on the `per-read` clock. */
  #step(publish: PublishRecord, read: boolean): void {
    if (!isActivePublish(publish)) return
    const now = this.#clock.now()
    const publishAt = publish.publish_at === null ? Number.NEGATIVE_INFINITY : Date.parse(publish.publish_at)
    if (publishAt > now) {
      publish.state = "scheduled"
      return
    }
    const statuses = publish.items.map((item) => item.version.status)
    if (statuses.includes("importing")) publish.state = "waiting-for-items"
    else if (publish.error_strategy === "abort" && statuses.includes("error")) publish.state = "errored"
    else if (this.#clock.mode === "per-read") {
      if (read && publish.state === "publishing") this.#complete(publish, now)
      else publish.state = "publishing"
    } else {
      const done = this.#readyAt(publish, publishAt) + this.#publishLength()
      if (now >= done) this.#complete(publish, done)
      else publish.state = "publishing"
    }
  }

  /** When a publish was ready: created, its time come, its last item imported. */
  #readyAt(publish: PublishRecord, publishAt: number): number {
    const imported = publish.items.map((item) => this.#catalog.importEndedAt(item.version) ?? 0)
    return Math.max(Date.parse(publish.created_at), publishAt, ...imported)
  }

  /** Puts every item version that imported live at `at`. */
  #complete(publish: PublishRecord, at: number): void {
    const published_at = formatTimestamp(at, "millis")
    for (const { version } of publish.items) if (version.status === "ok") version.published_at = published_at
    this.#catalog.changed()
    publish.state = "completed"
  }
}
