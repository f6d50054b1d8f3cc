/**
 * `npm run demo`: runs the Quick Start against the real site when `KOORDINATES_HOST` and
 * `KOORDINATES_TOKEN` are set, and against an embedded FakeKoordinates otherwise.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import * as FakeKoordinates from "@koordinates-effect/testing"
import { quickstart } from "./quickstart.ts"

const real = process.env["KOORDINATES_HOST"] !== undefined && process.env["KOORDINATES_TOKEN"] !== undefined

const live = real
  ? Koordinates.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
  : FakeKoordinates.layer({ catalogSize: 200 })

console.log(real ? `Against ${process.env["KOORDINATES_HOST"]}` : "Against an embedded FakeKoordinates (set KOORDINATES_HOST and KOORDINATES_TOKEN for a real site)")

Effect.runPromise(Effect.provide(quickstart, live)).catch((error: unknown) => {
  console.error(String(error))
  process.exitCode = 1
})
