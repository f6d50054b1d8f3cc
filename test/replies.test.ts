/**
 * Bad replies, one table: broken, cut or empty JSON, the wrong content type, HTML error
 * pages, missing headers, absurd `X-Resource-Range` values, and `Link` or `Location`
 * headers that are malformed, loop or never end — each met by a call to a different kind of endpoint
 * (JSON objects, lists, counts, a POST that creates, a text document, a download), and
 * each ending in a typed error or handled, never in a defect or an endless loop.
 *
 * Every bad reply is injected into FakeKoordinates for all matching requests, so the
 * outcome is the same whether or not the client retries; every run must finish within a
 * few seconds and with a bounded number of requests.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Catalog from "@koordinates-effect/client/Catalog"
import type { DownloadError, KoordinatesError } from "@koordinates-effect/client/Errors"
import * as Exports from "@koordinates-effect/client/Exports"
import type { Koordinates } from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Metadata from "@koordinates-effect/client/Metadata"
import * as Query from "@koordinates-effect/client/Query"
import * as Sets from "@koordinates-effect/client/Sets"
import type { FakeServer, InjectRule } from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { exportAt } from "./support/exports.ts"
import { withFake } from "./support/fake.ts"

/** A call that meets the bad reply, reduced to a small value to compare. */
interface Call {
  readonly name: string
  readonly run: (fake: FakeServer) => Effect.Effect<unknown, KoordinatesError | DownloadError, Koordinates>
}

/** A failure's `_tag` and fields (a RegExp is matched against the field's text), or a success's value. */
type Outcome =
  | { readonly fails: string; readonly with?: Readonly<Record<string, string | number | RegExp>> }
  | { readonly succeeds: unknown }

interface Case {
  /** What is wrong with the reply. */
  readonly reply: string
  readonly call: Call
  /** The bad reply, as rules for the fake; each answers every matching request. */
  readonly inject: (fake: FakeServer) => ReadonlyArray<InjectRule>
  readonly outcome: Outcome
  /** Most requests the call may make, retries included. */
  readonly atMost: number
}

const root = (fake: FakeServer) => `${fake.origin}/services/api/v1.x`

const layerPath = /\/layers\/\d+\/$/
const setPath = /\/sets\/\d+\/$/
const metadataPath = /\/metadata\/$/
const downloadPath = "/exports/7/download/"

const htmlPage = (title: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`
const html = { "content-type": "text/html; charset=utf-8" }

/** A list element `Layers.list` decodes. */
const summary = (id: number) => ({
  id,
  url: `https://example.com/layers/${id}/`,
  type: "layer",
  name: `Layer ${id}`,
  first_published_at: null,
  published_at: null
})
const twoSummaries = [summary(1), summary(2)]
/** A `Link` to the next page, relative: `more/` under whatever page it is on. */
const linkOn = { Link: `<more/>; rel="page-next"` }

const layersGet: Call = {
  name: "Layers.get",
  run: (fake) => Effect.map(Layers.get(fake.store.addLayer({ name: "Roads" }).id), (layer) => layer.name)
}
const setsGet: Call = {
  name: "Sets.get",
  run: (fake) => Effect.map(Sets.get(fake.store.addSet({ title: "Roads" }).id), (set) => set.title)
}
const exportsGet: Call = {
  name: "Exports.get",
  run: () => Effect.map(Exports.get(7), (exported) => exported.state)
}
const layersCreate: Call = {
  name: "Layers.create",
  run: () => Effect.map(Layers.create({ name: "Roads", data: { datasources: [1] } }), (layer) => layer.name)
}
const layersCollect: Call = {
  name: "Query.collect(Layers.list())",
  run: () => Effect.map(Query.collect(Layers.list()), (items) => items.length)
}
const catalogStream: Call = {
  name: "Query.stream(Catalog.list())",
  run: () => Stream.runCount(Query.stream(Catalog.list()))
}
const layersCount: Call = {
  name: "Query.count(Layers.list())",
  run: () => Query.count(Layers.list())
}
const getXml: Call = {
  name: "Metadata.getXml",
  run: (fake) =>
    Layers.get(fake.store.addLayer({ metadata: true }).id).pipe(
      Effect.flatMap((layer) => Metadata.getXml(layer.metadata!))
    )
}
const download: Call = {
  name: "Exports.download",
  run: (fake) => Stream.runDrain(Exports.download(exportAt(`${root(fake)}${downloadPath}`)))
}

