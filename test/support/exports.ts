/** Exports ready to download, for the download tests: made on the fake, or pointing anywhere. */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Layers from "@koordinates-effect/client/Layers"
import { FakeKoordinates } from "@koordinates-effect/testing"

/** A fake with one layer and a complete export of it, `size` bytes long; the logs cleared. */
export const completeExport = (size: number) =>
  Effect.gen(function*() {
    const fake = yield* FakeKoordinates
    fake.store.setExportSize(size)
    const layer = yield* Layers.get(fake.store.addLayer({ name: "Roads" }).id)
    const created = yield* Exports.create({
      crs: "EPSG:2193",
      formats: { vector: "application/x-zipped-shp" },
      items: [{ item: layer.url }]
    })
    const done = yield* Exports.waitForExport(created.id, { schedule: Schedule.spaced("5 millis") })
    fake.log.clear()
    fake.storageLog.clear()
    return done
  })

/** A complete export 7 named `name`, whose file is at `downloadUrl` (on any server); made without a request. */
export const exportAt = (downloadUrl: string, name = "kx-roads") =>
  new Exports.Export({
    id: 7,
    url: `${new URL(downloadUrl).origin}/services/api/v1.x/exports/7/`,
    name,
    state: "complete",
    created_at: new Date("2024-01-01T00:00:00Z"),
    download_url: downloadUrl
  })
