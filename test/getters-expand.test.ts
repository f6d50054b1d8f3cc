/**
 * `expand` on every single-object getter the API has: the names go out as one `Expand`
 * header; a bad name is a ClientValidationError before any request.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { KoordinatesError } from "@koordinates-effect/client/Errors"
import * as Exports from "@koordinates-effect/client/Exports"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Licenses from "@koordinates-effect/client/Licenses"
import * as Permissions from "@koordinates-effect/client/Permissions"
import * as Publishing from "@koordinates-effect/client/Publishing"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import * as Sources from "@koordinates-effect/client/Sources"
import * as Tokens from "@koordinates-effect/client/Tokens"
import type * as FakeKoordinates from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

type Getter = (options: { readonly expand: ReadonlyArray<string> }) => Effect.Effect<unknown, KoordinatesError, Koordinates>

/** Each getter, applied to an object the fake holds. */
const getters: ReadonlyArray<
  readonly [string, (fake: FakeKoordinates.FakeServer) => Effect.Effect<Getter, KoordinatesError, Koordinates>]
> = [
  ["Layers.get", (fake) => Effect.succeed((o) => Layers.get(fake.store.addLayer().id, o))],
  ["Layers.getDraft", (fake) => Effect.succeed((o) => Layers.getDraft(fake.store.addLayer({ draft: "ok" }).id, o))],
  ["Sets.get", (fake) => Effect.succeed((o) => Sets.get(fake.store.addSet().id, o))],
  ["Sets.getPublished", (fake) => Effect.succeed((o) => Sets.getPublished(fake.store.addSet().id, o))],
  ["Publishing.get", (fake) =>
    Effect.map(
      Layers.getDraft(fake.store.addLayer({ draft: "ok" }).id).pipe(Effect.flatMap((draft) => Publishing.create({ items: [draft] }))),
      (publish): Getter => (o) => Publishing.get(publish.id, o)
    )],
  ["Licenses.get", () =>
    Effect.map(Query.collect(Licenses.list()), (licenses): Getter => (o) => Licenses.get(licenses[0]!.id, o))],
  ["Sources.get", (fake) => Effect.succeed((o) => Sources.get(fake.store.addSource().id, o))],
  ["Exports.get", (fake) =>
    Effect.map(
      Layers.get(fake.store.addLayer().id).pipe(Effect.flatMap((layer) =>
        Exports.create({ crs: "EPSG:2193", formats: { vector: "application/x-zipped-shp" }, items: [{ item: layer.url }] })
      )),
      (created): Getter => (o) => Exports.get(created.id, o)
    )],
  ["Exports.getCropLayer", () =>
    Effect.map(Query.collect(Exports.listCropLayers()), (layers): Getter => (o) => Exports.getCropLayer(layers[0]!.id, o))],
  ["Permissions.get", (fake) => Effect.succeed((o) => Permissions.get({ layer: fake.store.addLayer().id }, "group.everyone", o))],
  ["Tokens.get", () => Effect.map(Query.collect(Tokens.list()), (tokens): Getter => (o) => Tokens.get(tokens[0]!.id, o))]
]

describe("expand on single-object getters", () => {
  for (const [name, setUp] of getters) {
    it.live(`${name} sends Expand: a,b, and refuses a bad name before any request`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const getter = yield* setUp(fake)
          fake.log.clear()
          yield* getter({ expand: ["permissions", "metadata"] })
          const [entry] = fake.log.entries()
          assert.strictEqual(entry?.method, "GET")
          assert.strictEqual(entry?.headers["expand"], "permissions,metadata")
          fake.log.clear()
          const error = yield* failure(getter({ expand: ["bad name"] }))
          if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
          assert.strictEqual(error.field, "expand")
          assert.strictEqual(fake.log.count(), 0)
        })
      ))
  }
})
