/**
 * Bad input is refused before any request: each case fails with `ClientValidationError`
 * naming the field, and the fake's request log stays empty.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { ImportFailed, KoordinatesError, TimeoutError } from "@koordinates-effect/client/Errors"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Tokens from "@koordinates-effect/client/Tokens"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const versionUrl = "https://labs.koordinates.com/services/api/v1.x/layers/1/versions/2/"
const credentials = { email: "me@example.com", password: "secret" }

/** input → the field its error must name → the call. */
const cases: ReadonlyArray<
  readonly [string, string, Effect.Effect<unknown, KoordinatesError | ImportFailed | TimeoutError, Koordinates>]
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
  ["a metadata target that is not a URL", "objectUrl", Metadata.setXml("layers/1/versions/2", "<x/>")]
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
