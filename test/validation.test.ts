/**
 * Bad input is refused before any request: each case fails with `ClientValidationError`
 * naming the field, and the fake's request log stays empty.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { KoordinatesError } from "@koordinates-effect/client/Errors"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Tokens from "@koordinates-effect/client/Tokens"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Permissions from "@koordinates-effect/client/Permissions"
import * as Sources from "@koordinates-effect/client/Sources"
import * as Users from "@koordinates-effect/client/Users"
import * as Groups from "@koordinates-effect/client/Groups"
import * as Query from "@koordinates-effect/client/Query"
import * as Stream from "effect/Stream"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const versionUrl = "https://labs.koordinates.com/services/api/v1.x/layers/1/versions/2/"
const layerUrl = "https://labs.koordinates.com/services/api/v1.x/layers/1/"
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-validation-"))
const existingFile = path.join(scratch, "roads.csv")
fs.writeFileSync(existingFile, "id,name\n1,Main Road\n")
const withFiles = <A, E>(effect: Effect.Effect<A, E, Koordinates.Koordinates | import("effect/FileSystem").FileSystem>) =>
  Effect.provide(effect, NodeFileSystem.layer)
const exportRequest: Exports.NewExport = { crs: "EPSG:2193", formats: { vector: "application/x-zipped-shp" }, items: [{ item: layerUrl }] }
const completeExport = new Exports.Export({
  id: 7,
  url: "https://labs.koordinates.com/services/api/v1.x/exports/7/",
  name: "roads",
  state: "complete",
  created_at: new Date(),
  download_url: "https://labs.koordinates.com/services/api/v1.x/exports/7/download/"
})
const credentials = { email: "me@example.com", password: "secret" }

/** input → the field its error must name → the call. */
const cases: ReadonlyArray<
  readonly [string, string, Effect.Effect<unknown, KoordinatesError, Koordinates.Koordinates>]
