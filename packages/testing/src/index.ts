/**
 * `@koordinates-effect/testing`: FakeKoordinates, an in-memory Koordinates API on loopback
 * for tests, demos and local development.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layers from "@koordinates-effect/client/Layers"
 * import * as FakeKoordinates from "@koordinates-effect/testing"
 *
 * const program = Layers.get(1474)
 * Effect.provide(program, FakeKoordinates.layer({ catalogSize: 200 }))
 * ```
 * @module
 */
export { defaultToken, FakeKoordinates, layer, layerServer } from "./FakeKoordinates.ts"
export type { FakeKoordinatesOptions } from "./FakeKoordinates.ts"
export * from "./server/index.ts"
