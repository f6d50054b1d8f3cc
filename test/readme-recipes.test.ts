/**
 * The README's recipes are proven by running them: each recipe test file is the README's
 * code block word for word (after its own header comment), so the two cannot drift apart.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "..")
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")

/** The ```ts blocks of the README section whose heading is `heading`, in order. */
const blocks = (heading: string): ReadonlyArray<string> => {
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start, heading).toBeGreaterThan(0)
  const rest = readme.slice(start + heading.length + 2)
  const section = rest.slice(0, rest.search(/\n#{1,3} /))
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
}

/** A test file without its leading doc comment. */
const body = (file: string) => fs.readFileSync(path.join(root, file), "utf8").replace(/^\/\*\*[\s\S]*?\*\/\n/, "")

describe("README recipes", () => {
  it("Testing your code with FakeKoordinates: the vitest and @effect/vitest recipes are the test files", () => {
    const [vitest, effectVitest] = blocks("### Testing your code with FakeKoordinates")
    expect(body("test/recipe-vitest.test.ts")).toBe(vitest)
    expect(body("test/recipe-effect-vitest.test.ts")).toBe(effectVitest)
  })
})