const cases: ReadonlyArray<Case> = [
  // JSON objects
  {
    reply: "malformed JSON",
    call: layersGet,
    inject: () => [{ path: layerPath, fault: "malformed" }],
    outcome: { fails: "ResponseDecodeError", with: { status: 200, method: "GET", url: layerPath, path: "" } },
    atMost: 8
  },
  {
    reply: "JSON body cut in half (Content-Length to match)",
    call: setsGet,
    inject: () => [{ path: setPath, fault: "truncate" }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: setPath, path: "" } },
    atMost: 8
  },
  {
    reply: "JSON body cut in half, then the connection closed",
    call: setsGet,
    inject: () => [{ path: setPath, fault: "resetDuringBody" }],
    outcome: { fails: "TransportError", with: { method: "GET", url: setPath } },
    atMost: 8
  },
  {
    reply: "connection closed before any reply",
    call: layersGet,
    inject: () => [{ path: layerPath, fault: "reset" }],
    outcome: { fails: "TransportError", with: { method: "GET", url: layerPath } },
    atMost: 8
  },
  {
    reply: "truncated JSON labelled application/json",
    call: setsGet,
    inject: () => [{ path: setPath, status: 200, headers: { "content-type": "application/json" }, body: `{"id": 1, "ti` }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: setPath, path: "", message: /not JSON/ } },
    atMost: 8
  },
  {
    reply: "empty 200 body",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 200, body: "" }],
    outcome: { fails: "ResponseDecodeError", with: { path: "", message: /empty body/ } },
    atMost: 8
  },
  {
    reply: "JSON null",
    call: layersGet,
    inject: () => [{ path: layerPath, status: 200, body: "null", headers: { "content-type": "application/json" } }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: layerPath, path: "" } },
    atMost: 8
  },
  {
    reply: "HTML error page, 502",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 502, headers: html, body: htmlPage("502 Bad Gateway") }],
    outcome: {
      fails: "ServiceUnavailable",
      with: { status: 502, method: "GET", url: /\/exports\/7\/$/, message: /^HTTP 502 from GET / }
    },
    atMost: 8
  },
  {
    reply: "HTML page with 200 (a login page)",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 200, headers: html, body: htmlPage("Sign in") }],
    outcome: { fails: "ResponseDecodeError", with: { status: 200, url: /\/exports\/7\/$/, path: "", message: /not JSON/ } },
    atMost: 8
  },
  {
    reply: "XML labelled text/xml where JSON was due",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 200, headers: { "content-type": "text/xml" }, body: "<export id=\"7\"/>" }],
    outcome: { fails: "ResponseDecodeError", with: { path: "", message: /not JSON/ } },
    atMost: 8
  },
  {
    reply: "valid JSON with an empty Content-Type",
    call: exportsGet,
    inject: (fake) => [{
      path: "/exports/7/",
      status: 200,
      headers: { "content-type": "" },
      body: JSON.stringify({
        id: 7,
        url: `${root(fake)}/exports/7/`,
        name: "kx-roads",
        state: "processing",
        created_at: "2024-01-01T00:00:00Z"
      })
    }],
    outcome: { succeeds: "processing" },
    atMost: 1
  },
  {
    reply: "302 with no Location",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 302 }],
    outcome: { fails: "ResponseDecodeError", with: { status: 302, method: "GET", path: "" } },
    atMost: 8
  },
  {
    reply: "301 with a Location that is not a URL",
    call: exportsGet,
    inject: () => [{ path: "/exports/7/", status: 301, headers: { Location: "http://[::1" } }],
    outcome: { fails: "ResponseDecodeError", with: { status: 301, method: "GET", path: "Location" } },
    atMost: 8
  },
  {
    reply: "307 with a Location back to itself",
    call: exportsGet,
    inject: (fake) => [{ path: "/exports/7/", status: 307, headers: { Location: `${root(fake)}/exports/7/` } }],
    outcome: { fails: "RedirectError", with: { method: "GET", message: /More than 5 redirects/ } },
    atMost: 6
  },
  // POST creating
  {
    reply: "201 with no Location and no body",
    call: layersCreate,
    inject: () => [{ method: "POST", path: "/layers/", status: 201 }],
    outcome: { fails: "ResponseDecodeError", with: { status: 201, method: "POST", url: /\/layers\/$/, path: "" } },
    atMost: 1
  },
  {
    reply: "201 with a Location that is not a URL",
    call: layersCreate,
    inject: () => [{ method: "POST", path: "/layers/", status: 201, headers: { Location: "http://exa mple.com/layers/9/" } }],
    outcome: { fails: "ResponseDecodeError", with: { status: 201, method: "POST", url: /\/layers\/$/, path: "Location" } },
    atMost: 1
  },
  {
    reply: "201 with a relative Location to nowhere",
    call: layersCreate,
    inject: () => [{ method: "POST", path: "/layers/", status: 201, headers: { Location: "no such layer" } }],
    outcome: { fails: "NotFound", with: { status: 404, method: "GET", url: /\/layers\/no%20such%20layer$/ } },
    atMost: 8
  },
  {
    reply: "202 with a Location on another origin",
    call: layersCreate,
    inject: () => [{ method: "POST", path: "/layers/", status: 202, headers: { Location: "//elsewhere.example/layers/9/" } }],
    outcome: { fails: "RedirectError", with: { location: "http://elsewhere.example/layers/9/" } },
    atMost: 1
  },
  // Lists
  {
    reply: "HTML page with 200",
    call: layersCollect,
    inject: () => [{ path: "/layers/", status: 200, headers: html, body: htmlPage("Maintenance") }],
    outcome: { fails: "ResponseDecodeError", with: { status: 200, method: "GET", url: /\/layers\/$/, path: "" } },
    atMost: 8
  },
  {
    reply: "an object where the array was due",
    call: layersCollect,
    inject: () => [{ path: "/layers/", status: 200, body: { results: twoSummaries } }],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/$/, path: "" } },
    atMost: 8
  },
  {
    reply: "a next page whose JSON is cut short",
    call: layersCollect,
    inject: (fake) => [
      { path: "/layers/", status: 200, headers: { Link: `<${root(fake)}/layers/page-2/>; rel="page-next"` }, body: twoSummaries },
      { path: "/layers/page-2/", status: 200, headers: { "content-type": "application/json" }, body: `[{"id": 3, "url"` }
    ],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/page-2\/$/, path: "" } },
    atMost: 8
  },
  {
    reply: "absurd X-Resource-Range (total -5)",
    call: layersCollect,
    inject: () => [{ path: "/layers/", status: 200, headers: { "X-Resource-Range": "0-99/-5" }, body: twoSummaries }],
    outcome: { succeeds: 2 },
    atMost: 1
  },
  {
    reply: "Link with no angle brackets (not read: the list ends)",
    call: layersCollect,
    inject: (fake) => [{
      path: "/layers/",
      status: 200,
      headers: { Link: `${root(fake)}/layers/?page=2; rel="page-next"` },
      body: twoSummaries
    }],
    outcome: { succeeds: 2 },
    atMost: 1
  },
  {
    reply: "Link whose URL does not parse",
    call: layersCollect,
    inject: () => [{ path: "/layers/", status: 200, headers: { Link: `<http://[::1>; rel="page-next"` }, body: twoSummaries }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/layers\/$/, path: "Link" } },
    atMost: 1
  },
  {
    reply: "empty Link URL (the page itself)",
    call: catalogStream,
    inject: () => [{ path: "/data/", status: 200, headers: { Link: `<>; rel="page-next"` }, body: [] }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/data\/$/, path: "Link" } },
    atMost: 1
  },
  {
    reply: "Link from page 2 back to page 2",
    call: layersCollect,
    inject: (fake) => [{ path: "/layers/", status: 200, headers: { Link: `<${root(fake)}/layers/?page=2>; rel="page-next"` }, body: twoSummaries }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/layers\/\?page=2$/, path: "Link" } },
    atMost: 2
  },
  {
    reply: "relative Link from page 2 back to page 1",
    call: layersCollect,
    inject: (fake) => [
      { path: "/layers/", status: 200, headers: { Link: `<${root(fake)}/layers/more/?b=2&a=1>; rel="page-next"` }, body: twoSummaries },
      { path: "/layers/more/", status: 200, headers: { Link: `<../>; rel="page-next"` }, body: twoSummaries }
    ],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/more\/\?b=2&a=1$/, path: "Link" } },
    atMost: 2
  },
  // Lists without end: every page links on to a new one (`more/`, relative, so each URL is longer)
  {
    reply: "empty pages, each linking to a new one",
    call: catalogStream,
    inject: () => [{ path: /\/data\/(more\/)*$/, status: 200, headers: linkOn, body: [] }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/data\/$/, path: "Link", message: /empty/ } },
    atMost: 1
  },
  {
    reply: "a full page, then empty pages each linking to a new one",
    call: layersCollect,
    inject: () => [
      { path: /\/layers\/more\//, status: 200, headers: linkOn, body: [] },
      { path: "/layers/", status: 200, headers: linkOn, body: twoSummaries }
    ],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/more\/$/, path: "Link", message: /empty/ } },
    atMost: 2
  },
  {
    reply: "full pages, each linking to a new one, past the total of 3 the first page announced",
    call: layersCollect,
    inject: () => [{ path: /\/layers\/(more\/)*$/, status: 200, headers: { ...linkOn, "X-Resource-Range": "0-1/3" }, body: twoSummaries }],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/more\/$/, path: "Link", message: /more items \(4 so far\) than the 3/ } },
    atMost: 2
  },
  {
    reply: "the announced total delivered, then pages announcing ever larger totals",
    call: layersCollect,
    inject: () => [
      { path: /\/layers\/more\//, status: 200, headers: { ...linkOn, "X-Resource-Range": "2-3/4" }, body: twoSummaries },
      { path: "/layers/", status: 200, headers: { ...linkOn, "X-Resource-Range": "0-1/2" }, body: twoSummaries }
    ],
    outcome: { fails: "ResponseDecodeError", with: { url: /\/layers\/more\/$/, path: "Link", message: /than the 2 the first page/ } },
    atMost: 2
  },
  {
    reply: "the announced total delivered, then a link to an empty last page",
    call: layersCollect,
    inject: () => [
      { path: "/layers/more/", status: 200, body: [] },
      { path: "/layers/", status: 200, headers: { ...linkOn, "X-Resource-Range": "0-1/2" }, body: twoSummaries }
    ],
    outcome: { succeeds: 2 },
    atMost: 2
  },
  // Counts
  ...(["0-99/-5", "5-2/10", "0-99/999999999999999999999", "lots"] as const).map((range): Case => ({
    reply: `X-Resource-Range ${range} (count read from the only page)`,
    call: layersCount,
    inject: () => [{ path: "/layers/", status: 200, headers: { "X-Resource-Range": range }, body: [summary(1), summary(2), summary(3)] }],
    outcome: { succeeds: 3 },
    atMost: 8
  })),
  {
    reply: "absurd X-Resource-Range and a next page",
    call: layersCount,
    inject: (fake) => [{
      path: "/layers/",
      status: 200,
      headers: { "X-Resource-Range": "0-99/-5", Link: `<${root(fake)}/layers/?page=2>; rel="page-next"` },
      body: twoSummaries
    }],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/layers\/$/, path: "X-Resource-Range" } },
    atMost: 8
  },
  {
    reply: "HTML error page, 500, to the HEAD",
    call: layersCount,
    inject: () => [{ method: "HEAD", path: "/layers/", status: 500, headers: html, body: htmlPage("Server Error") }],
    outcome: { fails: "InternalServerError", with: { status: 500, method: "HEAD", url: /\/layers\/$/ } },
    atMost: 8
  },
  {
    reply: "no count from the HEAD, an HTML page from the GET",
    call: layersCount,
    inject: () => [
      { method: "HEAD", path: "/layers/", status: 200 },
      { method: "GET", path: "/layers/", status: 200, headers: html, body: htmlPage("Maintenance") }
    ],
    outcome: { fails: "ResponseDecodeError", with: { method: "GET", url: /\/layers\/$/, path: "" } },
    atMost: 8
  },
  // Text
  {
    reply: "HTML error page, 500",
    call: getXml,
    inject: () => [{ path: metadataPath, status: 500, headers: html, body: htmlPage("Server Error") }],
    outcome: { fails: "InternalServerError", with: { status: 500, method: "GET", url: metadataPath } },
    atMost: 8
  },
  {
    reply: "XML labelled text/plain",
    call: getXml,
    inject: () => [{ path: metadataPath, status: 200, body: "<metadata>roads</metadata>" }],
    outcome: { succeeds: "<metadata>roads</metadata>" },
    atMost: 2
  },
  {
    reply: "JSON where the XML document was due",
    call: getXml,
    inject: () => [{ path: metadataPath, status: 200, body: { detail: "no metadata" } }],
    outcome: { fails: "ResponseDecodeError", with: { status: 200, method: "GET", url: metadataPath, path: "" } },
    atMost: 8
  },
  {
    reply: "a 200 HTML page where the XML document was due",
    call: getXml,
    inject: () => [{ path: metadataPath, status: 200, headers: html, body: htmlPage("Sign in") }],
    outcome: { fails: "ResponseDecodeError", with: { status: 200, method: "GET", url: metadataPath, path: "" } },
    atMost: 8
  },
  {
    reply: "document cut in half, then the connection closed",
    call: getXml,
    inject: () => [{ path: metadataPath, fault: "resetDuringBody" }],
    outcome: { fails: "TransportError", with: { method: "GET", url: metadataPath } },
    atMost: 8
  },
  // Downloads
  {
    reply: "HTML error page, 503",
    call: download,
    inject: () => [{ path: downloadPath, status: 503, headers: html, body: htmlPage("Service Unavailable") }],
    outcome: { fails: "ServiceUnavailable", with: { status: 503, method: "GET", url: /\/exports\/7\/download\/$/ } },
    atMost: 8
  },
  {
    reply: "a 200 HTML page instead of the file",
    call: download,
    inject: () => [{ path: downloadPath, status: 200, headers: html, body: htmlPage("Sign in") }],
    outcome: { fails: "DownloadError", with: { exportId: 7 } },
    atMost: 2
  },
  {
    reply: "file cut in half, then the connection closed",
    call: download,
    inject: (fake) => [
      { path: downloadPath, status: 302, headers: { Location: `${root(fake)}/layers/${fake.store.addLayer().id}/` } },
      { path: layerPath, fault: "resetDuringBody" }
    ],
    outcome: { fails: "TransportError", with: { method: "GET", url: layerPath } },
    atMost: 8
  }
]

