/**
 * Downloads into files, against servers that lie: a name from the server never puts a file
 * outside the folder asked for, several downloads to one file never silently replace each
 * other, and a resumed download never splices another reply into the file.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as PlatformError from "effect/PlatformError"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Exports from "@koordinates-effect/client/Exports"
import * as Koordinates from "@koordinates-effect/client/Koordinates"
import { exportSha256 } from "@koordinates-effect/testing"
import { failure } from "./support/effect.ts"
import { completeExport, exportAt } from "./support/exports.ts"
import { withFake } from "./support/fake.ts"
import { type Handler, hostileServer, pattern } from "./support/hostile.ts"

/** The Node file system, but with no hard links (as on FAT or some network shares): `link` is refused. */
const withoutHardLinks = Layer.effect(
  FileSystem.FileSystem,
  Effect.map(FileSystem.FileSystem, (real) =>
    FileSystem.FileSystem.of({
      ...real,
      link: (from) =>
        Effect.fail(PlatformError.systemError({ _tag: "PermissionDenied", module: "FileSystem", method: "link", pathOrDescriptor: from }))
    }))
).pipe(Layer.provide(NodeFileSystem.layer))

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "koordinates-files-"))
const sha256 = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex")
/** Every file under `root`, relative to it, sorted. */
const tree = (root: string): Array<string> => (fs.readdirSync(root, { recursive: true }) as Array<string>).sort()

/** The same export under another name, as a server could send it. */
const named = (done: Exports.Export, name: string) => new Exports.Export({ ...done, name })

describe("a folder target gets one plain file name inside it, whatever the server calls the export", () => {
  const names: ReadonlyArray<readonly [string, string]> = [
    ["../../escaped", "_.._escaped.zip"],
    ["..\\..\\escaped", "_.._escaped.zip"],
    ["/etc/passwd", "_etc_passwd.zip"],
    ["C:\\Windows\\win.ini", "C__Windows_win.ini.zip"],
    ["..", "export-{id}.zip"],
    [".", "export-{id}.zip"],
    ["", "export-{id}.zip"],
    ["  . .  ", "export-{id}.zip"],
    [".hidden", "hidden.zip"],
    ["roads.zip", "roads.zip"],
    ["roads.ZIP", "roads.zip"],
    ["con", "_con.zip"],
    ["nul.tar", "_nul.tar.zip"],
    ["tab\there\u0000null\nline", "tab_here_null_line.zip"],
    ["\u202egpj.exe", "_gpj.exe.zip"],
    ["x".repeat(1000), `${"x".repeat(200)}.zip`],
    ["é".repeat(300), `${"é".repeat(100)}.zip`],
    ["🚀".repeat(100), `${"🚀".repeat(50)}.zip`],
    ["roads <2024> | \"final\"?*", "roads _2024_ _ _final___.zip"]
  ]
  it.live(`${names.length} hostile and odd names: each file lands in the folder under the documented name`, () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(1_000)
        const root = scratch()
        const folder = path.join(root, "a", "b")
        fs.mkdirSync(folder, { recursive: true })
        for (const [name, expected] of names) {
          const file = expected.replace("{id}", String(done.id))
          const written = yield* Exports.downloadToFile(named(done, name), folder)
          assert.strictEqual(written, path.join(fs.realpathSync(folder), file), JSON.stringify(name))
          assert.strictEqual(sha256(fs.readFileSync(written)), exportSha256(done.id, 1_000))
          fs.rmSync(written)
          assert.deepStrictEqual(tree(root), ["a", path.join("a", "b")], `nothing else written for ${JSON.stringify(name)}`)
        }
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))

  it.live("a name of a million characters is cut at once, not character by character", () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(1_000)
        const folder = scratch()
        const start = Date.now()
        const written = yield* Exports.downloadToFile(named(done, "é".repeat(1_000_000)), folder)
        assert.isBelow(Date.now() - start, 2_000, "ms to name and write the file")
        assert.strictEqual(path.basename(written), `${"é".repeat(100)}.zip`)
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))

  it.live("a folder reached through a symlink: the file is written into the real folder", () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(1_000)
        const root = scratch()
        fs.mkdirSync(path.join(root, "real"))
        fs.symlinkSync(path.join(root, "real"), path.join(root, "link"))
        const written = yield* Exports.downloadToFile(named(done, "../escaped"), path.join(root, "link"))
        assert.strictEqual(written, path.join(fs.realpathSync(root), "real", "_escaped.zip"))
        assert.deepStrictEqual(fs.readdirSync(root).sort(), ["link", "real"])
        assert.deepStrictEqual(fs.readdirSync(path.join(root, "real")), ["_escaped.zip"])
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))

  it.live("a symlink in the folder under the file's name is never followed out of it", () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(1_000)
        const root = scratch()
        const folder = path.join(root, "downloads")
        fs.mkdirSync(folder)
        const outside = path.join(root, "precious.txt")
        fs.writeFileSync(outside, "keep me")
        fs.symlinkSync(outside, path.join(folder, "kx-roads.zip"))
        fs.symlinkSync(path.join(root, "absent.txt"), path.join(folder, "dangling.zip"))

        const refused = yield* failure(Exports.downloadToFile(named(done, "kx-roads"), folder))
        assert.strictEqual(refused._tag, "ClientValidationError")
        const dangling = yield* failure(Exports.downloadToFile(named(done, "dangling"), folder))
        assert.strictEqual(dangling._tag, "DownloadError")
        assert.isFalse(fs.existsSync(path.join(root, "absent.txt")), "the dangling link's target is not created")

        const replaced = yield* Exports.downloadToFile(named(done, "kx-roads"), folder, { overwrite: true })
        assert.isFalse(fs.lstatSync(replaced).isSymbolicLink(), "the link itself is replaced by the file")
        assert.strictEqual(sha256(fs.readFileSync(replaced)), exportSha256(done.id, 1_000))
        assert.strictEqual(fs.readFileSync(outside, "utf8"), "keep me")
        assert.deepStrictEqual(tree(root), ["downloads", path.join("downloads", "dangling.zip"), path.join("downloads", "kx-roads.zip"), "precious.txt"])
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))
})

