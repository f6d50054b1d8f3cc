/**
 * A small browser app for test/browser.test.ts: with the client's package entry points and
 * `fetch`, it lists the catalog past its first page, counts it, gets a layer, fails to get a
 * missing one (NotFound), downloads an export with progress, and calls an API that does not
 * allow its origin — then renders each result in the page, for the test to read and a
 * screenshot to show. The page's query gives the API origin, the token and the ids.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Catalog from "@koordinates-effect/client/Catalog"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"

const params = new URLSearchParams(location.search)
const param = (name: string) => params.get(name) ?? ""

const live = (origin: string) =>
  Koordinates.layer({ origin, token: param("token"), retry: false }).pipe(Layer.provide(FetchHttpClient.layer))

/** A row of the results table, and the same in the JSON the test reads. */
const results: Record<string, unknown> = {}
const show = (name: string, value: unknown) => {
  results[name] = value
  const row = document.createElement("tr")
  row.dataset["name"] = name
  const [key, cell] = [document.createElement("th"), document.createElement("td")]
  key.textContent = name
  cell.textContent = typeof value === "string" ? value : JSON.stringify(value)
  row.append(key, cell)
  document.querySelector("tbody")!.append(row)
}

/** What an effect gave: its value, or its error's tag and message. */
const outcome = <A, E extends { readonly _tag: string; readonly message: string }>(effect: Effect.Effect<A, E, Koordinates.Koordinates>, origin: string) =>
  effect.pipe(
    Effect.map((value) => ({ ok: true as const, value })),
    Effect.catch((error) => Effect.succeed({ ok: false as const, tag: error._tag, message: error.message })),
    Effect.provide(live(origin))
  )

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("")

const program = Effect.gen(function*() {
  const api = param("api")
  const pages = yield* outcome(
    Stream.runCollect(Query.pages(Catalog.list())).pipe(
      Effect.map((all) => ({ pages: all.length, items: all.reduce((n, page) => n + page.items.length, 0) }))
    ),
    api
  )
  show("catalog", pages)
  show("count", yield* outcome(Query.count(Catalog.list()), api))
  show("layer", yield* outcome(Effect.map(Layers.get(Number(param("layer"))), (layer) => ({ id: layer.id, name: layer.name })), api))
  show("missing", yield* outcome(Layers.get(Number(param("missing"))), api))

  const progress: Array<{ received: number; total: number | undefined }> = []
  const download = Effect.gen(function*() {
    const exported = yield* Exports.get(Number(param("export")))
    const chunks = yield* Stream.runCollect(Exports.download(exported, {
      onProgress: (p) => Effect.sync(() => void progress.push(p))
    }))
    const size = chunks.reduce((n, chunk) => n + chunk.length, 0)
    const whole = new Uint8Array(size)
    let at = 0
    for (const chunk of chunks) {
      whole.set(chunk, at)
      at += chunk.length
    }
    const sha256 = hex(yield* Effect.promise(() => crypto.subtle.digest("SHA-256", whole)))
    return { name: exported.name, size, sha256 }
  })
  show("download", yield* outcome(download, api))
  show("progress", { reports: progress.length, first: progress[0], last: progress.at(-1) })

  show("blocked", yield* outcome(Layers.get(Number(param("layer"))), param("blocked")))
})

Effect.runPromise(program).then(
  () => {
    document.querySelector("#results")!.textContent = JSON.stringify(results)
    document.body.dataset["done"] = "true"
  },
  (error: unknown) => {
    document.querySelector("#results")!.textContent = JSON.stringify({ defect: String(error) })
    document.body.dataset["done"] = "true"
  }
)
