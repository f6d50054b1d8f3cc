/**
 * Work the fake does over time — imports, scans, exports — as jobs of one kind each. On a
 * `real` or `manual` clock a job runs for its length in ms from the moment it started:
 * {@link Jobs.settle} shows its progress climbing evenly and ends it at the instant its time
 * ran out, however often (or rarely) anything looked. On the `per-read` clock a job's length
 * is a number of reads instead, and only {@link Jobs.read} of that job moves it on.
 */
import type { FakeClock } from "./Clock.ts"

/** How a job shows its progress and ends. */
export interface JobWork {
  /** Its progress (0–1) when it starts. */
  readonly progress: number
  /** Shows a new progress, above the start and below 1 (once some time has passed). */
  readonly update: (progress: number) => void
  /** Ends the job: its time ran out at `at` (ms since the epoch). */
  readonly end: (at: number) => void
}

interface Running {
  readonly work: JobWork
  readonly startedAt: number
  /** Its length: ms, or reads on the `per-read` clock. */
  readonly length: number
  reads: number
}

/** The running jobs of one kind, by what they work on. */
export class Jobs<T extends object> {
  readonly #clock: FakeClock
  readonly #running = new Map<T, Running>()
  readonly #due: () => void

  /** Jobs on `clock`; on a real clock `due` is called when a job's time runs out. */
  constructor(clock: FakeClock, due: () => void) {
    this.#clock = clock
    this.#due = due
  }

  /** Starts (or restarts) the job of `target`, `length` ms long (reads on the `per-read` clock). */
  start(target: T, length: number, work: JobWork): void {
    this.#running.set(target, { work, startedAt: this.#clock.now(), length, reads: 0 })
    if (this.#clock.mode === "real") setTimeout(this.#due, length + 1).unref()
  }

  /** True while `target` has a running job. */
  isRunning(target: T): boolean {
    return this.#running.has(target)
  }

  /** Stops the job of `target` without ending it (it was cancelled). */
  stop(target: T): void {
    this.#running.delete(target)
  }

  /** Ends every running job that `which` picks (default all) now. */
  finish(which: (target: T) => boolean = () => true): void {
    const now = this.#clock.now()
    for (const [target, job] of [...this.#running]) {
      if (!which(target)) continue
      this.#running.delete(target)
      job.work.end(now)
    }
  }

  /** Brings every job up to the clock: those whose time ran out end, in the order they ran out. */
  settle(): void {
    if (this.#clock.mode === "per-read") return
    const now = this.#clock.now()
    const due: Array<readonly [T, Running]> = []
    for (const [target, job] of this.#running) {
      if (now >= job.startedAt + job.length) due.push([target, job])
      else if (now > job.startedAt) job.work.update(this.#progress(job, (now - job.startedAt) / job.length))
    }
    due.sort(([, a], [, b]) => a.startedAt + a.length - (b.startedAt + b.length))
    for (const [target, job] of due) {
      this.#running.delete(target)
      job.work.end(job.startedAt + job.length)
    }
  }

  /** A read of `target`: on the `per-read` clock its job moves one step, ending on its last read. */
  read(target: T): void {
    const job = this.#running.get(target)
    if (job === undefined || this.#clock.mode !== "per-read") return
    job.reads += 1
    if (job.reads < job.length) return job.work.update(this.#progress(job, job.reads / job.length))
    this.#running.delete(target)
    job.work.end(this.#clock.now())
  }

  /** Forgets every job. */
  clear(): void {
    this.#running.clear()
  }

  #progress(job: Running, share: number): number {
    return job.work.progress + (1 - job.work.progress) * share
  }
}
