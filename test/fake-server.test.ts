/**
 * Tests of the in-memory fake Koordinates API server over real HTTP: authentication and
 * scopes, routing, pagination, filters and sorting, expansion, layer and version
 * endpoints, injected responses, the request log, count headers, and the generated data.
 */
import { beforeAll, describe, expect, it } from "vitest"
import {
  ALL_SCOPES,
  type FakeServer,
  type LayerRecord,
  startServer,
  Store
} from "../packages/testing/src/server/index.ts"
import { rawExchange, useServer } from "./support/raw.ts"
import { FULL_LAYER_KEYS, LAYER_SUMMARY_KEYS, VERSION_KEYS } from "./support/shapes.ts"

type Json = Record<string, unknown>

interface CallOptions {
  readonly method?: string
  readonly headers?: Record<string, string>
  /** Token to send; null sends no Authorization header. */
  readonly token?: string | null
  readonly version?: string
  readonly body?: string
}

/** A request to an API path (or an absolute URL) of `server`. */
const call = (server: FakeServer, path: string, options: CallOptions = {}): Promise<Response> => {
  const url = path.startsWith("http") ? path : `${server.origin}/services/api/${options.version ?? "v1"}${path}`
  const token = options.token === undefined ? "test-token" : options.token
  return fetch(url, {
    method: options.method ?? "GET",
    headers: { ...(token === null ? {} : { Authorization: `key ${token}` }), ...options.headers },
    redirect: "manual",
    ...(options.body === undefined ? {} : { body: options.body })
  })
}

const getJson = async <T = Json>(server: FakeServer, path: string, options: CallOptions = {}) => {
  const response = await call(server, path, options)
  return { response, body: (await response.json()) as T }
}

const listIds = async (server: FakeServer, path: string, options: CallOptions = {}): Promise<Array<number>> => {
  const { response, body } = await getJson<Array<{ id: number }>>(server, path, options)
  expect(response.status).toBe(200)
  return body.map((item) => item.id)
}

/** `Link` header entries by rel. */
const links = (response: Response): Record<string, string> =>
  Object.fromEntries(
    (response.headers.get("link") ?? "").split(",").flatMap((entry) => {
      const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(entry)
      return match === null ? [] : [[match[2], match[1]]]
    })
  )

const isPublished = (layer: LayerRecord) => layer.versions.some((version) => version.published_at !== null)
const draftOf = (layer: LayerRecord) => {
  const latest = layer.versions.at(-1)
  return latest?.published_at === null ? latest : undefined
}
const publishedOf = (layer: LayerRecord) => layer.versions.filter((version) => version.published_at !== null).at(-1)

describe("authentication and routing", () => {
  const server = useServer({
    catalogSize: 5,
    tokens: { "test-token": ALL_SCOPES, "catalog-only": ["catalog"], readers: ["layers:read", "sets:read"] }
  })

  it("answers 401 without a token, with an unknown token, or with another scheme", async () => {
    const missing = await getJson(server, "/data/", { token: null })
    expect(missing.response.status).toBe(401)
    expect(missing.body).toEqual({ detail: "Authentication credentials were not provided." })
    expect(missing.response.headers.get("content-type")).toBe("application/json")
    const unknown = await getJson(server, "/data/", { token: "nope" })
    expect(unknown.response.status).toBe(401)
    expect(unknown.body).toEqual({ detail: "Invalid token." })
    const bearer = await getJson(server, "/data/", { token: null, headers: { Authorization: "Bearer test-token" } })
    expect(bearer.response.status).toBe(401)
    expect(bearer.body).toEqual({ detail: "Authentication credentials were not provided." })
  })

  it("answers 403 with the scope headers when the token lacks the endpoint's scope", async () => {
    const layers = await getJson(server, "/layers/", { token: "catalog-only" })
    expect(layers.response.status).toBe(403)
    expect(layers.body).toEqual({ detail: "You do not have permission to perform this action." })
    expect(layers.response.headers.get("oauth-scopes")).toBe("catalog")
    expect(layers.response.headers.get("accepted-oauth-scopes")).toBe("layers:read")
    expect((await call(server, "/data/", { token: "catalog-only" })).status).toBe(200)

    const catalog = await call(server, "/data/latest/", { token: "readers" })
    expect(catalog.status).toBe(403)
    expect(catalog.headers.get("oauth-scopes")).toBe("layers:read, sets:read")
    expect(catalog.headers.get("accepted-oauth-scopes")).toBe("catalog")
    expect((await call(server, "/tables/", { token: "readers" })).status).toBe(200)
  })

  it("answers 404 for unknown paths, before authentication", async () => {
    for (const path of ["/nothing/", "/layers/abc/", "/layers", "/data/latest/extra/"]) {
      const { response, body } = await getJson(server, path, { token: null })
      expect(response.status, path).toBe(404)
      expect(body).toEqual({ detail: "Not found." })
    }
    expect((await call(server, "/layers/", { version: "v2" })).status).toBe(404)
    expect((await fetch(`${server.origin}/elsewhere/`)).status).toBe(404)
  })

  it("answers 405 with Allow for a wrong method on a known path", async () => {
    const { response, body } = await getJson(server, "/data/", { method: "POST", body: "{}" })
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("GET, HEAD")
    expect(body).toEqual({ detail: "Method \"POST\" not allowed." })
    expect((await call(server, "/data/", { method: "DELETE", token: null })).status).toBe(401)
  })

  it("serves v1 and v1.x, writing the request's version into URLs", async () => {
    const layer = server.store.addLayer()
    const v1x = await getJson(server, `/layers/${layer.id}/`, { version: "v1.x" })
    expect(v1x.body["url"]).toBe(`${server.origin}/services/api/v1.x/layers/${layer.id}/`)
    const v1 = await getJson(server, `/layers/${layer.id}/`)
    expect(v1.body["url"]).toBe(`${server.origin}/services/api/v1/layers/${layer.id}/`)
    expect(v1.body["permissions"]).toBe(`${server.origin}/services/api/v1/layers/${layer.id}/permissions/`)
  })
})

