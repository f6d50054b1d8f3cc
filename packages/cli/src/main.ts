#!/usr/bin/env node
/**
 * The `koordinates` bin: runs the command line and ends the process with its exit code;
 * Ctrl-C interrupts the command (exit 130).
 *
 * @since 0.1.0
 */
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { run } from "./cli.ts"

NodeRuntime.runMain(run(process.argv.slice(2)), {
  disableErrorReporting: true,
  teardown: (exit, onExit) => Exit.isSuccess(exit) && typeof exit.value === "number" ? onExit(exit.value) : Runtime.defaultTeardown(exit, onExit)
})
