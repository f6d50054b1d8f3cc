/**
 * `npm run bench`: the client against raw `fetch` on the same FakeKoordinates (in a child
 * process), in the same run. Each scenario alternates the two, several rounds, and reports
 * medians and the ratio client ÷ raw (1.00 = no overhead), in two runs. Raw fetch does the
 * same HTTP and `JSON.parse`, one request after another; the client also validates and
 * decodes every item into its model, and fetches the next page while it decodes one.
 *
 * With `KOORDINATES_PYTHON_CLIENT` set to a checkout of koordinates/python-client (and
 * Python with requests, requests-toolbelt, dateutil and pytz), the reference client streams
 * the same catalog from the same fake (`python-client.py`), side by side in items/s.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { createInterface } from "node:readline"
import * as Stream from "effect/Stream"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Features from "@koordinates-effect/client/Features"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 9)
const pythonRounds = Math.min(rounds, 5)
const catalogSize = 10_000
const token = "test-token"
const featureCount = 100_000
const featurePage = 10_000

const latency = Number(process.env["BENCH_LATENCY_MS"] ?? 5)

/**
 * Starts a server in a child process and reads its origin from its first line, and then,
 * given `announced`, the lines up to the first that matches it (its first group).
 */
const serve = async (script: string, args: ReadonlyArray<string>, announced?: RegExp) => {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, ...args], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  const lines = createInterface({ input: child.stdout })
  let origin: string | undefined
  let announcement: string | undefined
  for await (const line of lines) {
    origin ??= /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0]
    announcement = announced?.exec(line)?.[1]
    if (origin !== undefined && (announced === undefined || announcement !== undefined)) break
  }
  lines.close()
  if (origin === undefined) throw new Error(`${script} did not announce its origin`)
  return { child, origin, announcement }
}

// the fake runs in its own process, so its work is not counted against either side
const { child: fake, origin, announcement } = await serve("../../packages/testing/dist/bin.js", [
  "--port", "0", "--catalog", String(catalogSize), "--seed", "7", "--token", token, "--features", String(featureCount)
], /^Feature layer (\d+):/)
// the layer of generated features, announced a few lines on
const featureLayer = Number(announcement)
// the same fake as a server `latency` ms away: every reply that much later
const { child: proxy, origin: distant } = await serve("latency-proxy.ts", [origin, String(latency)])

const root = `${origin}/services/api/v1.x`
const headers = { authorization: `key ${token}`, accept: "application/json" }
const live = Koordinates.layer({ origin, token }).pipe(Layer.provide(FetchHttpClient.layer))
const run = <A, E>(effect: Effect.Effect<A, E, Koordinates.Koordinates>) => Effect.runPromise(Effect.provide(effect, live))
// The client as the README recommends it on Node: through undici's own HTTP client rather than fetch.
const onUndici = Koordinates.layer({ origin, token }).pipe(Layer.provide(NodeHttpClient.layerUndici))
const runOnUndici = <A, E>(effect: Effect.Effect<A, E, Koordinates.Koordinates>) =>
  Effect.runPromise(Effect.provide(effect, onUndici))
const layerIds = ((await (await fetch(`${root}/layers/?page_size=200`, { headers })).json()) as Array<{ id: number }>)
  .map((layer) => layer.id)

const rawCatalog = async (pageSize: number, from: string = origin): Promise<number> => {
  let url: string | undefined = `${from}/services/api/v1.x/data/?page_size=${pageSize}`
  let items = 0
  while (url !== undefined) {
    const response: Response = await fetch(url, { headers })
    items += ((await response.json()) as Array<unknown>).length
    url = /<([^>]*)>;\s*rel="page-next"/.exec(response.headers.get("link") ?? "")?.[1]
  }
  return items
}

