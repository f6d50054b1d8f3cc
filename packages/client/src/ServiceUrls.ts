/**
 * URLs of a site's map and feature services for a layer, a table or a set — XYZ tile
 * templates, WMTS capabilities, WFS and WMS endpoints — to hand to map libraries (Leaflet,
 * OpenLayers, MapLibre, QGIS). Those libraries fetch the URL themselves and cannot send a
 * header, so these URLs carry the key, in the path form the services document
 * (`/services;key=KEY/…`) or, with `{ key: "query" }`, as `?key=KEY`.
 *
 * A URL with a key is a secret. Each builder gives a {@link KeyedUrl}: its string forms
 * (`String(url)`, template literals, `JSON.stringify`, `console.log`/`util.inspect`) and
 * `masked` show `<redacted>` where the key goes; the real URL comes only when asked for, by
 * `reveal()` or as the `Redacted` in `redacted`. Requests this client makes itself never
 * put the key in a URL: they send `Authorization: key …`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as ServiceUrls from "@koordinates-effect/client/ServiceUrls"
 *
 * const program = Effect.gen(function*() {
 *   const tiles = yield* ServiceUrls.xyz({ layer: 50767 })
 *   console.log(`${tiles}`) // https://data.linz.govt.nz/services;key=<redacted>/tiles/v4/layer=50767/EPSG:3857/{z}/{x}/{y}.png
 *   // L.tileLayer(tiles.reveal()).addTo(map)
 * })
 * ```
 * @module
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { ClientValidationError } from "./Errors.ts"
import { Koordinates } from "./Koordinates.ts"
import * as Validate from "./internal/validate.ts"

const placeholder = "<redacted>"

/**
 * A URL that carries the key. Everything that turns it into text shows it masked; only
 * {@link KeyedUrl.reveal} and {@link KeyedUrl.redacted} give the real URL.
 *
 * @example
 * ```ts
 * const url = yield* ServiceUrls.wmts({ layer: 50767 })
 * String(url)  // "https://…/services;key=<redacted>/wmts/1.0.0/layer/50767/WMTSCapabilities.xml"
 * url.reveal() // the URL with the key, for the map library
 * ```
 * @since 0.2.0
 * @category models
 */
