/**
 * Proof, over the whole suite, that the API token and token-create passwords never leak:
 * every log line, span and failure that any test's Effect programs produce is scanned for
 * every secret the suite knows of, and every HTTP request that carries `Authorization` must
 * go to the origin its `Koordinates` service is configured with.
 *
 * Listed in `setupFiles` (vitest.config.ts), so it runs before each test file; its
 * `afterAll` fails the file, naming each test, item, place and secret, if anything leaked.
 * It prints nothing when all is clean. The counts of what a file scanned go to the file's
 * task meta (`meta.secretScan`) for reporters, and {@link scanned} / {@link takeFindings}
 * let test/secrets.test.ts prove that capture works and that a planted secret is caught.
 *
 * Mechanism, and why this one. Effect 4.1 looks up loggers, the minimum log level and the
 * HTTP header filter as `Context.Reference`s, whose defaults come from each reference's
 * `defaultValue`; and it creates every span (when no `Tracer` service is provided) with
 * `Tracer.nativeTracer.span`. Swapping those four defaults once, before any test runs,
 * captures everything every test runs — `it.effect`, `it.live`, `it.layer` builds and
 * teardowns, plain `Effect.runPromise` — without touching the tests, the client or
 * `@effect/vitest`. The alternatives capture less with more machinery: wrapping
 * `withFake` misses `it.layer` suites and layer construction, and aliasing
 * `@effect/vitest` to re-wrap `it.effect` / `it.live` / `it.layer` / `.each` / `.prop`
 * would duplicate its fixture plumbing. What is swapped:
 *
 * - `Tracer.nativeTracer.span` makes a `NativeSpan` subclass that reports itself when it
 *   ends: its name, attributes, events, and the failure (typed errors and defects) it
 *   ended with. Every client operation is an `Effect.fn` span, so every failure the client
 *   produces passes through at least one; test-level failures are logged by
 *   `@effect/vitest`, and so reach the logger below.
 * - `References.MinimumLogLevel` defaults to `"All"` (Debug retries included), and
 *   `Logger.CurrentLoggers` to the previous loggers plus a capturing one. The previous
 *   loggers (console and span events) still see only what they saw before — the old
 *   minimum, or the one a test provides — so the console output is unchanged.
 * - `HttpClient.TracerHeaderFilter` lets HTTP client spans record request headers
 *   (Effect records `authorization` as `<redacted>`), which shows which requests carried
 *   a token. Response headers stay unrecorded, as by default: they are the server's words,
 *   and a hostile test server repeats the token in them on purpose.
 *
 * Out of reach: an effect given its own `Tracer`, loggers or minimum log level; and a
 * failure raised outside any span and never logged, such as the `ClientValidationError`
 * of `Koordinates.make` / `Koordinates.layer` that koordinates.test.ts turns into a value
 * with `failure(…)` (it checks those errors for the token itself).
 *
 * Secrets: `FakeKoordinates.defaultToken`; the tokens and passwords the test files hand
 * the client ({@link suiteSecrets}); the token of every `Koordinates` service a span runs
 * under; and, for each fake started by `withFake` (test/support/fake.ts calls
 * {@link watchFake}), the keys of all its tokens (configured or issued by `POST /tokens/`)
 * and its users' passwords. Values shorter than {@link minimumSecretLength} are skipped:
 * tokens such as `"t"` cannot be searched for without matching everything. Each captured
 * item is scanned when it is captured, in its text forms: strings as they are; other values
 * as `String(x)`, `x.message`, `JSON.stringify(x)` and `util.inspect(x)` (what the console
 * logger prints); causes also as `Cause.pretty`. Nothing captured is retained. Every text
 * is also scanned for a key in a data-service URL, whosever it is — `?key=…`, `&key=…`,
 * `;key=…` (the `/services;key=…/` path form), plain or URL-encoded — unless masked.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import * as HttpClient from "effect/http/HttpClient"
import { inspect } from "node:util"
import { afterAll, expect } from "vitest"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as FakeKoordinates from "@koordinates-effect/testing"

/** How many items of each kind have been scanned in the current test file. */
export interface ScanCounts {
  /** Log lines, at every level. */
  readonly logs: number
  /** Ended spans. */
  readonly spans: number
  /** Distinct typed errors and defects, from span exits and log causes. */
  readonly failures: number
  /** HTTP client requests (spans) checked for where `Authorization` went. */
  readonly requests: number
}

