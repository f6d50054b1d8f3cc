/**
 * Endpoints every versioned resource shares (layers and tables, sets): getting the object
 * at a version, drafts, publishing, deleting and metadata. An API module declares a
 * {@link Resource} once and builds each of its functions from it with one line, through
 * the endpoint builders, so the functions stay separate exports (and tree-shake one by one).
 *
 * @since 0.1.0
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as HttpBody from "effect/http/HttpBody"
import * as Endpoint from "./endpoint.ts"
import * as Http from "./http.ts"
import { Publish } from "./publish.ts"
import * as Validate from "./validate.ts"
import * as Xml from "./xml.ts"

/**
 * A versioned resource: where it lives and what it decodes to.
 *
 * @since 0.1.0
 */
export interface Resource<A, Path extends string = string, IdField extends string = string> {
  /** Module name, for span names: `Koordinates.{module}.{function}`. */
  readonly module: string
  /** Collection path, e.g. `/layers/`. */
  readonly path: Path
  /** Name of the id argument, e.g. `layerId`. */
  readonly idField: IdField
  /** The object at one version. */
  readonly schema: Schema.Decoder<A>
}

const span = (resource: { readonly module: string }, name: string) => `Koordinates.${resource.module}.${name}`

/** The path template of one of the resource's objects, then `rest`. */
const objectPath = <A, P extends string, F extends string, const Rest extends string>(
  resource: Resource<A, P, F>,
  rest: Rest
) =>
  `${resource.path}{${resource.idField}}/${rest}` as const

/**
 * `get(id, options)`: the object (its published version, else its draft).
 *
 * @since 0.1.0
 */
export const get = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.get(span(resource, "get"), `${resource.path}{id}/` as const, resource.schema)

/**
 * `getVersion(id, versionId, options)`: the object at one version.
 *
 * @since 0.1.0
 */
export const getVersion = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.get(span(resource, "getVersion"), objectPath(resource, "versions/{versionId}/"), resource.schema)

/**
 * `getDraft(id)` / `getPublished(id)`: the object at its draft or published version.
 *
 * @since 0.1.0
 */
export const getNamedVersion = <A, P extends string, F extends string>(
  resource: Resource<A, P, F>,
  version: "draft" | "published"
) =>
  Endpoint.get(
    span(resource, version === "draft" ? "getDraft" : "getPublished"),
    objectPath(resource, `versions/${version}/`),
    resource.schema
  )

/**
 * `createDraft(id)`: a new draft version (`Conflict` when one exists).
 *
 * @since 0.1.0
 */
export const createDraft = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.action(span(resource, "createDraft"), objectPath(resource, "versions/"), resource.schema)

/**
 * `publishVersion(id, versionId)`: publishes one version; returns the Publish.
 *
 * @since 0.1.0
 */
export const publishVersion = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.action(span(resource, "publishVersion"), objectPath(resource, "versions/{versionId}/publish/"), Publish)

/**
 * `updateVersion(id, versionId, body)`: replaces a draft version's fields (PUT).
 *
 * @since 0.1.0
 */
export const putVersion = <A>(resource: Resource<A>, id: number, versionId: number, body: unknown) =>
  Effect.flatMap(
    Effect.andThen(Validate.id(resource.idField, id), Validate.id("versionId", versionId)),
    () =>
      Http.json(
        { method: "PUT", path: `${resource.path}${id}/versions/${versionId}/`, body: HttpBody.jsonUnsafe(body) },
        resource.schema
      )
  )

/**
 * `deleteVersion(id, versionId)`: deletes a draft version.
 *
 * @since 0.1.0
 */
export const deleteVersion = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.remove(span(resource, "deleteVersion"), objectPath(resource, "versions/{versionId}/"))

/**
 * `delete(id)`: deletes the object with all its versions.
 *
 * @since 0.1.0
 */
export const remove = <A, P extends string, F extends string>(resource: Resource<A, P, F>, name: string) =>
  Endpoint.remove(span(resource, name), objectPath(resource, ""))

/**
 * Sends an XML document to an object's `metadata/` endpoint.
 *
 * @since 0.1.0
 */
export const postMetadata = (objectUrl: string, xml: Xml.XmlInput) =>
  Effect.flatMap(Xml.body(xml), (body) => Http.discard({ method: "POST", path: `${objectUrl}metadata/`, body }))

/**
 * `setMetadata(id, versionId, xml)`: sets a draft version's metadata.
 *
 * @since 0.1.0
 */
export const setMetadata = <A, P extends string, F extends string>(resource: Resource<A, P, F>) =>
  Endpoint.make(
    span(resource, "setMetadata"),
    objectPath(resource, "versions/{versionId}/"),
    (path, xml: Xml.XmlInput) => postMetadata(path, xml)
  )

/** The version links every versioned object carries. */
interface VersionLinks {
  readonly this_version?: string | null | undefined
  readonly latest_version?: string | null | undefined
  readonly published_version?: string | null | undefined
}

/**
 * Whether the object is its resource's published version.
 *
 * @since 0.1.0
 */
export const isPublishedVersion = (object: VersionLinks): boolean =>
  object.this_version != null && object.this_version === object.published_version

/**
 * Whether the object is its resource's draft: the latest version, not yet published.
 *
 * @since 0.1.0
 */
export const isDraftVersion = (object: VersionLinks): boolean =>
  object.this_version != null && object.this_version === object.latest_version &&
  object.latest_version !== object.published_version
