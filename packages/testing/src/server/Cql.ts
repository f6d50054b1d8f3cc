/**
 * A subset of (E)CQL, the GeoServer filter language WFS takes as `cql_filter`, compiled to
 * a predicate on features. Supported:
 *
 * - comparisons `=`, `<>` (also `!=`), `<`, `>`, `<=`, `>=` between an attribute and a
 *   literal (a `'quoted string'`, `''` for a quote inside, or a number), either way round;
 * - `[NOT] LIKE 'pattern'` and `[NOT] ILIKE` (`%` any run, `_` one character),
 *   `[NOT] IN (literal, …)`, `[NOT] BETWEEN a AND b`, `IS [NOT] NULL`;
 * - `AND`, `OR`, `NOT`, parentheses (keywords in any case);
 * - `BBOX(geom, minx, miny, maxx, maxy[, 'CRS'])`, and `INTERSECTS`, `WITHIN`, `DISJOINT`
 *   `(geom, WKT)` with a WKT `POINT`, `LINESTRING`, `POLYGON` or `ENVELOPE(minx, maxx,
 *   maxy, miny)`, optionally prefixed `SRID=2193;` (or 3857, 4326).
 *
 * Attribute names are case-sensitive: an unknown one is an error, as on the real service.
 * Geometry literals are longitude/latitude (EPSG:4326) unless an SRID or CRS says otherwise;
 * a URN CRS of BBOX (`urn:ogc:def:crs:EPSG::4326`) is in EPSG-registry axis order.
 *
 * OGC filter XML (`filter=`) is translated to the same language: `And`, `Or`, `Not`, the
 * `PropertyIs…` comparisons, `PropertyIsLike`, `PropertyIsNull`, `PropertyIsBetween`, `BBOX`.
 */
import {
  boxPolygon,
  type Geometry,
  intersects,
  mapGeometry,
  parseCrs,
  type Position,
  SUPPORTED_CRS,
  swapsAxes,
  unproject,
  within
} from "./Geometry.ts"

/**
 * A feature as filters see it: attributes by name, and its WGS84 geometry.
 *
 * @since 0.2.0
 */
export interface Filterable {
  readonly properties: Readonly<Record<string, string | number | null>>
  readonly geometry: Geometry | null
}

/**
 * A compiled filter.
 *
 * @since 0.2.0
 */
export type Predicate = (feature: Filterable) => boolean

/**
 * A filter that does not parse, or names an unknown attribute.
 *
 * @since 0.2.0
 */
export class CqlError extends Error {}

type Token =
  | { readonly kind: "ident"; readonly text: string }
  | { readonly kind: "quoted"; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "op"; readonly text: string }

const tokenize = (source: string): Array<Token> => {
  const tokens: Array<Token> = []
  let index = 0
  while (index < source.length) {
    const rest = source.slice(index)
    const space = /^\s+/.exec(rest)
    if (space) {
      index += space[0].length
      continue
    }
    if (rest.startsWith("'")) {
      let text = ""
      let at = 1
      for (;;) {
        if (at >= rest.length) throw new CqlError("Unterminated string literal.")
        if (rest[at] === "'") {
          if (rest[at + 1] === "'") {
            text += "'"
            at += 2
            continue
          }
          break
        }
        text += rest[at]
        at++
      }
      tokens.push({ kind: "string", text })
      index += at + 1
      continue
    }
    const quoted = /^"([^"]+)"/.exec(rest)
    if (quoted) {
      tokens.push({ kind: "quoted", text: quoted[1] as string })
      index += quoted[0].length
      continue
    }
    const number = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest)
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]) })
      index += number[0].length
      continue
    }
    const ident = /^[A-Za-z_][\w.:]*/.exec(rest)
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0] })
      index += ident[0].length
      continue
    }
    const op = /^(<=|>=|<>|!=|=|<|>|\(|\)|,|;)/.exec(rest)
    if (op) {
      tokens.push({ kind: "op", text: op[0] })
      index += op[0].length
      continue
    }
    throw new CqlError(`Unexpected character "${rest[0]}" at position ${index + 1}.`)
  }
  return tokens
}

type Value = string | number | null

/** What an operand reads: an attribute of the feature, or a literal. */
type Operand = { readonly attribute: string } | { readonly literal: Value }