describe("several downloads to one file", () => {
  for (const form of ["a file path", "a folder"] as const) {
    it.live(`to ${form}, three at once without overwrite: exactly one wins, the others fail typed, no temporary file is left`, () =>
      withFake(() =>
        Effect.gen(function*() {
          const done = yield* completeExport(400_000)
          const folder = scratch()
          const target = form === "a folder" ? folder : path.join(folder, "roads.zip")
          const outcomes = yield* Effect.all(
            Array.from({ length: 3 }, () => Effect.result(Exports.downloadToFile(done, target))),
            { concurrency: "unbounded" }
          )
          const won = outcomes.filter((outcome) => outcome._tag === "Success")
          const lost = outcomes.flatMap((outcome) => (outcome._tag === "Failure" ? [outcome.failure] : []))
          assert.strictEqual(won.length, 1, JSON.stringify(lost))
          for (const error of lost) assert.include(["DownloadError", "ClientValidationError"], error._tag, error.message)
          assert.isTrue(lost.some((error) => error._tag === "DownloadError"), "a download found the file made under it")
          const file = won[0]!.success
          assert.strictEqual(sha256(fs.readFileSync(file)), exportSha256(done.id, 400_000))
          assert.deepStrictEqual(fs.readdirSync(folder), [path.basename(file)])
        }).pipe(Effect.provide(NodeFileSystem.layer))
      ))
  }

  it.live("on a file system without hard links, the name is claimed exclusively: one of three wins, no temporary file", () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(200_000)
        const folder = scratch()
        const target = path.join(folder, "roads.zip")
        const outcomes = yield* Effect.all(
          Array.from({ length: 3 }, () => Effect.result(Exports.downloadToFile(done, target))),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(outcomes.filter((outcome) => outcome._tag === "Success").length, 1)
        for (const outcome of outcomes) {
          if (outcome._tag === "Failure") assert.include(["DownloadError", "ClientValidationError"], outcome.failure._tag)
        }
        assert.strictEqual(sha256(fs.readFileSync(target)), exportSha256(done.id, 200_000))
        assert.deepStrictEqual(fs.readdirSync(folder), ["roads.zip"])
      }).pipe(Effect.provide(withoutHardLinks))
    ))

  it.live("with overwrite, each replaces the file whole; no temporary file is left", () =>
    withFake(() =>
      Effect.gen(function*() {
        const done = yield* completeExport(200_000)
        const folder = scratch()
        const target = path.join(folder, "roads.zip")
        fs.writeFileSync(target, "old")
        yield* Effect.all(Array.from({ length: 3 }, () => Exports.downloadToFile(done, target, { overwrite: true })), {
          concurrency: "unbounded"
        })
        assert.strictEqual(sha256(fs.readFileSync(target)), exportSha256(done.id, 200_000))
        assert.deepStrictEqual(fs.readdirSync(folder), ["roads.zip"])
      }).pipe(Effect.provide(NodeFileSystem.layer))
    ))
})