> = [
  ["a blank layer name", "name", Layers.create({ name: "  ", data: { datasources: [1] } })],
  ["no datasources", "data.datasources", Layers.create({ name: "x", data: { datasources: [] } })],
  ["a datasource id of 0", "data.datasources[0]", Layers.create({ name: "x", data: { datasources: [0] } })],
  ["a fractional group", "group", Layers.create({ name: "x", group: 1.5, data: { datasources: [1] } })],
  ["a blank name in changes", "name", Layers.update(1, 2, { name: "" })],
  ["a bad version id in update", "versionId", Layers.update(1, -2, { description: "x" })],
  ["metadata that is not XML", "xml", Layers.setMetadata(1, 2, "title: roads")],
  ["metadata bytes that are not XML", "xml", Layers.setMetadata(1, 2, new TextEncoder().encode("{}"))],
  ["a bad layer id in a wait", "layerId", Layers.waitForImport(0, 1)],
  ["a bad id in startImport", "versionId", Layers.startImport(1, Number.NaN)],
  ["a bad id in startUpdate", "layerId", Layers.startUpdate(-1)],
  ["a bad id in deleteLayer", "layerId", Layers.deleteLayer(0)],
  ["a bad id in publishVersion", "versionId", Layers.publishVersion(1, 0)],
  ["a set item that is not a layer URL", "items[0]", Sets.create({ title: "t", items: ["roads"] })],
  ["a blank set title", "title", Sets.create({ title: "" })],
  ["a bad set version for metadata", "versionId", Sets.setMetadata(1, "<x/>", { versionId: -1 })],
  ["no publish items", "items", Publishing.create({ items: [] })],
  ["a publish item that is not a version URL", "items[0]", Publishing.create({ items: [versionUrl.replace("versions/2/", "")] })],
  ["a malformed publishAt", "publishAt", Publishing.create({ items: [versionUrl], publishAt: "tomorrow" })],
  ["an impossible publishAt", "publishAt", Publishing.create({ items: [versionUrl], publishAt: "2024-02-30T25:00:00Z" })],
  ["an unknown publish strategy", "publishStrategy", Publishing.create({ items: [versionUrl], publishStrategy: "sometimes" as never })],
  ["an unknown error strategy", "errorStrategy", Publishing.create({ items: [versionUrl], errorStrategy: "retry" as never })],
  ["a Creative Commons slug without cc-by", "slug", Licenses.getCreativeCommons("cc-nc")],
  ["a Creative Commons slug with both sa and nd", "slug", Licenses.getCreativeCommons("cc-by-sa-nd")],
  ["a jurisdiction that is not a code", "jurisdiction", Licenses.getCreativeCommons("cc-by", "New Zealand")],
  ["a license id of 0", "id", Licenses.get(0)],
  ["a blank token name", "name", Tokens.create({ name: " " }, credentials)],
  ["an unknown token scope", "scopes[0]", Tokens.create({ name: "t", scopes: ["layers:admin" as never] }, credentials)],
  ["a token referrer with a path", "referrers[0]", Tokens.create({ name: "t", referrers: ["example.com/x"] }, credentials)],
  ["an email without @", "email", Tokens.create({ name: "t" }, { email: "me", password: "p" })],
  ["an empty password", "password", Tokens.create({ name: "t" }, { email: "me@example.com", password: "" })],
  ["a metadata format the object lacks", "format", Metadata.getXml(new Metadata.Metadata({ iso: versionUrl }), "dc")],
  ["a metadata target that is not a URL", "objectUrl", Metadata.setXml("layers/1/versions/2", "<x/>")],
  ["an upload with no files", "files", Sources.createUpload({ title: "t", files: [] })],
  ["an upload with a blank title", "title", Sources.createUpload({ title: "", files: [{ bytes: new Uint8Array(1), uploadPath: "a.csv" }] })],
  ["an upload of a missing file", "files[0].path", withFiles(Sources.createUpload({ title: "t", files: [{ path: path.join(scratch, "nope.csv") }] }))],
  ["an upload of a directory", "files[0].path", withFiles(Sources.createUpload({ title: "t", files: [{ path: scratch }] }))],
  ["an upload path read without a FileSystem", "files[0].path", Sources.createUpload({ title: "t", files: [{ path: existingFile }] })],
  ["duplicate upload paths", "files[1].uploadPath", withFiles(Sources.createUpload({ title: "t", files: [{ path: existingFile }, { bytes: new Uint8Array(2), uploadPath: "roads.csv" }] }))],
  ["an upload path escaping its folder", "files[0].uploadPath", Sources.createUpload({ title: "t", files: [{ bytes: new Uint8Array(1), uploadPath: "../etc/passwd" }] })],
  ["a remote source without a URL", "url_remote", Sources.create({ type: "wfs", title: "t", url_remote: "not a url" })],
  ["a bad scan id", "scanId", Sources.getScan(1, 0)],
  ["a bad source id for a scan", "sourceId", Sources.cancelScan(0, 1)],
  ["a bad scan id for its log", "scanId", Stream.runDrain(Sources.scanLog(1, -1))],
  ["a bad datasource id", "datasourceId", Sources.getDatasource(1, 1.5)],
  ["a bad source id in update, before its changes", "id", Sources.update(0, { title: "" })],
  ["a blank source title in update", "title", Sources.update(1, { title: "" })],
  ["a bad token id in update, before its changes", "id", Tokens.update(-1, { name: "" })],
  ["a bad token id in delete", "id", Tokens.delete(0)],
  ["a bad user id", "id", Users.get(0)],
  ["a bad group id", "id", Groups.get(Number.NaN)],
  ["a bad publish id in cancel", "id", Publishing.cancel(0)],
  ["a bad crop layer id", "cropLayerId", Exports.getCropFeature(0, 1)],
  ["a bad crop feature id", "featureId", Exports.getCropFeature(1, 0)],
  ["a bad crop layer id in a list", "cropLayerId", Query.collect(Exports.listCropFeatures(-3))],
  ["a bad source id in a list", "sourceId", Query.collect(Sources.listDatasources(0))],
  ["a bad set id for a draft", "setId", Sets.getDraft(0)],
  ["a bad expand name", "expand", Exports.getCropLayer(1, { expand: ["a b"] })],
  ["an export CRS that is not EPSG", "crs", Exports.create({ ...exportRequest, crs: "NZTM" })],
  ["an export with no formats", "formats", Exports.validate({ ...exportRequest, formats: {} })],
  ["an export with no items", "items", Exports.create({ ...exportRequest, items: [] })],
  ["an export item that is not a layer", "items[0].item", Exports.create({ ...exportRequest, items: [{ item: "roads" }] })],
  ["an export colour that is not #rrggbb", "items[0].color", Exports.create({ ...exportRequest, items: [{ item: layerUrl, color: "blue" }] })],
  ["a download into an existing file", "target", withFiles(Exports.downloadToFile(completeExport, existingFile))],
  ["a download to an empty path", "target", withFiles(Exports.downloadToFile(completeExport, " "))],
  ["a permission level that does not exist", "permission", Permissions.create({ layer: 1 }, { group: 108, permission: "own" as never })],
  ["a permission on layer 0", "layerId", Permissions.create({ layer: 0 }, { user: 4, permission: "view" })],
  ["a permission id of the wrong form", "id", Permissions.get({ set: 1 }, "team.4" as never)],
  ["a permission for both a group and a user", "permissions[0]", Permissions.set({ set: 1 }, [{ group: 108, user: 4, permission: "view" }])],
  ["a bad permission in a set", "permissions[1].user", Permissions.set({ source: 1 }, [{ group: "everyone", permission: "view" }, { user: -4, permission: "view" }])],
  ["a timeout that is not a duration", "timeout", Layers.get(1).pipe(Koordinates.withRequestOptions({ timeout: "soon" as never }))],
  ["a negative budget", "budget", Layers.get(1).pipe(Koordinates.withRequestOptions({ budget: -5 }))],
  ["an idle timeout that is not a duration", "idleTimeout", Layers.get(1).pipe(Koordinates.withRequestOptions({ idleTimeout: "never" as never }))],
  ["a fractional retry count", "retry.times", Layers.get(1).pipe(Koordinates.withRequestOptions({ retry: { times: 1.5 } }))],
  ["a retry cap that is not a duration", "retry.maxDelay", Layers.get(1).pipe(Koordinates.withRequestOptions({ retry: { maxDelay: "forever" as never } }))],
  ["an infinite first retry wait", "retry.base", Layers.get(1).pipe(Koordinates.withRequestOptions({ retry: { base: Infinity } }))],
  ["an invalid Date as a filter value", "filter", Query.collect(Query.filter(Layers.list(), { "created_at.gte": new Date(Number.NaN) }))],
  ["an object as a filter value", "filter", Query.count(Query.filter(Layers.list(), { kind: { not: "raster" } as never }))],
  ["null as a filter value", "filter", Query.first(Query.filter(Layers.list(), { group: null as never }))],
  ["NaN as a filter value", "filter", Stream.runDrain(Query.stream(Query.filter(Layers.list(), { group: Number.NaN })))],
  ["Infinity among a filter's values", "filter", Stream.runDrain(Query.pages(Query.filter(Layers.list(), { group: [1, Infinity] })))],
  ["an array inside a filter's values", "filter", Query.collect(Query.filter(Layers.list(), { tag: ["roads", ["rail"]] as never }))],
  ["an object as an extra parameter", "extra", Query.collect(Query.extra(Layers.list(), { bbox: { west: 174 } as never }))],
  ["an invalid Date as an extra parameter", "extra", Query.count(Query.extra(Layers.list(), { since: [new Date("soon")] }))]
]

describe("bad input", () => {
  for (const [what, field, call] of cases) {
    it.live(`${what} is refused before any request (${field})`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const error = yield* failure(call)
          if (error._tag !== "ClientValidationError") return assert.fail(`${error._tag}: ${error.message}`)
          assert.strictEqual(error.field, field)
          assert.include(error.message, "Invalid")
          assert.lengthOf(fake.log.entries(), 0)
        })
      ))
  }
})