const KEYWORDS = new Set(["AND", "OR", "NOT", "LIKE", "ILIKE", "IN", "BETWEEN", "IS", "NULL"])

const compare = (a: Value, b: Value): number | undefined => {
  if (a === null || b === null) return undefined
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "number" && typeof b === "string" && b.trim() !== "" && !Number.isNaN(Number(b))) return a - Number(b)
  if (typeof a === "string" && typeof b === "number" && a.trim() !== "" && !Number.isNaN(Number(a))) return Number(a) - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const likeRegex = (pattern: string, caseless: boolean): RegExp =>
  new RegExp(
    `^${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("%", ".*").replaceAll("_", ".")}$`,
    caseless ? "is" : "s"
  )

/**
 * The columns a filter may name: attributes, and the geometry column.
 *
 * @since 0.2.0
 */
export interface Columns {
  readonly attributes: ReadonlyArray<string>
  readonly geometry: string
}

class Parser {
  #tokens: Array<Token>
  #at = 0
  readonly #columns: Columns

  constructor(source: string, columns: Columns) {
    this.#tokens = tokenize(source)
    this.#columns = columns
  }

  parse(): Predicate {
    if (this.#tokens.length === 0) throw new CqlError("The filter is empty.")
    const predicate = this.#or()
    const next = this.#peek()
    if (next !== undefined) throw new CqlError(`Unexpected ${describe(next)} after the end of the filter.`)
    return predicate
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at]
  }

