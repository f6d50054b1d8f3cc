/**
 * Every call of the client is a span: export them with OpenTelemetry (`@effect/opentelemetry`'s
 * tracer over an OpenTelemetry tracer provider), here into memory, then print the tree. A
 * retry is a `koordinates.retry` event on the call's span.
 *
 * `node examples/tracing.ts` runs against KOORDINATES_HOST / KOORDINATES_TOKEN when both are
 * set, and against an embedded FakeKoordinates (with one injected 503, to show a retry)
 * otherwise. To send the spans to a collector instead, give the provider a
 * `BatchSpanProcessor` with an OTLP exporter (`@opentelemetry/exporter-trace-otlp-http`), or
 * use `@effect/opentelemetry/NodeSdk` (which also wants the OpenTelemetry logs and metrics
 * SDKs installed).
 */
import * as OtelTracer from "@effect/opentelemetry/OtelTracer"
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor
} from "@opentelemetry/sdk-trace-base"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Query from "@koordinates-effect/client/Query"
import * as FakeKoordinates from "@koordinates-effect/testing"

/** Where the finished spans go: kept in memory, read back by {@link spanTree}. */
export const exporter = new InMemorySpanExporter()

/** OpenTelemetry for the program: Effect's spans become OpenTelemetry spans, exported to `exporter`. */
export const TracingLive = OtelTracer.layer.pipe(
  Layer.provide(Layer.sync(OtelTracer.OtelTracerProvider, () =>
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  ))
)

/** Lists three layers and reads the first in full, inside a span of its own. */
export const traced = Effect.gen(function*() {
  const layers = yield* Query.collect(Query.limit(Layers.list(), 3))
  yield* Console.log(`Listed ${layers.length} layer(s)`)
  const first = Option.fromUndefinedOr(layers[0])
  if (Option.isSome(first)) {
    const layer = yield* Layers.get(first.value.id)
    yield* Console.log(`Read layer ${layer.id}: ${layer.name}`)
  }
}).pipe(Effect.withSpan("example.traced"))

/** The finished spans as an indented tree: name, duration, and the events on each. */
export const spanTree = (spans: ReadonlyArray<ReadableSpan>): ReadonlyArray<string> => {
  const children = new Map<string | undefined, Array<ReadableSpan>>()
  const ids = new Set(spans.map((span) => span.spanContext().spanId))
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId
    const key = parent !== undefined && ids.has(parent) ? parent : undefined
    children.set(key, [...(children.get(key) ?? []), span])
  }
  const lines: Array<string> = []
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])) {
      const millis = span.duration[0] * 1000 + span.duration[1] / 1e6
      lines.push(`${"  ".repeat(depth)}${span.name} (${millis.toFixed(1)} ms)`)
      for (const event of span.events) lines.push(`${"  ".repeat(depth + 1)}event ${event.name}`)
      walk(span.spanContext().spanId, depth + 1)
    }
  }
  walk(undefined, 0)
  return lines
}

const main = async () => {
  const real = process.env["KOORDINATES_HOST"] !== undefined && process.env["KOORDINATES_TOKEN"] !== undefined
  const program = real
    ? traced.pipe(Effect.provide(Koordinates.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))))
    : Effect.gen(function*() {
      const fake = yield* FakeKoordinates.FakeKoordinates
      fake.inject({ path: /\/layers\/$/, status: 503 }) // the first list page fails once: a retry
      yield* traced
    }).pipe(Effect.provide(FakeKoordinates.layer({ catalogSize: 20, retry: { base: "10 millis" } })))
  await Effect.runPromise(program.pipe(Effect.provide(TracingLive)))
  console.log("Spans:")
  for (const line of spanTree(exporter.getFinishedSpans())) console.log(`  ${line}`)
}

if (import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(String(error))
    process.exitCode = 1
  })
}
