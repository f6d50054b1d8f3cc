/**
 * `npm run bench`: the client against raw `fetch` on the same FakeKoordinates (in a child
 * process), in the same run. Each scenario alternates the two, several rounds, and reports medians and the ratio
 * client ÷ raw (1.00 = no overhead). Raw fetch does the same HTTP and `JSON.parse`; the
 * client also validates and decodes every item into its model.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 9)
const catalogSize = 10_000
const token = "test-token"

// the fake runs in its own process, so its work is not counted against either side
const fake = spawn(process.execPath, [
  new URL("../../packages/testing/dist/bin.js", import.meta.url).pathname,
  "--port", "0", "--catalog", String(catalogSize), "--seed", "7", "--token", token
], { stdio: ["ignore", "pipe", "inherit"] })
const lines = createInterface({ input: fake.stdout })
const [firstLine] = (await once(lines, "line")) as [string]
const origin = /http:\/\/127\.0\.0\.1:\d+/.exec(firstLine)?.[0]
if (origin === undefined) throw new Error(`Unexpected first line from the fake: ${firstLine}`)
lines.close()

const root = `${origin}/services/api/v1.x`
const headers = { authorization: `key ${token}`, accept: "application/json" }
const live = Koordinates.layer({ origin, token }).pipe(Layer.provide(FetchHttpClient.layer))
const run = <A, E>(effect: Effect.Effect<A, E, Koordinates.Koordinates>) => Effect.runPromise(Effect.provide(effect, live))
const layerIds = ((await (await fetch(`${root}/layers/?page_size=200`, { headers })).json()) as Array<{ id: number }>)
  .map((layer) => layer.id)

const rawCatalog = async (pageSize: number): Promise<number> => {
  let url: string | undefined = `${root}/data/?page_size=${pageSize}`
  let items = 0
  while (url !== undefined) {
    const response: Response = await fetch(url, { headers })
    items += ((await response.json()) as Array<unknown>).length
    url = /<([^>]*)>;\s*rel="page-next"/.exec(response.headers.get("link") ?? "")?.[1]
  }
  return items
}

const scenarios: ReadonlyArray<{
  readonly name: string
  readonly raw: () => Promise<unknown>
  readonly client: () => Promise<unknown>
}> = [
  {
    name: `stream the ${catalogSize}-item catalog, 100 per page`,
    raw: () => rawCatalog(100),
    client: () => run(Query.collect(Query.pageSize(Catalog.list(), 100)))
  },
  {
    name: `stream the ${catalogSize}-item catalog, 1000 per page`,
    raw: () => rawCatalog(1000),
    client: () => run(Query.collect(Query.pageSize(Catalog.list(), 1000)))
  },
  {
    name: `get ${layerIds.length} layers one after another`,
    raw: async () => {
      for (const id of layerIds) await (await fetch(`${root}/layers/${id}/`, { headers })).json()
    },
    client: () => run(Effect.forEach(layerIds, (id) => Layers.get(id), { discard: true }))
  },
  {
    name: "count the catalog 200 times (HEAD)",
    raw: async () => {
      for (let i = 0; i < 200; i++) await fetch(`${root}/data/`, { method: "HEAD", headers })
    },
    client: () => run(Effect.repeat(Query.count(Catalog.list()), { times: 199 }))
  }
]

const time = async (f: () => Promise<unknown>) => {
  const start = performance.now()
  await f()
  return performance.now() - start
}
const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

console.log(`node ${process.version}, ${rounds} rounds each, medians\n`)
console.log("| scenario | raw fetch ms | client ms | client ÷ raw |")
console.log("|---|---:|---:|---:|")
for (const scenario of scenarios) {
  await scenario.raw()
  await scenario.client()
  const raw: Array<number> = []
  const client: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    raw.push(await time(scenario.raw))
    client.push(await time(scenario.client))
  }
  const [r, c] = [median(raw), median(client)]
  console.log(`| ${scenario.name} | ${r.toFixed(1)} | ${c.toFixed(1)} | ${(c / r).toFixed(2)} |`)
}
fake.kill()
