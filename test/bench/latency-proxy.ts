/**
 * A proxy in front of FakeKoordinates that answers every request `delay` ms late, as a
 * server across a network would: `node latency-proxy.ts ORIGIN DELAY_MS`. It prints its own
 * origin on its first line, and rewrites the fake's origin to its own in headers and bodies
 * so that `Link` and `Location` lead back through it.
 */
import * as http from "node:http"

const [target = "", delayArgument = "0"] = process.argv.slice(2)
const delay = Number(delayArgument)
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(target) || !(delay >= 0)) {
  console.error("usage: latency-proxy.ts http://127.0.0.1:PORT DELAY_MS")
  process.exit(2)
}

const server = http.createServer((request, response) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    const upstream = http.request(`${target}${request.url}`, { method: request.method, headers: request.headers }, (reply) => {
      const parts: Array<Buffer> = []
      reply.on("data", (chunk: Buffer) => parts.push(chunk))
      reply.on("end", () => {
        const own = `http://127.0.0.1:${(server.address() as { port: number }).port}`
        const body = Buffer.from(Buffer.concat(parts).toString("utf8").split(target).join(own))
        const headers: http.OutgoingHttpHeaders = {}
        for (const [name, value] of Object.entries(reply.headers)) {
          headers[name] = typeof value === "string" ? value.split(target).join(own) : value
        }
        if (request.method !== "HEAD" && headers["content-length"] !== undefined) headers["content-length"] = String(body.length)
        setTimeout(() => response.writeHead(reply.statusCode ?? 502, headers).end(body), delay)
      })
    })
    upstream.on("error", () => response.writeHead(502).end())
    upstream.end(Buffer.concat(chunks))
  })
})

server.listen(0, "127.0.0.1", () => {
  console.log(`Latency proxy on http://127.0.0.1:${(server.address() as { port: number }).port} (${delay} ms)`)
})
process.once("SIGTERM", () => process.exit(0))
