/**
 * Bundles an entry the way a browser app would (esbuild: bundle, minify, ESM, browser) from
 * the built packages, and measures it.
 */
import * as esbuild from "esbuild"
import * as path from "node:path"
import * as zlib from "node:zlib"

/** Size and text of one bundled entry. */
export interface BundleReport {
  readonly name: string
  readonly minified: number
  readonly gzipped: number
  readonly text: string
}

const root = path.resolve(import.meta.dirname, "../..")

/** Bundles `source` (an ES module importing the packages by name) and measures it. */
export const bundle = async (name: string, source: string): Promise<BundleReport> => {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: root, sourcefile: `${name}.ts`, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent"
  })
  const bytes = result.outputFiles[0]!.contents
  return {
    name,
    minified: bytes.length,
    gzipped: zlib.gzipSync(bytes, { level: 9 }).length,
    text: new TextDecoder().decode(bytes)
  }
}

/** A printable table of bundle sizes. */
export const table = (reports: ReadonlyArray<BundleReport>): string =>
  [
    "| entry | min B | gzip B |",
    "|---|---:|---:|",
    ...reports.map((r) => `| ${r.name} | ${r.minified} | ${r.gzipped} |`)
  ].join("\n")
