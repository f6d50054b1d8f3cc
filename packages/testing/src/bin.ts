#!/usr/bin/env node
/**
 * Command line entry of the fake Koordinates API server, for demos and manual testing:
 * `fake-koordinates --port 8080 --token TOKEN --catalog 500 --seed 1 --features 100000`; `--allow-origin ORIGIN`
 * (repeatable, or `*`) lets pages from those origins call it by CORS instead of loopback ones;
 * `--features N` adds a point layer of N generated features, with a primary key, for the data services.
 */
import { parseArgs } from "node:util"
import { ALL_SCOPES, startServer } from "./server/index.ts"

const usage =
  "usage: fake-koordinates [--port 8080] [--token test-token] [--catalog 500] [--seed 1] [--features N] [--allow-origin ORIGIN]..."

const integer = (name: string, value: string): number => {
  if (!/^\d+$/.test(value)) {
    console.error(`--${name} must be a non-negative integer, got "${value}"\n${usage}`)
    process.exit(2)
  }
  return Number(value)
}

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8080" },
    token: { type: "string", default: "test-token" },
    catalog: { type: "string", default: "500" },
    seed: { type: "string", default: "1" },
    "allow-origin": { type: "string", multiple: true },
    features: { type: "string" },
    help: { type: "boolean", short: "h", default: false }
  }
})

if (values.help) {
  console.log(usage)
  process.exit(0)
}

const server = await startServer({
  port: integer("port", values.port),
  tokens: { [values.token]: ALL_SCOPES },
  catalogSize: integer("catalog", values.catalog),
  seed: integer("seed", values.seed),
  ...(values["allow-origin"] === undefined
    ? {}
    : { allowedOrigins: values["allow-origin"].includes("*") ? "*" : values["allow-origin"] })
})

console.log(`Fake Koordinates API listening on ${server.origin}/services/api/v1/`)
const items = server.store.catalogItems().length
const listed = server.store.publishedViews().length
console.log(`Token: ${values.token} (all scopes)`)
console.log(`Catalog: ${listed} published items listed by /data/, of ${items} generated (${items - listed} never published: drafts only)`)
console.log(`KOORDINATES_HOST=${server.origin} KOORDINATES_TOKEN=${values.token}`)
console.log(`Pages may call it (CORS) from: ${values["allow-origin"]?.join(", ") ?? "any loopback origin"}`)
if (values.features !== undefined) {
  const count = integer("features", values.features)
  const layer = server.store.addLayer({ name: "Generated Points", features: count, geometryType: "point", primaryKey: true })
  console.log(`Feature layer ${layer.id}: ${count} features (WFS typeNames=layer-${layer.id}, changesets layer-${layer.id}-changeset)`)
}
const { username, password } = server.store.defaultCredentials
console.log(`Sign in for new tokens (POST /tokens/): ${username} / ${password}`)

/**
 * Stops on SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal went away): closes both servers
 * and every open connection, keep-alive ones included, then exits. A second signal, or a
 * close that takes over two seconds, exits at once.
 */
let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1)
  stopping = true
  console.log(`${signal}: stopping`)
  setTimeout(() => {
    console.error("Not closed within 2 s: exiting anyway")
    process.exit(1)
  }, 2_000).unref()
  server.close().then(() => process.exit(0), (error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop)