describe("request targets", () => {
  const server = useServer({ catalogSize: 1 })

  const exchange = (requestLine: string) =>
    rawExchange(server, `${requestLine}\r\nHost: ${new URL(server.origin).host}\r\nAuthorization: key test-token\r\nConnection: close\r\n\r\n`)

  it.each([
    ["an absolute-form target", (origin: string) => `GET ${origin}/services/api/v1/data/ HTTP/1.1`],
    ["the asterisk form", () => "OPTIONS * HTTP/1.1"],
    ["a bad % escape in the query", () => "GET /services/api/v1/data/?q=%zz HTTP/1.1"],
    ["a cut % escape at the end of the query", () => "GET /services/api/v1/data/?q=a% HTTP/1.1"]
  ])("answers 400 with a JSON detail to %s", async (_, requestLine) => {
    const reply = await exchange(requestLine(server.origin))
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).toMatch(/\r\ncontent-type: application\/json\r\n/i)
    expect(reply).toContain('{"detail":"Bad request target')
  })

  it("still answers a well-escaped query", async () => {
    const reply = await exchange("GET /services/api/v1/data/?q=%41b+c HTTP/1.1")
    expect(reply).toMatch(/^HTTP\/1\.1 200 /)
  })
})

describe("pagination", () => {
  const total = 95
  const server = useServer({ catalogSize: total, seed: 11 })

  it.each([1, 7, 100])("walks /data/latest/ with page_size %i: every item exactly once", async (size) => {
    const seen: Array<number> = []
    let url: string | undefined = `/data/latest/?page_size=${size}`
    let pages = 0
    while (url !== undefined) {
      const response = await call(server, url)
      const body = (await response.json()) as Array<{ id: number }>
      const start = pages * size
      expect(response.headers.get("x-resource-range")).toBe(`${start}-${Math.min(start + size, total)}/${total}`)
      expect(response.headers.get("x-paginate-by")).toBe(String(size))
      seen.push(...body.map((item) => item.id))
      pages += 1
      url = links(response)["page-next"]
    }
    expect(pages).toBe(Math.ceil(total / size))
    expect(seen).toEqual(server.store.catalogItems().map((item) => item.id))
    expect(new Set(seen).size).toBe(total)
  })

  it("lists on /data/ exactly the published items", async () => {
    const expected = server.store.catalogItems()
      .filter((item) => item.entity !== "layer" || isPublished(item))
      .map((item) => item.id)
    expect(expected.length).toBeLessThan(total)
    expect(await listIds(server, "/data/?page_size=1000")).toEqual(expected)
  })

  it("gives next, previous and last links that keep the other parameters in order", async () => {
    const vectors = server.store.layers().filter((layer) => layer.kind === "vector" && isPublished(layer)).length
    const last = Math.ceil(vectors / 3)
    expect(last).toBeGreaterThan(2)
    const response = await call(server, "/data/?kind=vector&page=2&page_size=3&sort=-name")
    const root = `${server.origin}/services/api/v1/data/`
    expect(links(response)).toEqual({
      "page-next": `${root}?kind=vector&page=3&page_size=3&sort=-name`,
      "page-previous": `${root}?kind=vector&page=1&page_size=3&sort=-name`,
      "page-last": `${root}?kind=vector&page=${last}&page_size=3&sort=-name`
    })
    expect(response.headers.get("x-resource-range")).toBe(`3-6/${vectors}`)

    const first = await call(server, "/data/?page_size=3&kind=vector", { version: "v1.x" })
    expect(links(first)).toEqual({
      "page-next": `${server.origin}/services/api/v1.x/data/?page_size=3&kind=vector&page=2`,
      "page-last": `${server.origin}/services/api/v1.x/data/?page_size=3&kind=vector&page=${last}`
    })
    const final = await call(server, `/data/?kind=vector&page_size=3&page=${last}`)
    expect(Object.keys(links(final))).toEqual(["page-previous", "page-last"])
    const twoPages = await call(server, "/data/latest/?page_size=50")
    expect(links(twoPages)).toEqual({
      "page-next": `${server.origin}/services/api/v1/data/latest/?page_size=50&page=2`,
      "page-last": `${server.origin}/services/api/v1/data/latest/?page_size=50&page=2`
    })
  })

  it("answers HEAD with the list headers and no body", async () => {
    const get = await call(server, "/data/latest/?page_size=10&page=2")
    const head = await call(server, "/data/latest/?page_size=10&page=2", { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(head.headers.get("x-resource-range")).toBe(`10-20/${total}`)
    expect(head.headers.get("x-resource-range")).toBe(get.headers.get("x-resource-range"))
    expect(head.headers.get("link")).toBe(get.headers.get("link"))
    expect(head.headers.get("x-paginate-by")).toBe("10")
    expect(Number(head.headers.get("content-length"))).toBe(new TextEncoder().encode(await get.text()).length)
    expect(await head.text()).toBe("")
  })

  it("answers 404 past the last page and 200 [] for the first page of an empty list", async () => {
    const past = await getJson(server, `/data/latest/?page_size=10&page=${Math.ceil(total / 10) + 1}`)
    expect(past.response.status).toBe(404)
    expect(past.body).toEqual({ detail: "Invalid page." })
    const empty = await getJson(server, "/data/?q=no-such-words-anywhere")
    expect(empty.response.status).toBe(200)
    expect(empty.body).toEqual([])
    expect(empty.response.headers.get("x-resource-range")).toBe("0-0/0")
    expect(empty.response.headers.get("link")).toBeNull()
    expect((await call(server, "/data/?q=no-such-words-anywhere&page=2")).status).toBe(404)
  })

  it("answers 400 for malformed page and page_size", async () => {
    for (const query of ["page=abc", "page=0", "page=-1", "page_size=0", "page_size=x", "page_size=1.5"]) {
      const { response, body } = await getJson(server, `/data/?${query}`)
      expect(response.status, query).toBe(400)
      expect(typeof body["detail"]).toBe("string")
    }
  })

  it("uses the default page size and clamps to the maximum", async () => {
    const small = await startServer({ catalogSize: 60, defaultPageSize: 10, maxPageSize: 25 })
    try {
      const plain = await getJson<Array<unknown>>(small, "/data/latest/")
      expect(plain.body).toHaveLength(10)
      expect(plain.response.headers.get("x-paginate-by")).toBe("10")
      const clamped = await getJson<Array<unknown>>(small, "/data/latest/?page_size=500")
      expect(clamped.body).toHaveLength(25)
      expect(clamped.response.headers.get("x-paginate-by")).toBe("25")
      expect(clamped.response.headers.get("x-resource-range")).toBe("0-25/60")
    } finally {
      await small.close()
    }
  })
})

describe("filters, sorting and expansion", () => {
  // a manual clock: the importing draft stays importing however long the tests take
  const server = useServer({ catalogSize: 0, clock: "manual" })
  const generated = useServer({ catalogSize: 300, seed: 5 })
  const ids: Record<string, number> = {}
  beforeAll(async () => {
    const store = server.store
    ids["alpha"] = store.addLayer({
      name: "Alpha Roads", kind: "vector", license: 3, group: 101, created_at: "2019-05-01T10:00:00Z",
      tags: ["Roads"], categories: ["transport"], public: true, popularity: 50, description: ""
    }).id
    ids["beta"] = store.addLayer({
      name: "beta imagery", kind: "raster", license: 6, group: 102, created_at: "2020-01-01T00:00:00.000Z",
      public: false, popularity: 50, categories: ["imagery"], tags: ["aerial"], description: "Colour photos."
    }).id
    ids["gamma"] = store.addLayer({
      name: "Gamma Table", kind: "table", license: 1, group: 101, created_at: "2020-01-01T23:59:59.500",
      public: true, popularity: 10, categories: ["hazards"], tags: [], description: "Modelled FLOOD depths."
    }).id
    ids["delta"] = store.addLayer({
      name: "delta parcels", kind: "vector", license: 7, group: 103, created_at: "2021-03-04T05:06:07.123456Z",
      public: true, popularity: 99, categories: ["cadastral"], tags: ["parcel"], description: "", draft: "importing"
    }).id
    ids["epsilon"] = store.addLayer({
      name: "Epsilon Draft", kind: "vector", license: 2, group: 101, created_at: "2022-06-01T00:00:00Z",
      public: true, popularity: 1, categories: ["transport"], tags: [], description: "", publishedVersions: 0
    }).id
  })

  const expectLayers = async (query: string, names: ReadonlyArray<string>, path = "/layers/") =>
    expect(await listIds(server, `${path}?${query}`), query).toEqual(names.map((name) => ids[name]))

  it("filters by kind, group, license and public, ORing repeats and ANDing parameters", async () => {
    await expectLayers("", ["alpha", "beta", "gamma", "delta"])
    await expectLayers("kind=vector", ["alpha", "delta"])
    await expectLayers("kind=vector&kind=raster", ["alpha", "beta", "delta"])
    await expectLayers("group=101", ["alpha", "gamma"])
    await expectLayers("group=101&kind=table", ["gamma"])
    await expectLayers("license=3&license=6", ["alpha", "beta"])
    await expectLayers("public=False", ["beta"])
    await expectLayers("public=1", ["alpha", "gamma", "delta"])
    await expectLayers("public=true&public=false", ["alpha", "beta", "gamma", "delta"])
    await expectLayers("unknown=thing&also=1", ["alpha", "beta", "gamma", "delta"])
  })

  it("matches license.type exactly or as a dash-separated prefix", async () => {
    await expectLayers("license.type=cc", ["alpha", "beta", "delta"])
    await expectLayers("license.type=cc-by", ["alpha", "beta", "delta"])
    await expectLayers("license.type=cc-by-nc", ["beta"])
    await expectLayers("license.type=cc-b", [])
    await expectLayers("license.type=public-domain&license.type=cc-by-sa", ["gamma", "delta"])
  })

  it("filters by category, tag, q and dates", async () => {
    await expectLayers("category=transport", ["alpha"])
    await expectLayers("category=transport", ["alpha", "epsilon"], "/data/latest/")
    await expectLayers("tag=roads", ["alpha"])
    await expectLayers("tag=ROADS", ["alpha"])
    await expectLayers("tag=parcel&tag=aerial", ["beta", "delta"])
    await expectLayers("q=flood", ["gamma"])
    await expectLayers("q=ROADS", ["alpha"])
    await expectLayers("created_at.gte=2020-01-01", ["beta", "gamma", "delta"])
    await expectLayers("created_at.gt=2020-01-01", ["delta"])
    await expectLayers("created_at.lt=2020-01-01", ["alpha"])
    await expectLayers("created_at.lte=2020-01-01", ["alpha", "beta", "gamma"])
    await expectLayers("created_at=2020-01-01", ["beta", "gamma"])
    await expectLayers("created_at.gte=2020-01-01T12:00:00Z", ["gamma", "delta"])
    await expectLayers("created_at.gte=2019-01-01&created_at.lt=2020-06-01&kind=raster", ["beta"])
  })

  it("answers 400 for malformed filter values", async () => {
    for (const query of ["public=maybe", "group=abc", "license=1.5", "created_at.gte=yesterday", "created_at=2020-13-01"]) {
      expect((await call(server, `/layers/?${query}`)).status, query).toBe(400)
    }
  })

  it("answers 400 for a value outside a filter's choices; free text matches nothing", async () => {
    for (const [path, query] of [
      ["/data/latest/", "version.status=bogus"],
      ["/layers/drafts/", "version.status=bogus"],
      ["/data/", "type=layers"],
      ["/layers/", "kind=vectors"],
      ["/sources/scans/", "status=done"]
    ]) {
      const response = await call(server, `${path}?${query}`)
      expect(response.status, query).toBe(400)
      expect((await response.json() as Json)["detail"], query).toMatch(/^Invalid value for [\w.]+: ".+" \(expected one of /)
    }
    expect((await call(server, "/data/latest/?version.status=ok&version.status=bogus")).status).toBe(400)
    await expectLayers("tag=bogus&q=bogus&category=bogus", [])
  })

  it("filters drafts and the latest catalog by version.status", async () => {
    await expectLayers("", ["delta", "epsilon"], "/layers/drafts/")
    await expectLayers("version.status=importing", ["delta"], "/layers/drafts/")
    await expectLayers("version.status=ok", ["alpha", "beta", "gamma", "epsilon"], "/data/latest/")
    await expectLayers("version.status=importing&version.status=ok", ["alpha", "beta", "gamma", "delta", "epsilon"], "/data/latest/")
  })

  it("filters the catalog by type", async () => {
    await expectLayers("type=table", ["gamma"], "/data/")
    const store = generated.store
    for (const type of ["set", "document"] as const) {
      const expected = store.catalogItems().filter((item) => item.entity === type).map((item) => item.id)
      expect(expected.length).toBeGreaterThan(0)
      expect(await listIds(generated, `/data/?type=${type}&page_size=1000`)).toEqual(expected)
    }
    const layersAndTables = store.layers().filter(isPublished).map((layer) => layer.id)
    expect(await listIds(generated, "/data/?type=layer&type=table&page_size=1000")).toEqual(layersAndTables)
    const tables = store.layers().filter((layer) => layer.kind === "table").map((layer) => layer.id)
    expect(await listIds(generated, "/data/latest/?type=table&page_size=1000")).toEqual(tables)
  })

  it("sorts by name, popularity and dates, ties by id, and rejects unknown fields", async () => {
    await expectLayers("sort=name", ["alpha", "beta", "delta", "gamma"])
    await expectLayers("sort=-name", ["gamma", "delta", "beta", "alpha"])
    await expectLayers("sort=popularity", ["gamma", "alpha", "beta", "delta"])
    await expectLayers("sort=-popularity", ["delta", "alpha", "beta", "gamma"])
    await expectLayers("sort=-created_at", ["delta", "gamma", "beta", "alpha"])
    await expectLayers("sort=name", ["alpha", "beta", "delta", "epsilon", "gamma"], "/data/latest/")
    const sets = generated.store.catalogItems().flatMap((item) => item.entity === "set" ? [item] : [])
    const byTitle = [...sets].sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()) || a.id - b.id)
    expect(await listIds(generated, "/data/?type=set&sort=name&page_size=1000")).toEqual(byTitle.map((set) => set.id))
    expect((await call(server, "/layers/?sort=size")).status).toBe(400)
  })

  it("returns full objects for Expand: list, abbreviated ones otherwise", async () => {
    const plain = await getJson<Array<Json>>(server, "/layers/")
    for (const item of plain.body) expect(Object.keys(item)).toEqual(LAYER_SUMMARY_KEYS)
    const expanded = await getJson<Array<Json>>(server, "/layers/", { headers: { Expand: "list" } })
    expect(expanded.body.map((item) => item["id"])).toEqual(plain.body.map((item) => item["id"]))
    for (const item of expanded.body) expect(Object.keys(item)).toEqual(FULL_LAYER_KEYS)

    const catalog = await getJson<Array<Json>>(server, "/data/")
    for (const item of catalog.body) {
      expect(Object.keys(item)).toEqual(["id", "url", "type", "title", "first_published_at", "published_at"])
    }
    const catalogExpanded = await getJson<Array<Json>>(server, "/data/", { headers: { Expand: "list" } })
    for (const item of catalogExpanded.body) expect(Object.keys(item)).toEqual(FULL_LAYER_KEYS)
  })

  it("accepts Expand on single objects without changing them, and logs it", async () => {
    const path = `/layers/${ids["delta"]}/`
    const plain = await getJson(server, path)
    server.log.clear()
    const expanded = await getJson(server, path, { headers: { Expand: "data,version" } })
    expect(expanded.response.status).toBe(200)
    expect(expanded.body).toEqual(plain.body)
    expect(server.log.entries().map((entry) => entry.headers["expand"])).toEqual(["data,version"])
  })
})

describe("catalog item shapes", () => {
  const server = useServer({ catalogSize: 200, seed: 3 })

  it("lists sets and documents with their own fields and no type", async () => {
    const sets = await getJson<Array<Json>>(server, "/data/?type=set")
    expect(sets.body.length).toBeGreaterThan(0)
    for (const set of sets.body) {
      expect(Object.keys(set)).toEqual([
        "id", "title", "description", "description_html", "categories", "tags", "user", "items", "url", "url_html",
        "metadata", "publish_to_catalog_services", "permissions", "created_at"
      ])
      expect(set["url"]).toBe(`${server.origin}/services/api/v1/sets/${set["id"]}/`)
      expect(Object.keys(set["user"] as Json)).toEqual(["id", "url", "first_name", "last_name", "country"])
      for (const item of set["items"] as Array<string>) expect(item).toMatch(/\/services\/api\/v1\/(layers|tables)\/\d+\/$/)
    }
    const documents = await getJson<Array<Json>>(server, "/data/?type=document")
    expect(documents.body.length).toBeGreaterThan(0)
    for (const document of documents.body) {
      expect(Object.keys(document)).toEqual([
        "id", "name", "group", "url", "url_html", "url_download", "first_published_at", "published_at", "extension",
        "file_size", "file_size_formatted"
      ])
      expect(document["url"]).toBe(`${server.origin}/services/api/v1/documents/${document["id"]}/`)
      expect(document["file_size_formatted"]).toMatch(/^\d+(\.\d)? (bytes|KB|MB|GB)$/)
    }
  })

  it("writes licenses with jurisdiction and version only for Creative Commons", async () => {
    const store = server.store
    const publicDomain = store.addLayer({ license: 1 })
    const ccBy = store.addLayer({ license: 3 })
    const pd = await getJson(server, `/layers/${publicDomain.id}/`)
    expect(Object.keys(pd.body["license"] as Json)).toEqual(["id", "title", "type", "url", "url_html"])
    const cc = await getJson(server, `/layers/${ccBy.id}/`)
    expect(cc.body["license"]).toMatchObject({ id: 3, type: "cc-by", jurisdiction: "nz", version: "3.0" })
    expect(Object.keys(cc.body["license"] as Json)).toEqual(["id", "title", "type", "jurisdiction", "version", "url", "url_html"])
  })
})

describe("layer and version endpoints", () => {
  const server = useServer({ catalogSize: 0, clock: "manual" })
  let published: LayerRecord
  let withDraft: LayerRecord
  let draftOnly: LayerRecord
  let table: LayerRecord
  beforeAll(async () => {
    published = server.store.addLayer({ publishedVersions: 2 })
    withDraft = server.store.addLayer({ draft: "importing" })
    draftOnly = server.store.addLayer({ publishedVersions: 0 })
    table = server.store.addLayer({ kind: "table" })
  })

  const versionUrl = (layer: LayerRecord, id: number | undefined, collection = "layers") =>
    `${server.origin}/services/api/v1/${collection}/${layer.id}/versions/${id}/`

  it("gets a layer at its published version", async () => {
    const { response, body } = await getJson(server, `/layers/${withDraft.id}/`)
    expect(response.status).toBe(200)
    expect(Object.keys(body)).toEqual(FULL_LAYER_KEYS)
    expect(body["this_version"]).toBe(versionUrl(withDraft, publishedOf(withDraft)?.id))
    expect(body["published_version"]).toBe(body["this_version"])
    expect(body["latest_version"]).toBe(versionUrl(withDraft, draftOf(withDraft)?.id))
    expect(body["published_at"]).toBe(publishedOf(withDraft)?.published_at)
    expect(body["type"]).toBe("layer")
  })

  it("gets a never-published layer at its draft", async () => {
    const { body } = await getJson(server, `/layers/${draftOnly.id}/`)
    expect(body["this_version"]).toBe(versionUrl(draftOnly, draftOf(draftOnly)?.id))
    expect(body["published_version"]).toBeNull()
    expect(body["published_at"]).toBeNull()
    expect(body["first_published_at"]).toBeNull()
  })

  it("lists versions newest first", async () => {
    const { response, body } = await getJson<Array<Json>>(server, `/layers/${published.id}/versions/`)
    expect(response.headers.get("x-resource-range")).toBe("0-2/2")
    expect(body.map((version) => version["id"])).toEqual(published.versions.map((version) => version.id).reverse())
    for (const version of body) expect(Object.keys(version)).toEqual(VERSION_KEYS)
    const first = published.versions[0]
    expect(body.at(-1)).toEqual({
      id: first?.id,
      url: versionUrl(published, first?.id),
      status: "ok",
      created_at: first?.created_at,
      created_by: first?.created_by,
      reference: first?.reference,
      progress: 1
    })
    const expanded = await getJson<Array<Json>>(server, `/layers/${published.id}/versions/`, { headers: { Expand: "list" } })
    expect(expanded.body.map((layer) => layer["this_version"])).toEqual(body.map((version) => version["url"]))
    expect(expanded.body.map((layer) => (layer["version"] as Json)["id"])).toEqual(body.map((version) => version["id"]))
  })

  it("gets single, draft and published versions with a version object", async () => {
    const older = published.versions[0]
    const single = await getJson(server, `/layers/${published.id}/versions/${older?.id}/`)
    expect(Object.keys(single.body)).toEqual([...FULL_LAYER_KEYS, "version"])
    expect(single.body["this_version"]).toBe(versionUrl(published, older?.id))
    expect(single.body["published_version"]).toBe(versionUrl(published, publishedOf(published)?.id))
    expect(single.body["published_version"]).not.toBe(single.body["this_version"])
    expect(single.body["published_at"]).toBe(older?.published_at)
    expect(single.body["first_published_at"]).toBe(older?.published_at)

    const draft = await getJson(server, `/layers/${withDraft.id}/versions/draft/`)
    expect(draft.body["version"]).toMatchObject({ id: draftOf(withDraft)?.id, status: "importing" })
    expect(draft.body["this_version"]).toBe(draft.body["latest_version"])
    expect(draft.body["published_at"]).toBeNull()

    const current = await getJson(server, `/layers/${withDraft.id}/versions/published/`)
    expect(current.body["version"]).toMatchObject({ id: publishedOf(withDraft)?.id, status: "ok", progress: 1 })
  })

  it("answers 404 for missing layers, versions, drafts and published versions", async () => {
    const missing = [
      `/layers/999999/`,
      `/layers/999999/versions/`,
      `/layers/${published.id}/versions/draft/`,
      `/layers/${draftOnly.id}/versions/published/`,
      `/layers/${published.id}/versions/${draftOf(withDraft)?.id}/`,
      `/tables/${published.id}/`
    ]
    for (const path of missing) {
      const { response, body } = await getJson(server, path)
      expect(response.status, path).toBe(404)
      expect(body).toEqual({ detail: "Not found." })
    }
  })

  it("serves tables under /tables/ and through /layers/", async () => {
    const viaTables = await getJson(server, `/tables/${table.id}/`)
    expect(viaTables.body["url"]).toBe(`${server.origin}/services/api/v1/tables/${table.id}/`)
    expect(viaTables.body["type"]).toBe("table")
    expect(viaTables.body["kind"]).toBe("table")
    const viaLayers = await getJson(server, `/layers/${table.id}/`)
    expect(viaLayers.body).toEqual(viaTables.body)
    const version = await getJson(server, `/tables/${table.id}/versions/published/`)
    expect(version.body["this_version"]).toBe(versionUrl(table, table.versions[0]?.id, "tables"))
    expect(await listIds(server, "/tables/")).toEqual([table.id])
    expect(await listIds(server, "/tables/drafts/")).toEqual([])
    expect(await listIds(server, "/layers/")).toEqual([published.id, withDraft.id, table.id])
    expect(await listIds(server, "/layers/drafts/")).toEqual([withDraft.id, draftOnly.id])
  })

  it("shows drafts at the draft version", async () => {
    const { body } = await getJson<Array<Json>>(server, "/layers/drafts/", { headers: { Expand: "list" } })
    expect(body.map((layer) => layer["this_version"])).toEqual([
      versionUrl(withDraft, draftOf(withDraft)?.id),
      versionUrl(draftOnly, draftOf(draftOnly)?.id)
    ])
  })
})

describe("injected responses", () => {
  const server = useServer({ catalogSize: 3 })

  it("answers the next matching requests, `times` times, with status, headers and JSON body", async () => {
    server.inject({ path: "/layers/", status: 503, headers: { "Retry-After": "2" }, body: { detail: "Down" }, times: 2 })
    for (let attempt = 0; attempt < 2; attempt++) {
      const { response, body } = await getJson(server, "/layers/")
      expect(response.status).toBe(503)
      expect(response.headers.get("retry-after")).toBe("2")
      expect(response.headers.get("content-type")).toBe("application/json")
      expect(body).toEqual({ detail: "Down" })
    }
    expect((await call(server, "/layers/")).status).toBe(200)
  })

  it("matches by method and RegExp, before authentication", async () => {
    server.inject({ method: "post", path: /\/data\/$/, status: 201, headers: { Location: `${server.origin}/x/` } })
    expect((await call(server, "/data/")).status).toBe(200)
    const created = await call(server, "/data/", { method: "POST", body: "{}", token: null })
    expect(created.status).toBe(201)
    expect(created.headers.get("location")).toBe(`${server.origin}/x/`)
    expect(await created.text()).toBe("")
    expect((await call(server, "/data/", { method: "POST", body: "{}" })).status).toBe(405)
  })

  it("matches a full path, and serves redirects, foreign links and text bodies", async () => {
    server.inject({
      path: "/services/api/v1/layers/1/",
      status: 302,
      headers: { Location: "https://elsewhere.example.com/services/api/v1/layers/1/" }
    })
    const redirect = await call(server, "/layers/1/")
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get("location")).toBe("https://elsewhere.example.com/services/api/v1/layers/1/")

    server.inject({
      path: "/data/",
      status: 200,
      headers: { Link: "<https://evil.example.com/data/?page=2>; rel=\"page-next\"" },
      body: "[]"
    })
    const foreign = await call(server, "/data/")
    expect(links(foreign)).toEqual({ "page-next": "https://evil.example.com/data/?page=2" })
    expect(foreign.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    expect(await foreign.text()).toBe("[]")
  })

  it("waits delayMs, and clearInjections drops every rule", async () => {
    server.inject({ path: "/data/latest/", status: 500, body: { detail: "Boom" }, delayMs: 150 })
    const started = Date.now()
    expect((await call(server, "/data/latest/")).status).toBe(500)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)

    server.inject({ path: "/data/latest/", status: 429, times: Number.POSITIVE_INFINITY })
    expect((await call(server, "/data/latest/")).status).toBe(429)
    expect((await call(server, "/data/latest/")).status).toBe(429)
    server.clearInjections()
    expect((await call(server, "/data/latest/")).status).toBe(200)
  })

  it("rejects invalid rules", () => {
    expect(() => server.inject({ path: "/data/", status: 503, times: 0 })).toThrow(/times/)
    expect(() => server.inject({ path: "/data/", status: 99 })).toThrow(/status/)
  })
})