  #next(): Token {
    const token = this.#tokens[this.#at++]
    if (token === undefined) throw new CqlError("The filter ends too early.")
    return token
  }

  #keyword(word: string): boolean {
    const token = this.#peek()
    if (token?.kind === "ident" && token.text.toUpperCase() === word) {
      this.#at++
      return true
    }
    return false
  }

  #op(text: string): boolean {
    const token = this.#peek()
    if (token?.kind === "op" && token.text === text) {
      this.#at++
      return true
    }
    return false
  }

  #expect(text: string): void {
    if (!this.#op(text)) {
      const token = this.#peek()
      throw new CqlError(`Expected "${text}" but found ${token === undefined ? "the end" : describe(token)}.`)
    }
  }

  #or(): Predicate {
    let left = this.#and()
    while (this.#keyword("OR")) {
      const a = left
      const b = this.#and()
      left = (feature) => a(feature) || b(feature)
    }
    return left
  }

  #and(): Predicate {
    let left = this.#not()
    while (this.#keyword("AND")) {
      const a = left
      const b = this.#not()
      left = (feature) => a(feature) && b(feature)
    }
    return left
  }

  #not(): Predicate {
    if (this.#keyword("NOT")) {
      const inner = this.#not()
      return (feature) => !inner(feature)
    }
    return this.#primary()
  }

  #primary(): Predicate {
    if (this.#op("(")) {
      const inner = this.#or()
      this.#expect(")")
      return inner
    }
    const token = this.#peek()
    if (token?.kind === "ident") {
      const name = token.text.toUpperCase()
      const following = this.#tokens[this.#at + 1]
      if (following?.kind === "op" && following.text === "(") {
        if (name === "BBOX") return this.#bbox()
        if (name === "INTERSECTS" || name === "WITHIN" || name === "DISJOINT") return this.#spatial(name)
        throw new CqlError(`Unsupported function ${token.text}.`)
      }
    }
    return this.#predicate()
  }

  #operand(): Operand {
    const token = this.#next()
    switch (token.kind) {
      case "string":
        return { literal: token.text }
      case "number":
        return { literal: token.value }
      case "quoted":
        return { attribute: this.#attribute(token.text) }
      case "ident":
        if (KEYWORDS.has(token.text.toUpperCase())) {
          if (token.text.toUpperCase() === "NULL") return { literal: null }
          throw new CqlError(`Unexpected ${token.text}.`)
        }
        return { attribute: this.#attribute(token.text) }
      case "op":
        throw new CqlError(`Unexpected "${token.text}".`)
    }
  }

  #attribute(name: string): string {
    const bare = name.includes(":") ? name.slice(name.lastIndexOf(":") + 1) : name
    if (!this.#columns.attributes.includes(bare)) {
      throw new CqlError(`Unknown attribute "${bare}" (names are case-sensitive): ${this.#columns.attributes.join(", ")}.`)
    }
    return bare
  }

  #literal(): Value {
    const operand = this.#operand()
    if (!("literal" in operand)) throw new CqlError("Expected a literal value.")
    return operand.literal
  }

  #predicate(): Predicate {
    const left = this.#operand()
    const read = (operand: Operand) => (feature: Filterable): Value =>
      "literal" in operand ? operand.literal : feature.properties[operand.attribute] ?? null
    const value = read(left)
    if (this.#keyword("IS")) {
      const negated = this.#keyword("NOT")
      if (!this.#keyword("NULL")) throw new CqlError("Expected NULL after IS.")
      return (feature) => (value(feature) === null) !== negated
    }
    const negated = this.#keyword("NOT")
    if (this.#keyword("LIKE") || this.#keyword("ILIKE")) {
      const caseless = (this.#tokens[this.#at - 1] as { text: string }).text.toUpperCase() === "ILIKE"
      const pattern = this.#literal()
      if (typeof pattern !== "string") throw new CqlError("LIKE needs a string pattern.")
      const regex = likeRegex(pattern, caseless)
      return (feature) => {
        const v = value(feature)
        return v !== null && regex.test(String(v)) !== negated
      }
    }
    if (this.#keyword("IN")) {
      this.#expect("(")
      const values: Array<Value> = [this.#literal()]
      while (this.#op(",")) values.push(this.#literal())
      this.#expect(")")
      return (feature) => {
        const v = value(feature)
        return v !== null && values.some((candidate) => compare(v, candidate) === 0) !== negated
      }
    }
    if (this.#keyword("BETWEEN")) {
      const low = this.#literal()
      if (!this.#keyword("AND")) throw new CqlError("Expected AND in BETWEEN.")
      const high = this.#literal()
      return (feature) => {
        const v = value(feature)
        const above = compare(v, low)
        const below = compare(v, high)
        return above !== undefined && below !== undefined && (above >= 0 && below <= 0) !== negated
      }
    }
    if (negated) throw new CqlError("Expected LIKE, ILIKE, IN or BETWEEN after NOT.")
    const op = this.#next()
    if (op.kind !== "op" || !["=", "<>", "!=", "<", ">", "<=", ">="].includes(op.text)) {
      throw new CqlError(`Expected a comparison operator but found ${describe(op)}.`)
    }
    const other = read(this.#operand())
    const test: (order: number) => boolean = {
      "=": (order: number) => order === 0,
      "<>": (order: number) => order !== 0,
      "!=": (order: number) => order !== 0,
      "<": (order: number) => order < 0,
      ">": (order: number) => order > 0,
      "<=": (order: number) => order <= 0,
      ">=": (order: number) => order >= 0
    }[op.text] as (order: number) => boolean
    return (feature) => {
      const order = compare(value(feature), other(feature))
      return order !== undefined && test(order)
    }
  }

  #geometryColumn(): void {
    const token = this.#next()
    const name = token.kind === "ident" || token.kind === "quoted" ? token.text : ""
    const bare = name.includes(":") ? name.slice(name.lastIndexOf(":") + 1) : name
    if (bare !== this.#columns.geometry) {
      throw new CqlError(`Unknown geometry column "${bare}": this layer's is "${this.#columns.geometry}".`)
    }
  }

  #number(): number {
    const token = this.#next()
    if (token.kind !== "number") throw new CqlError(`Expected a number but found ${describe(token)}.`)
    return token.value
  }

  #bbox(): Predicate {
    this.#next()
    this.#expect("(")
    this.#geometryColumn()
    const numbers: Array<number> = []
    for (let index = 0; index < 4; index++) {
      this.#expect(",")
      numbers.push(this.#number())
    }
    let crs = { epsg: 4326, registryAxes: false }
    if (this.#op(",")) {
      const token = this.#next()
      const parsed = token.kind === "string" ? parseCrs(token.text) : undefined
      if (parsed === undefined || !SUPPORTED_CRS.includes(parsed.epsg)) {
        throw new CqlError(`Unsupported CRS in BBOX: use EPSG:4326, EPSG:3857 or EPSG:2193.`)
      }
      crs = parsed
    }
    this.#expect(")")
    const [a, b, c, d] = numbers as [number, number, number, number]
    const swap = crs.registryAxes && swapsAxes(crs.epsg)
    const [minX, minY, maxX, maxY] = swap ? [b, a, d, c] : [a, b, c, d]
    const box = mapGeometry(boxPolygon([minX, minY, maxX, maxY]), (position) => unproject(crs.epsg, position))
    return (feature) => feature.geometry !== null && intersects(feature.geometry, box)
  }

  #spatial(name: string): Predicate {
    this.#next()
    this.#expect("(")
    this.#geometryColumn()
    this.#expect(",")
    const literal = this.#wkt()
    this.#expect(")")
    if (name === "WITHIN") return (feature) => feature.geometry !== null && within(feature.geometry, literal)
    const meets = (feature: Filterable) => feature.geometry !== null && intersects(feature.geometry, literal)
    return name === "DISJOINT" ? (feature) => feature.geometry !== null && !meets(feature) : meets
  }

  #positions(): Array<Position> {
    const positions: Array<Position> = []
    do {
      const x = this.#number()
      const y = this.#number()
      positions.push([x, y])
    } while (this.#op(","))
    return positions
  }

  #wkt(): Geometry {
    let epsg = 4326
    if (this.#keyword("SRID")) {
      this.#expect("=")
      epsg = this.#number()
      if (!SUPPORTED_CRS.includes(epsg)) throw new CqlError(`Unsupported SRID ${epsg}: use 4326, 3857 or 2193.`)
      this.#expect(";")
    }
    const token = this.#next()
    const kind = token.kind === "ident" ? token.text.toUpperCase() : ""
    this.#expect("(")
    let geometry: Geometry
    if (kind === "POINT") {
      const [position] = this.#positions()
      geometry = { type: "Point", coordinates: position as Position }
    } else if (kind === "LINESTRING") {
      geometry = { type: "LineString", coordinates: this.#positions() }
    } else if (kind === "POLYGON") {
      const rings: Array<Array<Position>> = []
      do {
        this.#expect("(")
        rings.push(this.#positions())
        this.#expect(")")
      } while (this.#op(","))
      geometry = { type: "Polygon", coordinates: rings }
    } else if (kind === "ENVELOPE") {
      const west = this.#number()
      this.#expect(",")
      const east = this.#number()
      this.#expect(",")
      const north = this.#number()
      this.#expect(",")
      const south = this.#number()
      geometry = boxPolygon([west, south, east, north])
    } else {
      throw new CqlError(`Unsupported geometry ${describe(token)}: use POINT, LINESTRING, POLYGON or ENVELOPE.`)
    }
    this.#expect(")")
    return mapGeometry(geometry, (position) => unproject(epsg, position))
  }
}

const describe = (token: Token): string =>
  token.kind === "number" ? String(token.value) : token.kind === "string" ? `'${token.text}'` : `"${token.text}"`

/**
 * Compiles a CQL filter against a layer's columns; throws {@link CqlError} when it does not parse.
 *
 * @since 0.2.0
 */
export const compileCql = (source: string, columns: Columns): Predicate => new Parser(source, columns).parse()

/** An element of a parsed XML document: its local name (no prefix), attributes, children and text. */
interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: Array<XmlElement>
  text: string
}

const unescapeXml = (text: string): string =>
  text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", "\"").replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&")

const localName = (name: string): string => name.slice(name.indexOf(":") + 1)

/** Parses the elements of a small XML document (no DTDs, no CDATA); throws {@link CqlError} when it is not well formed. */
const parseXml = (source: string): XmlElement => {
  const root: XmlElement = { name: "#root", attributes: {}, children: [], text: "" }
  const stack: Array<XmlElement> = [root]
  const tag = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g
  let consumed = 0
  for (const match of source.matchAll(tag)) {
    if (match.index !== consumed) break
    consumed += match[0].length
    const [, closing, name, attributeText, selfClosing, text] = match
    const top = stack.at(-1) as XmlElement
    if (text !== undefined) {
      top.text += unescapeXml(text)
      continue
    }
    if (name === undefined) continue
    if (closing === "/") {
      if (stack.length < 2 || top.name !== localName(name)) throw new CqlError(`Unexpected </${name}> in filter.`)
      stack.pop()
      continue
    }
    const attributes: Record<string, string> = {}
    for (const pair of (attributeText ?? "").matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes[localName(pair[1] as string)] = unescapeXml(pair[2] ?? pair[3] ?? "")
    }
    const element: XmlElement = { name: localName(name), attributes, children: [], text: "" }
    top.children.push(element)
    if (selfClosing !== "/") stack.push(element)
  }
  if (consumed !== source.length || stack.length !== 1) throw new CqlError("The filter is not well-formed XML.")
  return root
}

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`

const COMPARISONS: Readonly<Record<string, string>> = {
  PropertyIsEqualTo: "=",
  PropertyIsNotEqualTo: "<>",
  PropertyIsLessThan: "<",
  PropertyIsGreaterThan: ">",
  PropertyIsLessThanOrEqualTo: "<=",
  PropertyIsGreaterThanOrEqualTo: ">="
}

/** The CQL of one OGC filter element. */
const filterCql = (element: XmlElement): string => {
  const child = (name: string) => element.children.find((candidate) => candidate.name === name)
  const property = () => {
    const found = child("ValueReference") ?? child("PropertyName")
    if (found === undefined) throw new CqlError(`${element.name} needs a ValueReference (or PropertyName).`)
    return `"${found.text.trim()}"`
  }
  const literal = (from: XmlElement = element) => {
    const found = from.children.find((candidate) => candidate.name === "Literal")
    if (found === undefined) throw new CqlError(`${element.name} needs a Literal.`)
    return quote(found.text.trim())
  }
  switch (element.name) {
    case "Filter":
    case "#root": {
      const [only] = element.children
      if (only === undefined || element.children.length !== 1) throw new CqlError("A filter holds exactly one operator.")
      return filterCql(only)
    }
    case "And":
    case "Or":
      if (element.children.length < 2) throw new CqlError(`${element.name} needs two operands or more.`)
      return `(${element.children.map(filterCql).join(` ${element.name.toUpperCase()} `)})`
    case "Not":
      return `NOT (${filterCql(element.children[0] ?? element)})`
    case "PropertyIsNull":
      return `${property()} IS NULL`
    case "PropertyIsLike": {
      const { wildCard = "*", singleChar = ".", escapeChar = "!" } = element.attributes
      let pattern = ""
      const text = literal().slice(1, -1).replaceAll("''", "'")
      for (let index = 0; index < text.length; index++) {
        const char = text[index] as string
        if (char === escapeChar && index + 1 < text.length) pattern += text[++index]
        else if (char === wildCard) pattern += "%"
        else if (char === singleChar) pattern += "_"
        else pattern += char
      }
      return `${property()} ${element.attributes["matchCase"] === "false" ? "ILIKE" : "LIKE"} ${quote(pattern)}`
    }
    case "PropertyIsBetween": {
      const low = child("LowerBoundary")
      const high = child("UpperBoundary")
      if (low === undefined || high === undefined) throw new CqlError("PropertyIsBetween needs LowerBoundary and UpperBoundary.")
      return `${property()} BETWEEN ${literal(low)} AND ${literal(high)}`
    }
    case "BBOX": {
      const envelope = element.children.find((candidate) => candidate.name === "Envelope")
      const corner = (name: string) => envelope?.children.find((candidate) => candidate.name === name)?.text.trim().split(/\s+/)
      const lower = corner("lowerCorner")
      const upper = corner("upperCorner")
      if (lower?.length !== 2 || upper?.length !== 2) throw new CqlError("BBOX needs a gml:Envelope with lowerCorner and upperCorner.")
      const srs = envelope?.attributes["srsName"]
      return `BBOX(${property()}, ${[...lower, ...upper].join(", ")}${srs === undefined ? "" : `, ${quote(srs)}`})`
    }
    default: {
      const op = COMPARISONS[element.name]
      if (op === undefined) throw new CqlError(`Unsupported filter operator ${element.name}.`)
      return `${property()} ${op} ${literal()}`
    }
  }
}

/**
 * Translates an OGC filter (`filter=<Filter>…</Filter>`, FES 2.0 or Filter 1.1) to CQL:
 * `And`, `Or`, `Not`, the `PropertyIs…` comparisons, `PropertyIsLike`, `PropertyIsNull`,
 * `PropertyIsBetween` and `BBOX` with a `gml:Envelope`.
 *
 * @since 0.2.0
 */
export const ogcFilterToCql = (xml: string): string => filterCql(parseXml(xml.trim()))
