/**
 * A small seeded pseudo-random generator (mulberry32), so every generated catalog is the
 * same for the same seed, and a seed derived from text, for values that depend only on a
 * name.
 */

/** Seeded source of random choices. */
export interface Rng {
  /** A float in [0, 1). */
  readonly float: () => number
  /** An integer in [min, max], both inclusive. */
  readonly int: (min: number, max: number) => number
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One element of a non-empty list. */
  readonly pick: <T>(items: ReadonlyArray<T>) => T
  /** Up to `n` distinct elements of a list, in list order. */
  readonly sample: <T>(items: ReadonlyArray<T>, n: number) => Array<T>
}

/** A generator whose sequence depends only on `seed`. */
export const makeRng = (seed: number): Rng => {
  let state = seed >>> 0
  const float = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(float() * (max - min + 1))
  const pick = <T>(items: ReadonlyArray<T>): T => {
    const item = items[int(0, items.length - 1)]
    if (item === undefined) throw new Error("Rng.pick: empty list")
    return item
  }
  const sample = <T>(items: ReadonlyArray<T>, n: number): Array<T> => {
    const wanted = Math.min(n, items.length)
    const chosen: Array<number> = []
    while (chosen.length < wanted) {
      const index = int(0, items.length - 1)
      if (!chosen.includes(index)) chosen.push(index)
    }
    return chosen.sort((a, b) => a - b).map((index) => items[index] as T)
  }
  return { float, int, chance: (p) => float() < p, pick, sample }
}

/** A 32-bit seed that depends only on `text` (FNV-1a over its UTF-16 code units). */
export const seedOf = (text: string): number => {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0
  }
  return hash
}