describe("request log", () => {
  const server = useServer({ catalogSize: 3 })

  it("records method, path, ordered query, lower-case headers, body and time of every request", async () => {
    server.log.clear()
    const before = Date.now()
    await call(server, "/data/?b=2&a=1&b=x%20y", { headers: { "X-Trace": "abc" } })
    await call(server, "/layers/", { method: "POST", body: "{\"name\":\"n\"}", token: null })
    server.inject({ path: "/data/latest/", status: 418 })
    await call(server, "/data/latest/")
    const after = Date.now()

    const entries = server.log.entries()
    expect(entries.map((entry) => [entry.method, entry.path])).toEqual([
      ["GET", "/services/api/v1/data/"],
      ["POST", "/services/api/v1/layers/"],
      ["GET", "/services/api/v1/data/latest/"]
    ])
    const [get, post] = entries
    expect(get?.query).toEqual([["b", "2"], ["a", "1"], ["b", "x y"]])
    expect(get?.headers["x-trace"]).toBe("abc")
    expect(get?.headers["authorization"]).toBe("key test-token")
    expect(get?.body).toBe("")
    expect(post?.body).toBe("{\"name\":\"n\"}")
    expect(post?.headers["authorization"]).toBeUndefined()
    for (const entry of entries) {
      expect(entry.at).toBeGreaterThanOrEqual(before)
      expect(entry.at).toBeLessThanOrEqual(after)
    }
  })

  it("counts with a predicate, hands out copies, and clears", async () => {
    server.log.clear()
    await call(server, "/data/")
    await call(server, "/layers/")
    await call(server, "/data/", { method: "HEAD" })
    expect(server.log.count()).toBe(3)
    expect(server.log.count((entry) => entry.method === "HEAD")).toBe(1)
    expect(server.log.count((entry) => entry.path.endsWith("/data/"))).toBe(2)
    server.log.entries().length = 0
    expect(server.log.count()).toBe(3)
    server.log.clear()
    expect(server.log.count()).toBe(0)
    expect(server.log.entries()).toEqual([])
  })
})

