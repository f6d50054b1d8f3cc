/**
 * The features of a layer inside a box, streamed page by page from the site's WFS into an
 * NDJSON file (one GeoJSON Feature a line): memory holds a page or two, never the layer.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as Features from "@koordinates-effect/client/Features"

/** Writes each feature of `features` to `file` as a line of JSON; gives how many were written. */
export const toNdjson = <P>(features: Features.Features<P>, file: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => fs.createWriteStream(file)),
    (out) =>
      Features.stream(features).pipe(
        Stream.map((feature) => `${JSON.stringify(feature)}\n`),
        // back-pressure: wait for the file when its buffer is full
        Stream.runFoldEffect(() => 0, (written, line) =>
          Effect.callback<number>((resume) => {
            if (out.write(line)) resume(Effect.succeed(written + 1))
            else out.once("drain", () => resume(Effect.succeed(written + 1)))
          }))
      ),
    (out) => Effect.callback<void>((resume) => void out.end(() => resume(Effect.void)))
  )

/** The features of `layerId` within a WGS84 box, to `file`. */
export const bboxToNdjson = (layerId: number, box: Features.BBox["box"], file: string, pageSize = 500) =>
  Effect.gen(function*() {
    const features = Features.layer(layerId).pipe(Features.bbox(box, "EPSG:4326"), Features.srsName("EPSG:4326"), Features.pageSize(pageSize))
    const matched = yield* Features.count(features)
    const written = yield* toNdjson(features, file)
    yield* Console.log(`Layer ${layerId}: ${written} of ${matched} matching feature(s) written to ${file}`)
    return written
  })
