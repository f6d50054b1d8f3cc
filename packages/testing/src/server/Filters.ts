/**
 * Filtering and sorting of list endpoints from query parameters. A repeated parameter ORs
 * its values, different parameters AND; parameters an endpoint does not know are ignored.
 * Malformed values (booleans, ids, dates, sort fields) answer 400, and so does a value
 * outside the choices of a filter that has a fixed set (`kind`, `type`, `version.status`,
 * a scan's `status`); free text (`q`, `tag`, `category`…) matches nothing instead. Each kind of list says
 * once what its elements are filtered and sorted on (its facets) as a {@link ListRules}:
 * catalog items, scans, users, groups.
 */
import { HttpError, queryValues, type QueryPairs } from "./Http.ts"
import {
  ITEM_TYPES,
  itemType,
  type ItemType,
  type ItemView,
  LAYER_KINDS,
  VERSION_STATUSES
} from "./Model.ts"
import { parseTimestamp, type Span } from "./Time.ts"

/** What filters and sorting look at, computed once per item and request. */
interface Facets {
  readonly id: number
  readonly type: ItemType
  readonly kind: string
  readonly public: boolean
  readonly group: number
  readonly license: number | undefined
  readonly licenseType: string | undefined
  readonly categories: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string>
  readonly geotags: ReadonlyArray<string>
  /** Lower-cased title/name and description, for `q`. */
  readonly text: string
  /** Lower-cased title or name, for sorting. */
  readonly name: string
  readonly created: number
  readonly updated: number
  readonly popularity: number
  readonly versionStatus: string | undefined
}

const instant = (timestamp: string): number => parseTimestamp(timestamp)?.start ?? Number.NaN

/** The item of a view, and what it holds at the view's version (a document as it is). */
const described = (view: ItemView) => {
  switch (view.entity) {
    case "layer":
      return { record: view.layer, content: view.version.content }
    case "set":
      return { record: view.set, content: view.version.content }
    case "document":
      return { record: view, content: view }
  }
}

const facetsOf = (view: ItemView): Facets => {
  const { record, content } = described(view)
  const common = {
    id: record.id,
    type: itemType(record),
    public: record.public,
    group: content.group.id,
    categories: content.categories.map((category) => category.slug),
    tags: content.tags.map((tag) => tag.toLowerCase()),
    geotags: record.geotags,
    created: instant(record.created_at),
    popularity: record.popularity
  }
  switch (view.entity) {
    case "layer": {
      const { content } = view.version
      return {
        ...common,
        kind: view.layer.kind,
        license: content.license.id,
        licenseType: content.license.type,
        text: `${content.name}\n${content.description}`.toLowerCase(),
        name: content.name.toLowerCase(),
        updated: instant(view.version.created_at),
        versionStatus: view.version.status
      }
    }
    case "set": {
      const { content } = view.version
      return {
        ...common,
        kind: "set",
        license: undefined,
        licenseType: undefined,
        text: `${content.title}\n${content.description}`.toLowerCase(),
        name: content.title.toLowerCase(),
        updated: instant(view.version.created_at),
        versionStatus: undefined
      }
    }
    case "document":
      return {
        ...common,
        kind: "document",
        license: undefined,
        licenseType: undefined,
        text: view.name.toLowerCase(),
        name: view.name.toLowerCase(),
        updated: instant(view.updated_at),
        versionStatus: undefined
      }
  }
}

/** A query parameter name and how one of its values becomes a test of an element's facets `F`. */
export type Filter<F> = readonly [name: string, parse: (value: string) => (facets: F) => boolean]

const invalid = (name: string, value: string, expected: string): HttpError =>
  new HttpError(400, `Invalid value for ${name}: "${value}" (expected ${expected}).`)

const booleans: Readonly<Record<string, boolean>> = {
  true: true,
  True: true,
  1: true,
  false: false,
  False: false,
  0: false
}

const parseBoolean = (name: string, value: string): boolean => {
  const parsed = booleans[value]
  if (parsed === undefined) throw invalid(name, value, "true or false")
  return parsed
}

const parseId = (name: string, value: string): number => {
  if (!/^\d+$/.test(value)) throw invalid(name, value, "an id")
  return Number(value)
}

const parseSpan = (name: string, value: string): Span => {
  const span = parseTimestamp(value)
  if (span === undefined) throw invalid(name, value, "an ISO date or date-time")
  return span
}

/** Tests for one value and an element's string: equality or membership. */
const exact = <F>(pick: (facets: F) => string | undefined): Filter<F>[1] => (value) => (facets) =>
  pick(facets) === value

/** A filter whose values are one of `choices` (400 for any other), matched by equality. */
export const choiceFilter = <F>(
  name: string,
  choices: ReadonlyArray<string>,
  pick: (facets: F) => string | undefined
): Filter<F> => [name, (value) => {
  if (!choices.includes(value)) throw invalid(name, value, `one of ${choices.join(", ")}`)
  return exact(pick)(value)
}]
const member = (pick: (facets: Facets) => ReadonlyArray<string>, fold = false): Filter<Facets>[1] => (value) => {
  const wanted = fold ? value.toLowerCase() : value
  return (facets) => pick(facets).includes(wanted)
}

/**
 * Date filters: `name` (same day for a date, same millisecond for a date-time) and the
 * lookups `.gt .gte .lt .lte`. A date counts as its whole day: `.lte=2020-01-31` includes
 * that day, `.gt=2020-01-31` starts the next.
 */
