/**
 * Data in and out: upload files as a source, wait for the scan the upload starts and list
 * what it holds; export layers, wait for the export and download it to a file with a
 * progress line.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Query from "@koordinates-effect/client/Query"
import * as Sources from "@koordinates-effect/client/Sources"

const brisk = { schedule: Schedule.spaced("200 millis"), timeout: "2 minutes" } as const

/** Uploads files, waits for the scan the upload starts, and lists the new source's datasources. */
export const uploadAndScan = (title: string, files: ReadonlyArray<Sources.UploadFile>) =>
  Effect.gen(function*() {
    const source = yield* Sources.createUpload({ title, files }, {
      onProgress: ({ sent, total }) =>
        sent === total ? Console.log(`Uploaded ${sent} bytes`) : Effect.void
    })
    yield* Console.log(`Source ${source.id} "${source.title}" (${source.type})`)
    // a new upload is scanned on its own: wait for that scan (newest first)
    const scan = Option.getOrThrow(yield* Query.first(Sources.listScans(source.id)))
    const done = yield* Sources.waitForScan(source.id, scan.id, brisk)
    yield* Console.log(`Scan ${done.id}: ${done.status}, ${done.change_counts?.added ?? 0} added`)
    const datasources = yield* Query.collect(Sources.listDatasources(source.id))
    for (const datasource of datasources) {
      yield* Console.log(`  datasource ${datasource.id}: ${datasource.title} (${datasource.data_type}, ${datasource.format})`)
    }
    return datasources
  })

/** Exports layers, waits for the export, and downloads it into `directory` with a progress line. */
export const exportAndDownload = (layerUrls: ReadonlyArray<string>, directory: string) =>
  Effect.gen(function*() {
    const created = yield* Exports.create({
      crs: "EPSG:2193",
      formats: { vector: "application/x-zipped-shp" },
      items: layerUrls.map((item) => ({ item }))
    })
    yield* Console.log(`Export ${created.id} "${created.name}": ${created.state}`)
    const done = yield* Exports.waitForExport(created.id, brisk)
    let shown = -25
    const path = yield* Exports.downloadToFile(done, directory, {
      overwrite: true,
      onProgress: ({ received, total }) => {
        const percent = total === undefined ? 0 : Math.floor((received / total) * 100)
        if (percent < shown + 25 && received !== total) return Effect.void
        shown = percent
        return Console.log(`  downloading: ${received} of ${total ?? "?"} bytes (${percent}%)`)
      }
    })
    yield* Console.log(`Downloaded ${path}`)
    return path
  })