export class KeyedUrl {
  /** The URL as a `Redacted`: `Redacted.value(url.redacted)` is the real URL. */
  readonly redacted: Redacted.Redacted<string>
  /** The URL with `<redacted>` where the key goes. */
  readonly masked: string
  constructor(template: string, key: Redacted.Redacted<string>, encode: (key: string) => string) {
    this.masked = template.replace("\u0000", placeholder)
    this.redacted = Redacted.make(template.replace("\u0000", encode(Redacted.value(key))), { label: "service URL" })
  }
  /** The real URL, key included: for the map library, never for a log. */
  reveal(): string {
    return Redacted.value(this.redacted)
  }
  /** The masked URL. */
  toString(): string {
    return this.masked
  }
  /** The masked URL. */
  toJSON(): string {
    return this.masked
  }
  /** The masked URL (what `console.log` and `util.inspect` print). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `KeyedUrl(${this.masked})`
  }
}

/**
 * What a URL is for: a layer, a table (feature services only) or a set.
 *
 * @example
 * ```ts
 * const target: ServiceUrls.Target = { set: 4292 }
 * ```
 * @since 0.2.0
 * @category models
 */
export type Target = { readonly layer: number } | { readonly table: number } | { readonly set: number }

/**
 * Where the key goes: `path` (the default, `/services;key=KEY/…`, the documented form) or
 * `query` (`…?key=KEY`).
 *
 * @example
 * ```ts
 * ServiceUrls.wfs({ layer: 50772 }, { key: "query" })
 * ```
 * @since 0.2.0
 * @category models
 */
export type KeyForm = "path" | "query"

/**
 * Options every builder takes: where the key goes, and another `https` origin to serve from
 * (a tile CDN such as `https://tiles-a.koordinates.com`; default the configured site).
 *
 * @example
 * ```ts
 * const options: ServiceUrls.UrlOptions = { origin: "https://tiles-cdn.koordinates.com" }
 * ```
 * @since 0.2.0
 * @category models
 */
export interface UrlOptions {
  readonly key?: KeyForm | undefined
  readonly origin?: string | undefined
}

const invalid = (field: string, message: string) => Effect.fail(new ClientValidationError({ field, message }))

type Kind = "layer" | "table" | "set"

const targetOf = (target: Target, kinds: ReadonlyArray<Kind>): Effect.Effect<readonly [Kind, number], ClientValidationError> => {
  const entries = typeof target === "object" && target !== null ? Object.entries(target) : []
  const [kind, id] = entries[0] ?? []
  if (entries.length !== 1 || !kinds.includes(kind as Kind)) {
    return invalid("target", `Invalid target ${JSON.stringify(target)}: expected one of ${kinds.map((k) => `{ ${k}: id }`).join(", ")}`)
  }
  return Validate.isId(id as number)
    ? Effect.succeed([kind as Kind, id as number])
    : invalid(kind as string, `Invalid ${String(kind)} id ${String(id)}: expected a positive integer`)
}

/** The URL from its parts: the origin, the path after `/services`, and its query, with the key where `options` puts it. */
const build = (
  path: string,
  query: ReadonlyArray<readonly [string, string]>,
  options: UrlOptions | undefined
): Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =>
  Effect.flatMap(Koordinates, (k) => {
    const form = options?.key ?? "path"
    if (form !== "path" && form !== "query") return invalid("key", `Invalid key form ${JSON.stringify(form)}: expected "path" or "query"`)
    let origin = k.origin
    if (options?.origin !== undefined) {
      const url = URL.canParse(options.origin) ? new URL(options.origin) : undefined
      if (url === undefined || url.protocol !== "https:" || url.pathname !== "/" || url.search !== "" || url.username !== "") {
        return invalid("origin", `Invalid origin ${JSON.stringify(options.origin)}: expected https://host[:port]`)
      }
      origin = url.origin
    }
    const search = new URLSearchParams(query as Array<[string, string]>).toString()
    const template = form === "path"
      ? `${origin}/services;key=\u0000${path}${search === "" ? "" : `?${search}`}`
      : `${origin}/services${path}?${search === "" ? "" : `${search}&`}key=\u0000`
    return Effect.succeed(new KeyedUrl(template, k.token, encodeURIComponent))
  })

/**
 * Options of {@link xyz}: a style id, the tiles' CRS (default `EPSG:3857`), the image
 * format (default `png`), and the {@link UrlOptions}.
 *
 * @example
 * ```ts
 * ServiceUrls.xyz({ layer: 50767 }, { style: "auto", format: "webp" })
 * ```
 * @since 0.2.0
 * @category models
 */
export interface XyzOptions extends UrlOptions {
  readonly style?: string | undefined
  readonly crs?: string | undefined
  readonly format?: "png" | "jpg" | "webp" | undefined
}

/**
 * The XYZ tile URL template of a layer or set, `{z}/{x}/{y}` left for the map library:
 * `…/services;key=<redacted>/tiles/v4/layer=ID[,style=STYLE]/EPSG:3857/{z}/{x}/{y}.png`
 * (a set as `set=ID`).
 *
 * @example
 * ```ts
 * const template = yield* ServiceUrls.xyz({ layer: 50767 })
 * const url = template.reveal() // for the map library's XYZ source; every other form of it is masked
 * ```
 * @since 0.2.0
 * @category builders
 */
export const xyz = (target: Target, options?: XyzOptions): Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =>
  Effect.flatMap(targetOf(target, ["layer", "set"]), ([kind, id]) => {
    const { style, crs = "EPSG:3857", format = "png" } = options ?? {}
    if (style !== undefined && !/^[\w-]+$/.test(style)) return invalid("style", `Invalid style ${JSON.stringify(style)}`)
    if (!/^EPSG:\d+$/.test(crs)) return invalid("crs", `Invalid crs ${JSON.stringify(crs)}: expected e.g. EPSG:3857`)
    if (!["png", "jpg", "webp"].includes(format)) return invalid("format", `Invalid format ${JSON.stringify(format)}`)
    const layerPart = `${kind}=${id}${style === undefined ? "" : `,style=${style}`}`
    return build(`/tiles/v4/${layerPart}/${crs}/{z}/{x}/{y}.${format}`, [], options)
  })

/**
 * The WMTS capabilities URL of a layer or set
 * (`…/services;key=<redacted>/wmts/1.0.0/layer/ID/WMTSCapabilities.xml`), or of the whole
 * site with no target.
 *
 * @example
 * ```ts
 * const capabilities = yield* ServiceUrls.wmts({ layer: 50767 })
 * ```
 * @since 0.2.0
 * @category builders
 */
export const wmts = (target?: Target, options?: UrlOptions): Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =>
  target === undefined
    ? build("/wmts/1.0.0/WMTSCapabilities.xml", [], options)
    : Effect.flatMap(targetOf(target, ["layer", "set"]), ([kind, id]) =>
      build(`/wmts/1.0.0/${kind}/${id}/WMTSCapabilities.xml`, [], options))

const endpoint = (service: "wfs" | "wms", kinds: ReadonlyArray<Kind>) =>
(target?: Target, options?: UrlOptions): Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =>
  target === undefined
    ? build(`/${service}`, [], options)
    : Effect.flatMap(targetOf(target, kinds), ([kind, id]) => build(`/${service}/${kind}-${id}`, [], options))

/**
 * The WFS endpoint of a layer, table or set (`…/services;key=<redacted>/wfs/layer-ID`), or
 * of the whole site with no target — for a GIS client; this client reads features itself
 * with `Features`.
 *
 * @example
 * ```ts
 * const wfs = yield* ServiceUrls.wfs({ layer: 50772 })
 * ```
 * @since 0.2.0
 * @category builders
 */
export const wfs: (target?: Target, options?: UrlOptions) => Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =
  /* @__PURE__ */ endpoint("wfs", ["layer", "table", "set"])

/**
 * The WMS endpoint of a layer or set (`…/services;key=<redacted>/wms/layer-ID`), or of the
 * whole site with no target.
 *
 * @example
 * ```ts
 * const wms = yield* ServiceUrls.wms({ set: 4292 })
 * ```
 * @since 0.2.0
 * @category builders
 */
export const wms: (target?: Target, options?: UrlOptions) => Effect.Effect<KeyedUrl, ClientValidationError, Koordinates> =
  /* @__PURE__ */ endpoint("wms", ["layer", "set"])