/** One leak: where it was seen and which secret (by label; the value is masked). */
export interface Finding {
  /** The test running when it was captured, or `(outside any test)`. */
  readonly test: string
  /** The item: `log Debug`, `span "Koordinates.Layers.get"`, … */
  readonly item: string
  /** Where in the item: `attribute url.full`, `failure NotFound (JSON.stringify)`, … */
  readonly where: string
  /** What leaked: a secret's label, or `Authorization` for a token sent elsewhere. */
  readonly secret: string
  /** Text around the leak, each secret replaced by `«label»`. */
  readonly excerpt: string
}

/** Shortest value treated as a secret. */
export const minimumSecretLength = 6

/**
 * Tokens and passwords that test files hand the client, beyond those a fake holds (its
 * token keys and user passwords are added per fake, see {@link watchFake}). Keep in step
 * with `grep -n "token:\|password" test/*.test.ts`. Left out: values shorter than
 * {@link minimumSecretLength} (`"t"`, `"abc"`, `"env"`), and `"secret"`, which every stack
 * trace through test/secrets.test.ts contains.
 */
export const suiteSecrets: ReadonlyArray<readonly [value: string, label: string]> = [
  [FakeKoordinates.defaultToken, "FakeKoordinates.defaultToken"],
  ["two words", "an invalid token (koordinates.test.ts)"],
  ["from-env", "the KOORDINATES_TOKEN token (koordinates.test.ts)"],
  ["explicit", "an explicit token (koordinates.test.ts)"],
  ["not-a-token", "an unknown token (request.test.ts)"],
  ["sekret-token-value", "a configured token (request.test.ts)"],
  ["wrong-horse", "a wrong password (licenses-tokens.test.ts)"],
  ["cli-secret-token-7f3a", "the token the CLI is given (cli.test.ts, cli-progress.test.ts)"],
  ["cli-wrong-token-9b2c", "a token the fake refuses (cli.test.ts)"],
  ["data-services-hostile-key", "a data-service key (data-services-hostile.test.ts)"]
]

// ---------------------------------------------------------------------------------------
// State of the current test file
// ---------------------------------------------------------------------------------------

const secrets = new Map<string, string>()
const fakes = new Set<FakeKoordinates.FakeServer>()
const counts = { logs: 0, spans: 0, failures: 0, requests: 0 }
let findings: Array<Finding> = []
let seenFailures = new WeakSet<object>()
let seenTokens = new WeakSet<Redacted.Redacted<string>>()

const resetFile = () => {
  secrets.clear()
  for (const [value, label] of suiteSecrets) registerSecret(value, label)
  fakes.clear()
  counts.logs = counts.spans = counts.failures = counts.requests = 0
  findings = []
  seenFailures = new WeakSet()
  seenTokens = new WeakSet()
}

/**
 * Treats `value` as a secret for the rest of the current test file (ignored when shorter
 * than {@link minimumSecretLength}); `label` names it in findings instead of the value.
 */
export function registerSecret(value: string, label: string): void {
  if (value.length >= minimumSecretLength && !secrets.has(value)) secrets.set(value, label)
}

/** The label of `value` if it is a known secret (fakes being watched are read first). */
export const secretLabel = (value: string): string | undefined => {
  refreshFakes()
  return secrets.get(value)
}

/** Counts of what the current test file has scanned so far. */
export const scanned = (): ScanCounts => ({ ...counts })

/** Removes and returns the findings so far: for tests that plant a leak on purpose. */
export const takeFindings = (): ReadonlyArray<Finding> => {
  const taken = findings
  findings = []
  return taken
}

/**
 * Runs `effect` with `fake`'s token keys (including those it issues meanwhile) and user
 * passwords counted as secrets; they stay secrets for the rest of the test file.
 */
export const watchFake = <A, E, R>(fake: FakeKoordinates.FakeServer, effect: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    for (const user of fake.store.users) registerSecret(user.password, `the password of ${user.email}`)
    fakes.add(fake)
    return Effect.ensuring(
      effect,
      Effect.sync(() => {
        refreshFakes()
        fakes.delete(fake)
      })
    )
  })

const refreshFakes = () => {
  for (const fake of fakes) {
    for (const token of fake.store.tokens()) registerSecret(token.key, `the key of the fake's token ${token.id}`)
  }
}

// ---------------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------------

const currentTest = () => expect.getState().currentTestName ?? "(outside any test)"

const attempt = (f: () => string | undefined): string => {
  try {
    return f() ?? ""
  } catch {
    return ""
  }
}