describe("count headers switch", () => {
  const server = useServer({ catalogSize: 10 })

  it("drops X-Resource-Range and refuses HEAD on lists while off", async () => {
    server.setCountHeaders(false)
    const get = await call(server, "/data/?page_size=3")
    expect(get.status).toBe(200)
    expect(get.headers.get("x-resource-range")).toBeNull()
    expect(get.headers.get("x-paginate-by")).toBe("3")
    expect(links(get)["page-next"]).toBeDefined()
    const head = await call(server, "/data/", { method: "HEAD" })
    expect(head.status).toBe(405)
    expect(head.headers.get("allow")).toBe("GET")
    const layer = server.store.layers()[0]
    expect((await call(server, `/layers/${layer?.id}/`, { method: "HEAD" })).status).toBe(200)

    server.setCountHeaders(true)
    const again = await call(server, "/data/latest/", { method: "HEAD" })
    expect(again.status).toBe(200)
    expect(again.headers.get("x-resource-range")).toBe("0-10/10")
  })
})

describe("store and generated data", () => {
  it("generates 10,000 items quickly, in roughly the intended mix", () => {
    const store = new Store(42)
    const started = performance.now()
    store.generateCatalog(10_000)
    expect(performance.now() - started).toBeLessThan(1000)
    const items = store.catalogItems()
    expect(items).toHaveLength(10_000)
    const share = (test: (item: (typeof items)[number]) => boolean) => items.filter(test).length / items.length
    expect(share((item) => item.entity === "layer" && item.kind !== "table")).toBeCloseTo(0.55, 1)
    expect(share((item) => item.entity === "layer" && item.kind === "table")).toBeCloseTo(0.2, 1)
    expect(share((item) => item.entity === "set")).toBeCloseTo(0.1, 1)
    expect(share((item) => item.entity === "document")).toBeCloseTo(0.15, 1)
    const layers = store.layers()
    expect(layers.some((layer) => draftOf(layer)?.status === "importing")).toBe(true)
    expect(layers.some((layer) => draftOf(layer)?.status === "ok" && isPublished(layer))).toBe(true)
    expect(layers.some((layer) => !isPublished(layer))).toBe(true)
    const ids = items.map((item) => item.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("mixes the API's timestamp styles", () => {
    const store = new Store(8)
    store.generateCatalog(200)
    const stamps = store.layers().map((layer) => layer.created_at)
    expect(stamps.some((stamp) => /\.\d{3}Z$/.test(stamp))).toBe(true)
    expect(stamps.some((stamp) => /\.\d{6}Z$/.test(stamp))).toBe(true)
    expect(stamps.some((stamp) => /T[\d:.]+$/.test(stamp))).toBe(true)
  })

  it("is deterministic per seed, and reset starts over", () => {
    const a = new Store(5)
    const b = new Store(5)
    a.generateCatalog(300)
    b.generateCatalog(300)
    expect(JSON.stringify(a.catalogItems())).toBe(JSON.stringify(b.catalogItems()))
    const c = new Store(6)
    c.generateCatalog(300)
    expect(JSON.stringify(c.catalogItems())).not.toBe(JSON.stringify(a.catalogItems()))

    const firstLayer = a.layers()[0]
    a.reset()
    expect(a.catalogItems()).toEqual([])
    a.generateCatalog(300)
    expect(JSON.stringify(a.catalogItems())).toBe(JSON.stringify(b.catalogItems()))
    expect(a.layers()[0]?.id).toBe(firstLayer?.id)
  })

  it("adds layers with increasing ids and the options given", () => {
    const store = new Store()
    const first = store.addLayer()
    const second = store.addLayer({ kind: "table", publishedVersions: 0, draft: "importing", name: "T" })
    expect(second.id).toBeGreaterThan(first.id)
    expect(store.getLayer(second.id)).toBe(second)
    expect(first.kind).toBe("vector")
    expect(first.versions.map((version) => version.status)).toEqual(["ok"])
    expect(isPublished(first)).toBe(true)
    expect(second.name).toBe("T")
    expect(second.versions.map((version) => [version.status, version.published_at])).toEqual([["importing", null]])
    expect(second.versions[0]?.id).toBeGreaterThan(first.versions[0]?.id ?? Number.POSITIVE_INFINITY)
    expect(() => store.addLayer({ license: 999 })).toThrow(/license/)
    expect(() => store.addLayer({ categories: ["nope"] })).toThrow(/category/)
    expect(() => store.addLayer({ created_at: "soon" })).toThrow(/created_at/)
    expect(() => store.addLayer({ publishedVersions: 0, draft: false })).toThrow(/version/)
  })
})

describe("close", () => {
  it("closes the server with keep-alive connections open", async () => {
    const server = await startServer({ catalogSize: 1 })
    expect((await call(server, "/data/")).status).toBe(200)
    await server.close()
    await expect(call(server, "/data/")).rejects.toThrow()
  })
})
