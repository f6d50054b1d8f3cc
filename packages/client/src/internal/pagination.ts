/**
 * Reading the pagination headers of list replies: `Link` (`rel="page-next"` …) and
 * `X-Resource-Range` (`0-100/2843`).
 *
 * @internal
 */
import * as Option from "effect/Option"

/** The URL of the `Link` entry whose `rel` includes `rel`, verbatim. */
export const linkUrl = (header: string | undefined, rel: string): Option.Option<string> => {
  if (header === undefined) return Option.none()
  for (const [, url, params] of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]+)*)/g)) {
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params ?? "")
    const names = (rels?.[1] ?? rels?.[2] ?? "").split(/\s+/)
    if (url !== undefined && names.includes(rel)) return Option.some(url)
  }
  return Option.none()
}

/** The total of an `X-Resource-Range: start-end/total` header, when the header is well formed. */
export const resourceTotal = (header: string | undefined): Option.Option<number> => {
  const match = header === undefined ? null : /^\s*(\d+)-(\d+)\/(\d+)\s*$/.exec(header)
  if (match === null) return Option.none()
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return start <= end && end <= total && Number.isSafeInteger(total) ? Option.some(total) : Option.none()
}
