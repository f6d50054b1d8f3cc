/**
 * Raw HTTP against a FakeKoordinates server's data services (Query API, WFS, tiles), and an
 * independent great-circle distance to check the distances it reports.
 */
import type { FakeServer } from "../../packages/testing/src/server/index.ts"

/** A GET of a path under the server's origin (`/services/…`), with `key=test-token` unless `key` is null. */
export const getData = async (
  server: FakeServer,
  path: string,
  params: ReadonlyArray<readonly [string, string]> = [],
  options: { readonly key?: string | null; readonly headers?: Record<string, string> } = {}
) => {
  const pairs = options.key === null ? [...params] : [["key", options.key ?? "test-token"] as const, ...params]
  const search = new URLSearchParams(pairs as Array<[string, string]>).toString()
  const response = await fetch(`${server.origin}${path}${search === "" ? "" : `?${search}`}`, {
    headers: options.headers ?? {},
    redirect: "manual"
  })
  const bytes = new Uint8Array(await response.arrayBuffer())
  const text = new TextDecoder().decode(bytes)
  const type = response.headers.get("content-type") ?? ""
  const json = /json/.test(type) ? JSON.parse(text) as unknown : undefined
  return { response, status: response.status, type, text, bytes, json: json as any }
}

/** Haversine distance in metres on a sphere of the mean earth radius, written apart from the fake's. */
export const greatCircle = (lon1: number, lat1: number, lon2: number, lat2: number): number => {
  const R = 6371008.8
  const toRad = Math.PI / 180
  const a = Math.sin(((lat2 - lat1) * toRad) / 2) ** 2 +
    Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(((lon2 - lon1) * toRad) / 2) ** 2
  return 2 * R * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a))
}
