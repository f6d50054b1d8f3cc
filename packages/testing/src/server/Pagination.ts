/**
 * Page-number pagination of list endpoints: `page` and `page_size` parameters, and the
 * `X-Resource-Range`, `X-Paginate-By` and `Link` (`page-next`, `page-previous`, `page-last`)
 * headers. Link URLs repeat the request's other parameters in their order, replacing or
 * appending only `page`.
 */
import { HttpError, queryValues, type Reply, type RequestContext } from "./Http.ts"

const positiveInteger = (context: RequestContext, name: string): number | undefined => {
  const value = queryValues(context.query, name).at(-1)
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new HttpError(400, `Invalid ${name}: "${value}" (expected a positive integer).`)
  }
  return Number(value)
}

const pageUrl = (context: RequestContext, page: number): string => {
  const pairs: Array<[string, string]> = []
  let placed = false
  for (const [name, value] of context.query) {
    if (name !== "page") pairs.push([name, value])
    else if (!placed) {
      pairs.push(["page", String(page)])
      placed = true
    }
  }
  if (!placed) pairs.push(["page", String(page)])
  return `${context.url.origin}${context.url.pathname}?${new URLSearchParams(pairs).toString()}`
}

/** One page of `items` (already filtered and sorted) as a reply, each rendered by `render`. */
export const listReply = <T>(context: RequestContext, items: ReadonlyArray<T>, render: (item: T) => unknown): Reply => {
  const page = positiveInteger(context, "page") ?? 1
  const { defaultPageSize, maxPageSize } = context.settings
  const pageSize = Math.min(positiveInteger(context, "page_size") ?? defaultPageSize, maxPageSize)
  const total = items.length
  const lastPage = Math.max(1, Math.ceil(total / pageSize))
  if (page > lastPage) throw new HttpError(404, "Invalid page.")
  const start = (page - 1) * pageSize
  const end = Math.min(start + pageSize, total)
  const links = [
    ...(page < lastPage ? [`<${pageUrl(context, page + 1)}>; rel="page-next"`] : []),
    ...(page > 1 ? [`<${pageUrl(context, page - 1)}>; rel="page-previous"`] : []),
    ...(lastPage > 1 ? [`<${pageUrl(context, lastPage)}>; rel="page-last"`] : [])
  ]
  return {
    status: 200,
    headers: {
      "X-Paginate-By": String(pageSize),
      ...(context.settings.countHeaders ? { "X-Resource-Range": `${start}-${end}/${total}` } : {}),
      ...(links.length > 0 ? { Link: links.join(", ") } : {})
    },
    body: items.slice(start, end).map(render)
  }
}
