/**
 * Metadata XML: the small ISO 19139 and Dublin Core documents the fake derives from an
 * item's content, text escaping, and the check that an uploaded body is XML at all.
 */

/** What a derived metadata document says about an item. */
export interface MetadataFacts {
  /** A stable identifier: the item's API URL, or a URN for generated documents. */
  readonly identifier: string
  readonly title: string
  readonly abstract: string
  readonly keywords: ReadonlyArray<string>
  /** When the item (version) was created, as the API writes timestamps. */
  readonly created: string
  /** When it was published, or null. */
  readonly published: string | null
}

/** Escapes text for XML (and HTML) content and attribute values. */
export const escapeXml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\"", "&quot;")

const declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

const isoString = (text: string) => `<gco:CharacterString>${escapeXml(text)}</gco:CharacterString>`

const isoDate = (when: string, type: "creation" | "publication") =>
  `          <gmd:date>
            <gmd:CI_Date>
              <gmd:date><gco:DateTime>${escapeXml(when)}</gco:DateTime></gmd:date>
              <gmd:dateType><gmd:CI_DateTypeCode codeList="http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#CI_DateTypeCode" codeListValue="${type}">${type}</gmd:CI_DateTypeCode></gmd:dateType>
            </gmd:CI_Date>
          </gmd:date>
`

/** An ISO 19115 record in the ISO 19139 XML encoding. */
export const isoDocument = (facts: MetadataFacts): string =>
  `${declaration}<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">
  <gmd:fileIdentifier>${isoString(facts.identifier)}</gmd:fileIdentifier>
  <gmd:language>${isoString("eng")}</gmd:language>
  <gmd:dateStamp><gco:DateTime>${escapeXml(facts.published ?? facts.created)}</gco:DateTime></gmd:dateStamp>
  <gmd:identificationInfo>
    <gmd:MD_DataIdentification>
      <gmd:citation>
        <gmd:CI_Citation>
          <gmd:title>${isoString(facts.title)}</gmd:title>
${isoDate(facts.created, "creation")}${facts.published === null ? "" : isoDate(facts.published, "publication")}        </gmd:CI_Citation>
      </gmd:citation>
      <gmd:abstract>${isoString(facts.abstract)}</gmd:abstract>
      <gmd:descriptiveKeywords>
        <gmd:MD_Keywords>
${facts.keywords.map((keyword) => `          <gmd:keyword>${isoString(keyword)}</gmd:keyword>\n`).join("")}        </gmd:MD_Keywords>
      </gmd:descriptiveKeywords>
    </gmd:MD_DataIdentification>
  </gmd:identificationInfo>
</gmd:MD_Metadata>
`

/** A Dublin Core record (the OAI-PMH `oai_dc` container). */
export const dublinCoreDocument = (facts: MetadataFacts): string =>
  `${declaration}<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier>${escapeXml(facts.identifier)}</dc:identifier>
  <dc:title>${escapeXml(facts.title)}</dc:title>
  <dc:description>${escapeXml(facts.abstract)}</dc:description>
${facts.keywords.map((keyword) => `  <dc:subject>${escapeXml(keyword)}</dc:subject>\n`).join("")}  <dc:date>${escapeXml(facts.created)}</dc:date>
${facts.published === null ? "" : `  <dc:date>${escapeXml(facts.published)}</dc:date>\n`}  <dc:type>Dataset</dc:type>
</oai_dc:dc>
`

/** Byte order marks, whitespace and the NUL bytes of UTF-16 that may come before the first `<`. */
const skippable = new Set([0xef, 0xbb, 0xbf, 0xfe, 0xff, 0x00, 0x20, 0x09, 0x0a, 0x0d])

/** True when the bytes start with `<` once byte order marks and whitespace are skipped. */
export const looksLikeXml = (bytes: Uint8Array): boolean => {
  for (const byte of bytes) {
    if (byte === 0x3c) return true
    if (!skippable.has(byte)) return false
  }
  return false
}