/** Asserts that a typed failure has the outcome's tag and fields. */
const assertFailure = (error: KoordinatesError | DownloadError, outcome: Extract<Outcome, { fails: string }>) => {
  assert.strictEqual(error._tag, outcome.fails, error.message)
  for (const [field, expected] of Object.entries(outcome.with ?? {})) {
    const actual = (error as unknown as Record<string, unknown>)[field]
    if (expected instanceof RegExp) assert.match(String(actual), expected, field)
    else assert.strictEqual(actual, expected, field)
  }
}

const patience = "8 seconds"

describe("bad replies are typed errors or handled, within bounds", () => {
  for (const { reply, call, inject, outcome, atMost } of cases) {
    const expected = "fails" in outcome ? outcome.fails : JSON.stringify(outcome.succeeds)
    it.live(`${call.name}: ${reply} → ${expected}`, () =>
      withFake((fake) =>
        Effect.gen(function*() {
          for (const rule of inject(fake)) fake.inject({ ...rule, times: Infinity })
          const checked = "fails" in outcome
            ? Effect.map(failure(call.run(fake)), (error) => assertFailure(error, outcome))
            : Effect.map(call.run(fake), (value) => assert.deepStrictEqual(value, outcome.succeeds))
          const finished = yield* checked.pipe(
            Effect.as(true),
            Effect.timeoutOrElse({ duration: patience, orElse: () => Effect.succeed(false) })
          )
          assert.isTrue(finished, `still running after ${patience}`)
          assert.isAtMost(fake.log.entries().length + fake.storageLog.entries().length, atMost, "requests")
        })
      ))
  }
})
