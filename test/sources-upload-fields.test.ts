/**
 * The fields of a new upload source beyond its title: description, group, user, categories
 * and tags travel in the `source` JSON part, and bad ones are refused before any request.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Sources from "@koordinates-effect/client/Sources"
import { failure } from "./support/effect.ts"
import { withFake } from "./support/fake.ts"

const file = { bytes: new TextEncoder().encode("id,name\n1,a\n"), uploadPath: "parks.csv" } as const

describe("Sources.createUpload fields", () => {
  it.live("sends user, group, categories and tags with the upload; the new source carries them", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const user = fake.store.users.at(-1)!
        const category = fake.store.categories[0]!
        const source = yield* Sources.createUpload({
          title: "Parks",
          description: "City parks",
          user: user.id,
          group: fake.store.groups[0]!.id,
          categories: [category.slug],
          tags: ["parks", "wellington"],
          files: [file]
        })
        assert.strictEqual(source.user?.id, user.id)
        assert.strictEqual(source.group?.id, fake.store.groups[0]!.id)
        assert.deepStrictEqual(source.categories?.map((c) => c.slug), [category.slug])
        assert.deepStrictEqual(source.tags, ["parks", "wellington"])
        assert.strictEqual(source.description, "City parks")
        const record = fake.store.getSource(source.id)!
        assert.strictEqual(record.user?.id, user.id)
        assert.deepStrictEqual(record.tags, ["parks", "wellington"])
      })
    ))

  for (
    const [name, fields, field] of [
      ["a user id of 0", { user: 0 }, "user"],
      ["a fractional group", { group: 1.5 }, "group"],
      ["a category that is not text", { categories: [7] }, "categories[0]"],
      ["tags that are not a list", { tags: "parks" }, "tags"]
    ] as const
  ) {
    it.live(`refuses ${name} with ClientValidationError, before any request`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          const upload = { title: "Parks", files: [file], ...fields } as unknown as Sources.NewUpload
          const error = yield* failure(Sources.createUpload(upload))
          if (error._tag !== "ClientValidationError") return assert.fail(error._tag)
          assert.strictEqual(error.field, field)
          assert.strictEqual(fake.log.count(), 0)
        })
      ))
  }
})
