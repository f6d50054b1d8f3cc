/**
 * The publishing tasks of the Quick Start, each a small Effect, plus the whole workflow:
 * create → import → wait → publish → wait.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Layers from "@koordinates-effect/client/Layers"
import * as Publishing from "@koordinates-effect/client/Publishing"

/** How the examples poll: briskly, with a time budget. */
const brisk = { schedule: Schedule.spaced("200 millis"), timeout: "2 minutes" } as const

/** Create a layer from datasources: its first version is a draft that imports them. */
export const createLayer = (name: string, datasources: ReadonlyArray<number>) =>
  Effect.gen(function*() {
    const draft = yield* Layers.create({ name, data: { datasources } })
    yield* Console.log(`Created layer ${draft.id} "${draft.name}", version ${draft.version?.id} ${draft.version?.status}`)
    return draft
  })

/** Publish several draft versions together, and wait until they are live. */
export const publishTogether = (drafts: ReadonlyArray<Layers.Layer>) =>
  Effect.gen(function*() {
    const publish = yield* Publishing.create({ items: drafts, publishStrategy: "together", errorStrategy: "abort" })
    yield* Console.log(`Publish ${publish.id}: ${publish.items.length} items, ${publish.state}`)
    const done = yield* Publishing.waitForPublish(publish.id, brisk)
    yield* Console.log(`Publish ${done.id}: ${done.state}`)
    return done
  })

/** Reimport a layer from its datasources as a new version, and wait for the import. */
export const reimportLayer = (layerId: number) =>
  Effect.gen(function*() {
    const next = yield* Layers.startUpdate(layerId)
    yield* Console.log(`Layer ${layerId}: new version ${next.version?.id} ${next.version?.status}`)
    return yield* Layers.waitForImport(layerId, next.version!.id, brisk)
  })

/** Publish one given version of a layer, and wait until it is live. */
export const publishVersion = (layerId: number, versionId: number) =>
  Effect.gen(function*() {
    const publish = yield* Layers.publishVersion(layerId, versionId)
    yield* Publishing.waitForPublish(publish.id, brisk)
    const published = yield* Layers.getPublished(layerId)
    yield* Console.log(`Layer ${layerId}: version ${published.version?.id} is published`)
    return published
  })

/** The whole workflow: create a layer, wait for its import, publish it, wait for the publish. */
export const workflow = (name: string, datasources: ReadonlyArray<number>) =>
  Effect.gen(function*() {
    const draft = yield* createLayer(name, datasources)
    const imported = yield* Layers.waitForImport(draft.id, draft.version!.id, brisk)
    yield* Console.log(`Layer ${imported.id}: import ${imported.version?.status}`)
    return yield* publishVersion(imported.id, imported.version!.id)
  })