/** The text forms of a value: what a message, a console line or a serializer would show. */
const textForms = (value: unknown): Array<readonly [form: string, text: string]> => {
  if (typeof value === "string") return [["text", value]]
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return [["text", String(value)]]
  const forms: Array<readonly [string, string]> = [
    ["String", attempt(() => String(value))],
    ["JSON.stringify", attempt(() => JSON.stringify(value))],
    ["inspect", attempt(() => inspect(value, { depth: 8, breakLength: Infinity }))]
  ]
  const message = (value as { readonly message?: unknown }).message
  if (typeof message === "string") forms.push(["message", message])
  return forms
}

const mask = (text: string) => {
  let masked = text
  for (const [value, label] of secrets) masked = masked.split(value).join(`«${label}»`)
  return masked
}

/** Text around the first occurrence of `label`'s secret, every secret masked first. */
const excerpt = (text: string, label: string) => {
  const masked = mask(text).replace(/\s+/g, " ")
  const index = Math.max(0, masked.indexOf(`«${label}»`))
  const start = Math.max(0, index - 60)
  const end = Math.min(masked.length, index + label.length + 62)
  return `${start > 0 ? "…" : ""}${masked.slice(start, end)}${end < masked.length ? "…" : ""}`
}

/**
 * A key in a data-service URL, whoever's it is: `?key=…` / `&key=…` (query) and
 * `;key=…` (the `/services;key=…/` path form), as they are or URL-encoded, with a value
 * that is not a mask (`<redacted>`, Effect's `REDACTED`).
 */