/** Every page of the feature layer by count/startIndex, each JSON.parse'd, until a short page. */
const rawFeatures = async (): Promise<number> => {
  let features = 0
  for (let start = 0; ; start += featurePage) {
    const url = `${origin}/services/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=layer-${featureLayer}` +
      `&outputFormat=application%2Fjson&count=${featurePage}&startIndex=${start}`
    const page = (await (await fetch(url, { headers })).json()) as { readonly features: ReadonlyArray<unknown> }
    features += page.features.length
    if (page.features.length < featurePage) return features
  }
}

const collectCatalog = (pageSize: number, prefetch: boolean) => () =>
  run(Query.collect(Catalog.list().pipe(Query.pageSize(pageSize), Query.prefetch(prefetch))))
const throughDistant = Koordinates.layer({ origin: distant, token }).pipe(Layer.provide(FetchHttpClient.layer))
const collectDistant = (prefetch: boolean) => () =>
  Effect.runPromise(Effect.provide(
    Query.collect(Catalog.list().pipe(Query.pageSize(100), Query.prefetch(prefetch))),
    throughDistant
  ))

const scenarios: ReadonlyArray<{
  readonly name: string
  readonly raw: () => Promise<unknown>
  readonly client: () => Promise<unknown>
}> = [
  {
    name: `stream the ${catalogSize}-item catalog, 100 per page, prefetch on (default)`,
    raw: () => rawCatalog(100),
    client: collectCatalog(100, true)
  },
  {
    name: `stream the ${catalogSize}-item catalog, 100 per page, prefetch off`,
    raw: () => rawCatalog(100),
    client: collectCatalog(100, false)
  },
  {
    name: `stream the ${catalogSize}-item catalog, 1000 per page`,
    raw: () => rawCatalog(1000),
    client: collectCatalog(1000, true)
  },
  {
    name: `the same, 100 per page, from a server ${latency} ms away, prefetch on (default)`,
    raw: () => rawCatalog(100, distant),
    client: collectDistant(true)
  },
  {
    name: `the same, 100 per page, from a server ${latency} ms away, prefetch off`,
    raw: () => rawCatalog(100, distant),
    client: collectDistant(false)
  },
  {
    name: `get ${layerIds.length} layers one after another`,
    raw: async () => {
      for (const id of layerIds) await (await fetch(`${root}/layers/${id}/`, { headers })).json()
    },
    client: () => run(Effect.forEach(layerIds, (id) => Layers.get(id), { discard: true }))
  },
  {
    name: `get ${layerIds.length} layers one after another, the client on NodeHttpClient.layerUndici`,
    raw: async () => {
      for (const id of layerIds) await (await fetch(`${root}/layers/${id}/`, { headers })).json()
    },
    client: () => runOnUndici(Effect.forEach(layerIds, (id) => Layers.get(id), { discard: true }))
  },
  {
    name: `stream ${featureCount.toLocaleString("en")} features through WFS, ${featurePage.toLocaleString("en")} per page (Features: GeoJSON decoded)`,
    raw: rawFeatures,
    client: () => run(Stream.runCount(Features.stream(Features.layer(featureLayer).pipe(Features.pageSize(featurePage)))))
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
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

/** Medians of `rounds` rounds of raw and client, alternating, after one warm-up of each. */
const measure = async (scenario: (typeof scenarios)[number]) => {
  await scenario.raw()
  await scenario.client()
  const raw: Array<number> = []
  const client: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    raw.push(await time(scenario.raw))
    client.push(await time(scenario.client))
  }
  return { raw: median(raw), client: median(client) }
}

/**
 * The Python reference client (koordinates/python-client) streaming the same catalog from the
 * same fake, 100 per page: median ms of its rounds, or why it was skipped.
 */
const python = async (): Promise<{ readonly ms: number; readonly items: number } | { readonly skipped: string }> => {
  const checkout = process.env["KOORDINATES_PYTHON_CLIENT"]
  if (checkout === undefined || !fs.existsSync(path.join(checkout, "koordinates", "client.py"))) {
    return { skipped: checkout === undefined ? "KOORDINATES_PYTHON_CLIENT is not set" : `no koordinates/client.py in ${checkout}` }
  }
  const driver = new URL("python-client.py", import.meta.url).pathname
  const interpreters = [...new Set([process.env["PYTHON"] ?? "python3", "/usr/bin/python3"])]
  const interpreter = interpreters.find((python) =>
    spawnSync(python, ["-c", "import requests, requests_toolbelt, dateutil, pytz"], { stdio: "ignore" }).status === 0
  )
  if (interpreter === undefined) {
    return { skipped: `none of ${interpreters.join(", ")} imports requests, requests_toolbelt, dateutil and pytz` }
  }
  const result = spawnSync(interpreter, [driver, origin, token, "100", String(pythonRounds)], {
    env: { ...process.env, KOORDINATES_PYTHON_CLIENT: checkout },
    encoding: "utf8",
    timeout: 600_000
  })
  if (result.status !== 0) return { skipped: `the driver failed: ${result.stderr.trim().split("\n").at(-1)}` }
  const runs = result.stdout.trim().split("\n").map((line) => line.split(" ").map(Number) as [number, number])
  return { ms: median(runs.map(([, ms]) => ms)), items: runs[0]?.[0] ?? 0 }
}

const perSecond = (items: number, ms: number) => Math.round(items / ms * 1000).toLocaleString("en")

console.log(`node ${process.version}, ${rounds} rounds each, medians; every scenario measured in two runs\n`)
const results: Array<Array<{ readonly raw: number; readonly client: number }>> = scenarios.map(() => [])
for (let pass = 0; pass < 2; pass++) {
  for (const [index, scenario] of scenarios.entries()) results[index]!.push(await measure(scenario))
}
console.log("| scenario | raw fetch ms (run 1 / 2) | client ms (run 1 / 2) | client ÷ raw, run 1 | run 2 |")
console.log("|---|---:|---:|---:|---:|")
for (const [index, scenario] of scenarios.entries()) {
  const [one, two] = results[index] as [{ raw: number; client: number }, { raw: number; client: number }]
  const ms = (a: number, b: number) => `${a.toFixed(1)} / ${b.toFixed(1)}`
  console.log(
    `| ${scenario.name} | ${ms(one.raw, two.raw)} | ${ms(one.client, two.client)} | ` +
      `${(one.client / one.raw).toFixed(2)} | ${(two.client / two.raw).toFixed(2)} |`
  )
}

const items = (await run(Query.collect(Query.pageSize(Catalog.list(), 100)))).length
const reference = await python()
const [prefetched] = results as [Array<{ raw: number; client: number }>]
const client = median(prefetched.map((r) => r.client))
console.log(`\nStreaming the catalog, 100 per page (${items} items), items/s:\n`)
console.log("| raw fetch | client | Python reference client | client ÷ Python |")
console.log("|---:|---:|---:|---:|")
if ("skipped" in reference) {
  console.log(`| ${perSecond(items, median(prefetched.map((r) => r.raw)))} | ${perSecond(items, client)} | skipped | – |`)
  console.log(
    `\nThe Python reference client was skipped: ${reference.skipped}. To add it: check out ` +
      "koordinates/python-client at its latest tag, install python3-requests python3-requests-toolbelt " +
      "python3-dateutil python3-tz (Debian packages), and run KOORDINATES_PYTHON_CLIENT=/path/to/checkout npm run bench."
  )
} else {
  if (reference.items !== items) console.log(`(the Python client read ${reference.items} items)`)
  console.log(
    `| ${perSecond(items, median(prefetched.map((r) => r.raw)))} | ${perSecond(items, client)} | ` +
      `${perSecond(reference.items, reference.ms)} | ${(reference.ms / reference.items / (client / items)).toFixed(1)} |`
  )
}
fake.kill()
proxy.kill()