const file = pattern(1_000)
const cutAt = 400

/** A first reply that sends the first 400 of 1,000 bytes and breaks off; `resumed` answers the rest. */
const cutThen = (resumed: Handler): Handler => (request, response, index, body) => {
  if (index > 0) return resumed(request, response, index, body)
  response.writeHead(200, { "content-type": "application/zip", "content-length": file.length, etag: "\"v1\"" })
  response.write(file.subarray(0, cutAt), () => response.destroy())
}

const partial = (status: number, headers: Record<string, string>, body: Uint8Array): Handler => (_request, response) => {
  response.writeHead(status, headers)
  response.end(body)
}

const rest = file.subarray(cutAt)
const range = `bytes ${cutAt}-${file.length - 1}/${file.length}`
const zip = "application/zip"

const resumptions: ReadonlyArray<{ readonly reply: string; readonly handler: Handler; readonly spliced: boolean }> = [
  { reply: "a 200 HTML page", handler: partial(200, { "content-type": "text/html" }, Buffer.from("<html>sign in</html>")), spliced: true },
  { reply: "a 206 HTML page", handler: partial(206, { "content-type": "text/html", "content-range": range, etag: "\"v1\"" }, rest), spliced: true },
  { reply: "a 206 from byte 0", handler: partial(206, { "content-type": zip, "content-range": `bytes 0-999/1000`, etag: "\"v1\"" }, file), spliced: true },
  { reply: "a 206 with no Content-Range", handler: partial(206, { "content-type": zip, etag: "\"v1\"" }, rest), spliced: true },
  { reply: "a 206 of another content type", handler: partial(206, { "content-type": "text/plain", "content-range": range, etag: "\"v1\"" }, rest), spliced: true },
  { reply: "a 206 with another ETag", handler: partial(206, { "content-type": zip, "content-range": range, etag: "\"v2\"" }, rest), spliced: true },
  { reply: "a 206 of a file of another size", handler: partial(206, { "content-type": zip, "content-range": `bytes ${cutAt}-1999/2000`, etag: "\"v1\"" }, rest), spliced: true },
  { reply: "a 200 with another ETag (the file changed)", handler: partial(200, { "content-type": zip, etag: "\"v2\"" }, file), spliced: true },
  { reply: "a 200 with no ETag", handler: partial(200, { "content-type": zip }, file), spliced: true },
  { reply: "a 204", handler: partial(204, { etag: "\"v1\"" }, new Uint8Array()), spliced: true },
  { reply: "the rest, as a 206 from byte 400", handler: partial(206, { "content-type": zip, "content-range": range, etag: "\"v1\"" }, rest), spliced: false },
  { reply: "the whole file again, a 200 with the same ETag (ranges ignored)", handler: partial(200, { "content-type": zip, etag: "\"v1\"" }, file), spliced: false }
]

describe("a resumed download is checked as strictly as the first reply", () => {
  for (const { reply, handler, spliced } of resumptions) {
    it.live(`cut at byte ${cutAt}, then ${reply} → ${spliced ? "DownloadError, no file" : "the whole file"}`, () =>
      Effect.gen(function*() {
        const storage = yield* hostileServer(cutThen(handler))
        const client = Koordinates.layer({ origin: storage.origin, token: "hostile-test-token", retry: { times: 2, base: "1 millis" } })
          .pipe(Layer.provide(FetchHttpClient.layer))
        const folder = scratch()
        const exported = exportAt(`${storage.origin}/download/7.zip`)
        const download = Effect.result(Exports.downloadToFile(exported, folder)).pipe(Effect.provide(client))
        const outcome = yield* download
        assert.strictEqual(storage.received.length, 2, "one resumption")
        assert.strictEqual(storage.received[1]!.headers["range"], `bytes=${cutAt}-`)
        assert.strictEqual(storage.received[1]!.headers["if-range"], "\"v1\"")
        if (spliced) {
          assert.strictEqual(outcome._tag, "Failure")
          if (outcome._tag === "Failure") assert.strictEqual(outcome.failure._tag, "DownloadError", outcome.failure.message)
          assert.deepStrictEqual(fs.readdirSync(folder), [])
        } else {
          assert.strictEqual(outcome._tag, "Success")
          assert.deepStrictEqual(fs.readdirSync(folder), ["kx-roads.zip"])
          assert.strictEqual(sha256(fs.readFileSync(path.join(folder, "kx-roads.zip"))), sha256(file))
        }
      }).pipe(Effect.provide(NodeFileSystem.layer), Effect.scoped))
  }
})