export const dateFilters = <F>(name: string, pick: (facets: F) => number): ReadonlyArray<Filter<F>> => {
  const lookup = (suffix: string, test: (time: number, span: Span) => boolean): Filter<F> => {
    const param = `${name}${suffix}`
    return [param, (value) => {
      const span = parseSpan(param, value)
      return (facets) => test(pick(facets), span)
    }]
  }
  return [
    lookup("", (time, span) => time >= span.start && time < span.end),
    lookup(".gt", (time, span) => time >= span.end),
    lookup(".gte", (time, span) => time >= span.start),
    lookup(".lt", (time, span) => time < span.start),
    lookup(".lte", (time, span) => time < span.end)
  ]
}

/** `q`: the lower-cased `text` of an element contains the value, case-insensitively. */
export const textFilter = <F>(text: (facets: F) => string): Filter<F> => ["q", (value) => {
  const needle = value.toLowerCase()
  return (facets) => text(facets).includes(needle)
}]

const commonFilters: ReadonlyArray<Filter<Facets>> = [
  choiceFilter("kind", [...LAYER_KINDS, "set", "document"], (facets) => facets.kind),
  ["public", (value) => {
    const wanted = parseBoolean("public", value)
    return (facets) => facets.public === wanted
  }],
  ["group", (value) => {
    const id = parseId("group", value)
    return (facets) => facets.group === id
  }],
  ["license", (value) => {
    const id = parseId("license", value)
    return (facets) => facets.license === id
  }],
  ["license.type", (value) => ({ licenseType }) =>
    licenseType !== undefined && (licenseType === value || licenseType.startsWith(`${value}-`))],
  ["category", member((facets) => facets.categories)],
  ["geotag", member((facets) => facets.geotags)],
  ["tag", member((facets) => facets.tags, true)],
  textFilter<Facets>((facets) => facets.text),
  ...dateFilters<Facets>("created_at", (facets) => facets.created),
  ...dateFilters<Facets>("updated_at", (facets) => facets.updated)
]

const typeFilter = choiceFilter<Facets>("type", ITEM_TYPES, (facets) => facets.type)
const versionStatusFilter = choiceFilter<Facets>("version.status", VERSION_STATUSES, (facets) => facets.versionStatus)

/** The filters one catalog list endpoint understands. */
export type FilterSet = ReadonlyArray<Filter<Facets>>

/** `/data/`. */
export const CATALOG_FILTERS: FilterSet = [...commonFilters, typeFilter]
/** `/data/latest/`. */
export const LATEST_FILTERS: FilterSet = [...CATALOG_FILTERS, versionStatusFilter]
/** `/layers/`, `/tables/`. */
export const LAYER_FILTERS: FilterSet = commonFilters
/** `/layers/drafts/`, `/tables/drafts/`. */
export const DRAFT_FILTERS: FilterSet = [...commonFilters, versionStatusFilter]

/** Facets always include the element's id: sorting breaks ties by it. */
interface Identified {
  readonly id: number
}

/** How a kind of list filters and sorts its elements `V` by their facets `F`. */
export interface ListRules<V, F extends Identified> {
  /** What filters and sorting look at, computed once per element and request. */
  readonly facets: (view: V) => F
  readonly filters: ReadonlyArray<Filter<F>>
  /** The `sort` fields (a leading `-` sorts descending); ties go by id ascending. */
  readonly sortKeys: Readonly<Record<string, (facets: F) => string | number>>
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0)

/** How the last `sort` parameter orders elements; undefined for the list's own order. */
const ordering = <V, F extends Identified>(
  query: QueryPairs,
  rules: ListRules<V, F>
): ((a: F, b: F) => number) | undefined => {
  const sort = queryValues(query, "sort").at(-1)
  if (sort === undefined || sort === "") return undefined
  const descending = sort.startsWith("-")
  const key = rules.sortKeys[descending ? sort.slice(1) : sort]
  if (key === undefined) throw new HttpError(400, `Invalid sort field: "${sort}".`)
  const direction = descending ? -1 : 1
  return (a, b) => direction * compare(key(a), key(b)) || a.id - b.id
}

/** The elements a request selects, in the order it asks for (by default the order given). */
export const select = <V, F extends Identified>(
  views: ReadonlyArray<V>,
  query: QueryPairs,
  rules: ListRules<V, F>
): Array<V> => {
  const tests: Array<(facets: F) => boolean> = []
  for (const [name, parse] of rules.filters) {
    const values = queryValues(query, name)
    if (values.length === 0) continue
    const anyOf = values.map(parse)
    tests.push((facets) => anyOf.some((test) => test(facets)))
  }
  const sort = ordering(query, rules)
  if (tests.length === 0 && sort === undefined) return [...views]
  const selected = views
    .map((view) => ({ view, facets: rules.facets(view) }))
    .filter(({ facets }) => tests.every((test) => test(facets)))
  if (sort !== undefined) selected.sort((a, b) => sort(a.facets, b.facets))
  return selected.map(({ view }) => view)
}

const catalogSortKeys: ListRules<ItemView, Facets>["sortKeys"] = {
  name: (facets) => facets.name,
  created_at: (facets) => facets.created,
  updated_at: (facets) => facets.updated,
  popularity: (facets) => facets.popularity
}

/** The catalog items a request selects (the store keeps them by id: that is the default order). */
export const selectItems = <V extends ItemView>(
  views: ReadonlyArray<V>,
  query: QueryPairs,
  filters: FilterSet
): Array<V> => select(views, query, { facets: facetsOf, filters, sortKeys: catalogSortKeys })