const urlKey = /(?:[?&;]|%3B|%26|%3F)key(?:=|%3D)(?!<redacted>|%3Credacted%3E|REDACTED)([^&;/#\s"'<>%]{6,})/i

const scanText = (item: string, where: string, text: string) => {
  for (const [value, label] of secrets) {
    if (text.includes(value)) findings.push({ test: currentTest(), item, where, secret: label, excerpt: excerpt(text, label) })
  }
  const key = urlKey.exec(text)
  if (key !== null) {
    const start = Math.max(0, key.index - 60)
    findings.push({
      test: currentTest(),
      item,
      where,
      secret: "a key in a URL",
      excerpt: mask(text.slice(start, key.index + 8)).replace(/\s+/g, " ") + "«key»"
    })
  }
}

const scanValue = (item: string, where: string, value: unknown) => {
  for (const [form, text] of textForms(value)) scanText(item, `${where} (${form})`, text)
}

const failureName = (failure: unknown) =>
  typeof failure === "object" && failure !== null && "_tag" in failure
    ? String(failure._tag)
    : failure instanceof Error
    ? failure.name
    : typeof failure

/** Scans each error and defect of `cause` not seen before, and `Cause.pretty` if any was new. */
const scanCause = (item: string, cause: Cause.Cause<unknown>) => {
  let fresh = false
  for (const reason of cause.reasons) {
    if (!Cause.isFailReason(reason) && !Cause.isDieReason(reason)) continue
    const [kind, failure] = Cause.isFailReason(reason) ? ["failure", reason.error] : ["defect", reason.defect]
    if (typeof failure === "object" && failure !== null) {
      if (seenFailures.has(failure)) continue
      seenFailures.add(failure)
    }
    fresh = true
    counts.failures++
    scanValue(item, `${kind} ${failureName(failure)}`, failure)
  }
  if (fresh) scanText(item, "Cause.pretty", attempt(() => Cause.pretty(cause)))
}

// ---------------------------------------------------------------------------------------
// What the hooks report
// ---------------------------------------------------------------------------------------

/** What a span knew when it started: the origin its `Koordinates` service allows. */
interface SpanContext {
  readonly configuredOrigin: string | undefined
}

/** Receives what the hooks installed into Effect capture; one per evaluation of this module. */
interface Observer {
  readonly spanStarted: () => SpanContext
  readonly spanEnded: (span: Tracer.NativeSpan, context: SpanContext, exit: Exit.Exit<unknown, unknown>) => void
  readonly logged: (options: Logger.Options<unknown>) => void
}

const observer: Observer = {
  spanStarted: () => {
    const fiber = Fiber.getCurrent()
    const service = fiber === undefined ? undefined : Context.getOrUndefined(fiber.context, Koordinates.Koordinates)
    if (service !== undefined && !seenTokens.has(service.token)) {
      seenTokens.add(service.token)
      registerSecret(Redacted.value(service.token), "the Koordinates token")
    }
    return { configuredOrigin: service?.origin }
  },
  spanEnded: (span, context, exit) => {
    counts.spans++
    refreshFakes()
    const item = `span "${span.name}"`
    scanText(item, "name", span.name)
    for (const [key, value] of span.attributes) scanValue(item, `attribute ${key}`, value)
    for (const [name, , attributes] of span.events) {
      scanText(item, "event name", name)
      scanValue(item, `event ${name} attributes`, attributes)
    }
    if (Exit.isFailure(exit)) scanCause(`${item} exit`, exit.cause)
    const url = span.attributes.get("url.full")
    if (span.kind === "client" && typeof url === "string") {
      counts.requests++
      const origin = attempt(() => new URL(url).origin)
      if (span.attributes.has("http.request.header.authorization") && origin !== context.configuredOrigin) {
        findings.push({
          test: currentTest(),
          item,
          where: `request to ${origin}`,
          secret: "Authorization",
          excerpt: `Authorization sent to ${origin}, but the configured origin is ${context.configuredOrigin ?? "(none)"}`
        })
      }
    }
  },
  logged: (options) => {
    counts.logs++
    refreshFakes()
    const item = `log ${options.logLevel}`
    const parts: ReadonlyArray<unknown> = Array.isArray(options.message) ? options.message : [options.message]
    parts.forEach((part, index) => scanValue(item, `message part ${index}`, part))
    const annotations = options.fiber.getRef(References.CurrentLogAnnotations)
    if (Object.keys(annotations).length > 0) scanValue(item, "annotations", annotations)
    for (const span of options.fiber.getRef(References.CurrentLogSpans)) scanValue(item, "log span", span)
    if (options.cause.reasons.length > 0) scanCause(item, options.cause)
  }
}

// ---------------------------------------------------------------------------------------
// Installing the hooks, once per instance of Effect
// ---------------------------------------------------------------------------------------

interface Hooks {
  observer: Observer
}

const hooksKey: unique symbol = Symbol.for("koordinates-effect/test/secrets")

/** Sets a reference's default; fails loudly if the old default was already read and cached. */
const swapDefault = <A>(reference: Context.Reference<A>, next: (previous: A) => A): A => {
  const previous = reference.defaultValue()
  const value = next(previous)
  ;(reference as { defaultValue: () => A }).defaultValue = () => value
  if (Context.get(Context.empty() as Context.Context<never>, reference) !== value) {
    throw new Error(`test/support/secrets.ts: ${reference.key} was read before its default could be swapped`)
  }
  return previous
}

const installHooks = (): Hooks => {
  const hooks: Hooks = { observer }

  class CapturingSpan extends Tracer.NativeSpan {
    readonly #context: SpanContext = hooks.observer.spanStarted()
    override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
      if (this.status._tag === "Ended") return
      super.end(endTime, exit)
      hooks.observer.spanEnded(this, this.#context, exit)
    }
  }
  ;(Tracer.nativeTracer as { span: Tracer.Tracer["span"] }).span = (options) => new CapturingSpan(options)

  const capturing = Logger.make((options) => hooks.observer.logged(options))
  let consoleMinimum: LogLevel.LogLevel = "Info"
  /** A logger seeing only what it would have seen: the test's own minimum, else the old default. */
  const asBefore = (logger: Logger.Logger<unknown, unknown>) =>
    Logger.make((options: Logger.Options<unknown>) => {
      const explicit = Context.getOrUndefined(options.fiber.context, References.MinimumLogLevel)
      if (explicit !== undefined || LogLevel.isGreaterThanOrEqualTo(options.logLevel, consoleMinimum)) {
        logger.log(options)
      }
    })
  consoleMinimum = swapDefault(References.MinimumLogLevel, () => "All")
  swapDefault(Logger.CurrentLoggers, (previous) => new Set([...[...previous].map(asBefore), capturing]))
  swapDefault(HttpClient.TracerHeaderFilter, () => (_name, phase) => phase === "request")
  return hooks
}

const effectInstance = Tracer.nativeTracer as Tracer.Tracer & { [hooksKey]?: Hooks }
const hooks = effectInstance[hooksKey] ??= installHooks()
hooks.observer = observer

resetFile()

afterAll(({}, suite) => {
  const file = suite.file.name
  ;(suite.file.meta as Record<string, unknown>)["secretScan"] = scanned()
  const leaks = takeFindings()
  resetFile()
  if (leaks.length > 0) {
    const lines = leaks.map((leak) =>
      `- ${leak.test}: ${leak.item}, ${leak.where}: ${leak.secret}\n    ${leak.excerpt}`
    )
    throw new Error(`${file}: ${leaks.length} secret leak(s)\n${lines.join("\n")}`)
  }
})
