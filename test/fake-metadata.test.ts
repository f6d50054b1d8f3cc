/**
 * Tests of FakeKoordinates' metadata endpoints over real HTTP: native documents byte for
 * byte, ISO and Dublin Core derived ones, each an attachment with a file name.
 */
import { describe, expect, it } from "vitest"
import { call, type Json, post, request, root, useServer } from "./support/raw.ts"

describe("metadata", () => {
  const server = useServer({ catalogSize: 0 })

  const document = "\uFEFF\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gmd:MD_Metadata>Tūī &amp; kererū</gmd:MD_Metadata>\n"
  const xml = { "Content-Type": "text/xml" }

  it("stores a layer version's native document byte for byte and links its formats", async () => {
    const layer = server.store.addLayer({ name: "Buildings", draft: "ok", metadata: false })
    const base = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/`
    expect((await request(server, base)).body["metadata"]).toBeNull()
    expect((await call(server, `${base}metadata/`)).status).toBe(404)

    const stored = await post(server, `${base}metadata/`, document, { headers: xml })
    expect(stored.status).toBe(200)
    expect(stored.response.headers.get("location")).toBe(`${root(server)}${base}metadata/`)
    expect(stored.body).toEqual({
      url: `${root(server)}${base}metadata/`,
      url_html: `${server.origin}/layer/${layer.id}-buildings/metadata/`
    })
    const metadata = (await request(server, base)).body["metadata"]
    expect(metadata).toEqual({
      iso: `${root(server)}${base}metadata/iso/`,
      dc: `${root(server)}${base}metadata/dc/`,
      native: `${root(server)}${base}metadata/`
    })
    const native = await call(server, `${base}metadata/`)
    expect(native.headers.get("content-type")).toBe("text/xml; charset=utf-8")
    expect(native.headers.get("content-disposition")).toBe('attachment; filename="buildings.xml"')
    expect(new Uint8Array(await native.arrayBuffer())).toEqual(new TextEncoder().encode(document))
    expect((await request(server, `/layers/${layer.id}/`)).body["metadata"]).toBeNull()
  })

  it("keeps bytes that are not UTF-8 exactly", async () => {
    const layer = server.store.addLayer({ publishedVersions: 0 })
    const base = `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`
    const latin1 = Uint8Array.from([...Buffer.from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>"), 0xe9, ...Buffer.from("</t>")])
    expect((await post(server, base, latin1, { headers: { "Content-Type": "application/xml; charset=iso-8859-1" } })).status)
      .toBe(200)
    expect(new Uint8Array(await (await call(server, base)).arrayBuffer())).toEqual(latin1)
  })

  it("derives well-formed ISO and Dublin Core documents from the layer", async () => {
    const layer = server.store.addLayer({ name: "Roads & Tracks", description: "Formed <public> roads.", tags: ["roads"] })
    const base = `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`
    const iso = await call(server, `${base}iso/`)
    expect(iso.headers.get("content-type")).toBe("text/xml; charset=utf-8")
    expect(iso.headers.get("content-disposition")).toBe('attachment; filename="roads-tracks.iso.xml"')
    expect((await call(server, `${base}dc/`)).headers.get("content-disposition"))
      .toBe('attachment; filename="roads-tracks.dc.xml"')
    const isoText = await iso.text()
    expect(isoText).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<gmd:MD_Metadata /)
    expect(isoText).toContain("<gmd:title><gco:CharacterString>Roads &amp; Tracks</gco:CharacterString></gmd:title>")
    expect(isoText).toContain("<gco:CharacterString>Formed &lt;public&gt; roads.</gco:CharacterString>")
    expect(isoText).toContain(`<gco:DateTime>${layer.versions[0]?.published_at}</gco:DateTime>`)
    const dc = await (await call(server, `${base}dc/`)).text()
    expect(dc).toContain("<dc:title>Roads &amp; Tracks</dc:title>")
    expect(dc).toContain("<dc:subject>roads</dc:subject>")
    expect(dc).toContain(`<dc:identifier>${root(server)}/layers/${layer.id}/versions/${layer.versions[0]?.id}/</dc:identifier>`)
    const native = await (await call(server, base)).text()
    expect(native).toContain(`<gco:CharacterString>urn:koordinates:layer:${layer.id}</gco:CharacterString>`)
    for (const text of [isoText, dc, native]) {
      const opened = [...text.matchAll(/<([\w:]+)[\s>]/g)].map((match) => match[1])
      const closed = [...text.matchAll(/<\/([\w:]+)>/g)].map((match) => match[1])
      expect(closed.sort()).toEqual(opened.sort())
    }
  })

  it("refuses non-XML bodies and types (400) and published versions (405)", async () => {
    const layer = server.store.addLayer({ draft: "ok", metadata: false })
    const draft = `/layers/${layer.id}/versions/${layer.versions[1]?.id}/metadata/`
    const json = await post(server, draft, "{\"a\": 1}", { headers: xml })
    expect(json.status).toBe(400)
    expect(json.body).toEqual({ detail: "The body is not an XML document" })
    const type = await post(server, draft, document, { headers: { "Content-Type": "application/json" } })
    expect(type.status).toBe(400)
    expect(type.body).toEqual({
      detail: "Unsupported content type \"application/json\": send metadata as text/xml or application/xml"
    })
    expect((await post(server, draft, "", { headers: xml })).status).toBe(400)
    const published = await post(server, `/layers/${layer.id}/versions/${layer.versions[0]?.id}/metadata/`, document, {
      headers: xml
    })
    expect(published.status).toBe(405)
    expect(published.body).toEqual({ detail: "Published versions cannot be edited" })
    expect(layer.versions[1]?.content.metadata).toBeNull()
  })

  it("stores set metadata through the set and through a version", async () => {
    const set = server.store.addSet({ title: "Imagery", draft: true, metadata: false })
    const [published, draft] = set.versions
    const bySet = await post(server, `/sets/${set.id}/metadata/`, document, { headers: xml })
    expect(bySet.status).toBe(200)
    expect(bySet.body["url"]).toBe(`${root(server)}/sets/${set.id}/versions/${draft?.id}/metadata/`)
    const native = await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`)
    expect(new Uint8Array(await native.arrayBuffer())).toEqual(new TextEncoder().encode(document))
    expect((await call(server, `/sets/${set.id}/metadata/`)).status).toBe(404)

    const other = "<dc>Second</dc>"
    await post(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`, other, { headers: xml })
    expect(await (await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/dc/`)).text()).toContain(
      "<dc:title>Imagery</dc:title>"
    )
    expect(await (await call(server, `/sets/${set.id}/versions/${draft?.id}/metadata/`)).text()).toBe(other)
    const refused = await post(server, `/sets/${set.id}/versions/${published?.id}/metadata/`, other, { headers: xml })
    expect(refused.status).toBe(405)
    const draftSet = await request(server, `/sets/${set.id}/versions/draft/`)
    expect((draftSet.body["metadata"] as Json)["native"]).toBe(
      `${root(server)}/sets/${set.id}/versions/${draft?.id}/metadata/`
    )
  })
})
