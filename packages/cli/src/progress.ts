/**
 * Progress on stderr for uploads, downloads and waits: a bar with bytes, rate and ETA that
 * redraws in place (`\r`) and ends with a newline. Drawn only when stderr is a terminal;
 * otherwise nothing is written. The frames are pure functions of what is known.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"

const units = ["B", "KiB", "MiB", "GiB", "TiB"] as const

/**
 * Bytes for people: `512 B`, `1.5 KiB`, `12.3 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536) // "1.5 KiB"
 * ```
 * @since 0.1.0
 */
export const formatBytes = (bytes: number): string => {
  let value = Math.max(0, bytes)
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`
}

/**
 * A duration in seconds as `m:ss` or `h:mm:ss`; `--:--` when unknown.
 *
 * @example
 * ```ts
 * formatDuration(75) // "1:15"
 * ```
 * @since 0.1.0
 */
export const formatDuration = (seconds: number | undefined): string => {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--:--"
  const whole = Math.ceil(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`
}

/**
 * What a bar knows at one moment: bytes done, the total when announced, and the
 * milliseconds since it started.
 *
 * @since 0.1.0
 */
export interface Sample {
  readonly done: number
  readonly total: number | undefined
  readonly elapsedMillis: number
}

/**
 * Bytes per second since the start; undefined before there is anything to measure.
 *
 * @since 0.1.0
 */
export const rate = (sample: Sample): number | undefined =>
  sample.elapsedMillis > 0 && sample.done > 0 ? sample.done / (sample.elapsedMillis / 1000) : undefined

/**
 * Seconds left at the rate so far; undefined without a total or a rate.
 *
 * @since 0.1.0
 */
export const eta = (sample: Sample): number | undefined => {
  const perSecond = rate(sample)
  return sample.total === undefined || perSecond === undefined
    ? undefined
    : Math.max(0, sample.total - sample.done) / perSecond
}

/** Labels padded to one width, so the lines of one command (`export`, then `download`) line up. */
const labelled = (label: string): string => label.padEnd(8)

/** Cut to `width` characters, so a frame never wraps (a wrapped line cannot be redrawn with `\r`). */
const fit = (text: string, width: number): string => text.length <= width ? text : text.slice(0, Math.max(0, width))

/**
 * One frame of a byte bar, at most `width` characters:
 * `download [########------]  52%  5.2 MiB / 10.0 MiB  1.3 MiB/s  ETA 0:04`. Without a
 * total there is no bar and no ETA; once done, the ETA gives way to the time taken.
 *
 * @example
 * ```ts
 * byteFrame("upload", { done: 512, total: 1024, elapsedMillis: 1000 }, 80)
 * ```
 * @since 0.1.0
 */
export const byteFrame = (name: string, sample: Sample, width: number): string => {
  const label = labelled(name)
  const perSecond = rate(sample)
  const speed = perSecond === undefined ? "-- B/s" : `${formatBytes(perSecond)}/s`
  const finished = sample.total !== undefined && sample.done >= sample.total
  const time = finished ? `in ${formatDuration(sample.elapsedMillis / 1000)}` : `ETA ${formatDuration(eta(sample))}`
  if (sample.total === undefined || sample.total <= 0) {
    return fit(`${label} ${formatBytes(sample.done)}  ${speed}`, width)
  }
  const fraction = Math.min(1, sample.done / sample.total)
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`
  const tail = `${percent}  ${formatBytes(sample.done)} / ${formatBytes(sample.total)}  ${speed}  ${time}`
  const room = width - label.length - tail.length - 5
  const barWidth = Math.min(30, room)
  if (barWidth < 5) return fit(`${label} ${tail}`, width)
  const filled = Math.floor(fraction * barWidth)
  return `${label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${tail}`
}

/**
 * One frame of a wait: `scan     importing  0:12`.
 *
 * @since 0.1.0
 */
export const statusFrame = (label: string, status: string, elapsedMillis: number, width: number): string =>
  fit(`${labelled(label)} ${status}  ${formatDuration(elapsedMillis / 1000)}`, width)

/**
 * A progress line on stderr: `update` redraws it (at most every 100 ms, and always when the
 * frame says it is done), `end` draws the last frame and moves to the next line. Every call
 * does nothing when stderr is not a terminal.
 *
 * @since 0.1.0
 */
export interface Line {
  readonly update: (frame: (width: number, elapsedMillis: number) => string, final?: boolean) => Effect.Effect<void>
  readonly end: Effect.Effect<void>
}

/**
 * Starts a progress line on stderr (see {@link Line}).
 *
 * @since 0.1.0
 */
export const line: Effect.Effect<Line> = Effect.sync(() => {
  const stderr = process.stderr
  const started = Date.now()
  let drawnAt = 0
  let last: ((width: number, elapsedMillis: number) => string) | undefined
  const draw = (frame: (width: number, elapsedMillis: number) => string) => {
    // a terminal that reports no size (0, as under `script`) is taken as $COLUMNS or 80 wide
    const columns = stderr.columns > 0 ? stderr.columns : Number(process.env["COLUMNS"]) || 80
    const width = Math.max(20, columns - 1)
    stderr.write(`\r${frame(width, Date.now() - started)}\u001b[K`)
  }
  return {
    update: (frame, final = false) =>
      Effect.sync(() => {
        if (!stderr.isTTY) return
        last = frame
        const now = Date.now()
        if (!final && now - drawnAt < 100) return
        drawnAt = now
        draw(frame)
      }),
    end: Effect.sync(() => {
      if (!stderr.isTTY || last === undefined) return
      draw(last)
      stderr.write("\n")
      last = undefined
    })
  }
})

/**
 * A byte bar on a progress line: the `update` of an upload's or a download's progress.
 *
 * @since 0.1.0
 */
export const bytes = (progress: Line, label: string) => (done: number, total: number | undefined): Effect.Effect<void> =>
  progress.update((width, elapsedMillis) => byteFrame(label, { done, total, elapsedMillis }, width), total !== undefined && done >= total)
