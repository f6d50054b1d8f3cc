/**
 * Ends a vitest run with one plain line, `N passed, N failed, N skipped`, for tools that
 * read a run's closing line. A failure outside any test — a file's or a suite's hook (the
 * secret scan fails a file in `afterAll`), or an unhandled error — counts as failed too.
 * Above it, the totals of the secret scan (test/support/secrets.ts) over every file.
 */
import type { Reporter, SerializedError, TestModule } from "vitest/node"
import type { ScanCounts } from "./secrets.ts"

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 }
    const scan = { logs: 0, spans: 0, failures: 0, requests: 0 }
    for (const module of testModules) {
      counts.failed += module.errors().length
      for (const suite of module.children.allSuites()) counts.failed += suite.errors().length
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") counts.passed++
        else if (state === "failed") counts.failed++
        else counts.skipped++
      }
      const scanned = (module.meta() as { secretScan?: ScanCounts }).secretScan
      for (const key of Object.keys(scan) as Array<keyof ScanCounts>) scan[key] += scanned?.[key] ?? 0
    }
    console.log(
      `\nsecret scan: ${scan.logs} log lines, ${scan.spans} spans, ${scan.failures} failures, ` +
        `${scan.requests} requests checked for the token`
    )
    console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
