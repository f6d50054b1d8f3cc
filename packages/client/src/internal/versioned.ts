/**
 * Endpoints every versioned resource shares (layers and tables, sets): getting the object
 * at a version, drafts, publishing, deleting and metadata. An API module declares a
 * {@link Resource} once and builds each of its functions from it with one line, so the
 * functions stay separate exports (and tree-shake one by one).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import type { KoordinatesError } from "../Errors.ts"
import type { Koordinates } from "../Koordinates.ts"
import * as Get from "./get.ts"
import * as Http from "./http.ts"
import { Publish } from "./publish.ts"
import * as Validate from "./validate.ts"
import * as Xml from "./xml.ts"

/** A versioned resource: where it lives and what it decodes to. */
export interface Resource<A> {
  /** Module name, for span names: `Koordinates.{module}.{function}`. */
  readonly module: string
  /** Collection path, e.g. `/layers/`. */
  readonly path: string
  /** Name of the id argument in validation errors, e.g. `layerId`. */
  readonly idField: string
  /** The object at one version. */
  readonly schema: Schema.Decoder<A>
}

/** Options of the single-object getters. */
export type GetOptions = Get.GetOptions

/** Every way these endpoints fail. */
export type Error = KoordinatesError

type Fn<Args extends ReadonlyArray<unknown>, A> = (...args: Args) => Effect.Effect<A, Error, Koordinates>

const span = <A>(resource: Resource<A>, name: string) => `Koordinates.${resource.module}.${name}`

const ids = (fields: ReadonlyArray<readonly [string, number]>) =>
  Effect.forEach(fields, ([field, value]) => Validate.id(field, value), { discard: true })

const versionPath = <A>(resource: Resource<A>, id: number, version: number | string) =>
  `${resource.path}${id}/versions/${version}/`

/** `get(id, options)`: the object (its published version, else its draft). */
export const get = <A>(resource: Resource<A>): Fn<[id: number, options?: GetOptions], A> =>
  Effect.fn(span(resource, "get"))(function*(id: number, options?: GetOptions) {
    yield* Validate.id("id", id)
    return yield* Get.object(`${resource.path}${id}/`, resource.schema, options)
  })

/** `getVersion(id, versionId, options)`: the object at one version. */
export const getVersion = <A>(resource: Resource<A>): Fn<[id: number, versionId: number, options?: GetOptions], A> =>
  Effect.fn(span(resource, "getVersion"))(function*(id: number, versionId: number, options?: GetOptions) {
    yield* ids([[resource.idField, id], ["versionId", versionId]])
    return yield* Get.object(versionPath(resource, id, versionId), resource.schema, options)
  })

/** `getDraft(id)` / `getPublished(id)`: the object at its draft or published version. */
export const getNamedVersion = <A>(
  resource: Resource<A>,
  version: "draft" | "published"
): Fn<[id: number, options?: GetOptions], A> =>
  Effect.fn(span(resource, version === "draft" ? "getDraft" : "getPublished"))(
    function*(id: number, options?: GetOptions) {
      yield* Validate.id(resource.idField, id)
      return yield* Get.object(versionPath(resource, id, version), resource.schema, options)
    }
  )

/** `createDraft(id)`: a new draft version (`Conflict` when one exists). */
export const createDraft = <A>(resource: Resource<A>): Fn<[id: number], A> =>
  Effect.fn(span(resource, "createDraft"))(function*(id: number) {
    yield* Validate.id(resource.idField, id)
    return yield* Http.json(
      { method: "POST", path: `${resource.path}${id}/versions/`, body: HttpBody.jsonUnsafe({}) },
      resource.schema
    )
  })

/** `publishVersion(id, versionId)`: publishes one version; returns the Publish. */
export const publishVersion = <A>(resource: Resource<A>): Fn<[id: number, versionId: number], Publish> =>
  Effect.fn(span(resource, "publishVersion"))(function*(id: number, versionId: number) {
    yield* ids([[resource.idField, id], ["versionId", versionId]])
    return yield* Http.json(
      { method: "POST", path: `${versionPath(resource, id, versionId)}publish/`, body: HttpBody.jsonUnsafe({}) },
      Publish
    )
  })

/** `updateVersion(id, versionId, body)`: replaces a draft version's fields (PUT). */
export const putVersion = <A>(resource: Resource<A>, id: number, versionId: number, body: unknown) =>
  Effect.flatMap(
    ids([[resource.idField, id], ["versionId", versionId]]),
    () =>
      Http.json(
        { method: "PUT", path: versionPath(resource, id, versionId), body: HttpBody.jsonUnsafe(body) },
        resource.schema
      )
  )

/** `deleteVersion(id, versionId)`: deletes a draft version. */
export const deleteVersion = <A>(resource: Resource<A>): Fn<[id: number, versionId: number], void> =>
  Effect.fn(span(resource, "deleteVersion"))(function*(id: number, versionId: number) {
    yield* ids([[resource.idField, id], ["versionId", versionId]])
    yield* Http.discard({ method: "DELETE", path: versionPath(resource, id, versionId) })
  })

/** `delete(id)`: deletes the object with all its versions. */
export const remove = <A>(resource: Resource<A>, name: string): Fn<[id: number], void> =>
  Effect.fn(span(resource, name))(function*(id: number) {
    yield* Validate.id(resource.idField, id)
    yield* Http.discard({ method: "DELETE", path: `${resource.path}${id}/` })
  })

/** Sends an XML document to an object's `metadata/` endpoint. */
export const postMetadata = (objectPath: string, xml: Xml.XmlInput) =>
  Effect.flatMap(Xml.body(xml), (body) => Http.discard({ method: "POST", path: `${objectPath}metadata/`, body }))

/** `setMetadata(id, versionId, xml)`: sets a draft version's metadata. */
export const setMetadata = <A>(resource: Resource<A>): Fn<[id: number, versionId: number, xml: Xml.XmlInput], void> =>
  Effect.fn(span(resource, "setMetadata"))(function*(id: number, versionId: number, xml: Xml.XmlInput) {
    yield* ids([[resource.idField, id], ["versionId", versionId]])
    yield* postMetadata(versionPath(resource, id, versionId), xml)
  })

/** The version links every versioned object carries. */
interface VersionLinks {
  readonly this_version?: string | null | undefined
  readonly latest_version?: string | null | undefined
  readonly published_version?: string | null | undefined
}

/** Whether the object is its resource's published version. */
export const isPublishedVersion = (object: VersionLinks): boolean =>
  object.this_version != null && object.this_version === object.published_version

/** Whether the object is its resource's draft: the latest version, not yet published. */
export const isDraftVersion = (object: VersionLinks): boolean =>
  object.this_version != null && object.this_version === object.latest_version &&
  object.latest_version !== object.published_version
