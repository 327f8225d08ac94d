/**
 * Seeded randomness for the synthetic corpus.
 *
 * Every clip draws from its own stream derived by hashing (seed, stream kind, actor, take…), so a file
 * depends only on its own identity: generation order, parallelism and the number of actors requested
 * never change a clip's bytes.
 */

/** murmur3's 32-bit finaliser: cheap avalanche so neighbouring inputs give unrelated outputs. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The low and high 32-bit words of an integer (safe range), so seeds beyond 2^32 still matter. */
function words(n: number): [number, number] {
  const lo = n >>> 0; // ToUint32 reduces mod 2^32, negatives included
  const hi = Math.floor(n / 4294967296) >>> 0;
  return [lo, hi];
}

/** Hash a path of integers into one 32-bit seed. Order matters: (1, 2) ≠ (2, 1). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    for (const w of words(part)) {
      h = fmix32((h ^ w) + 0x9e3779b9 + (h << 6) + (h >>> 2));
    }
  }
  return h;
}

/** mulberry32: a tiny, fast PRNG with good enough quality for synthesis parameters. */
export class Rng {
  private state: number;
  private spareNormal = Number.NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A raw 32-bit unsigned integer (e.g. to seed an inline noise generator). */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return z;
    }
    let u = this.next();
    while (u <= Number.EPSILON) u = this.next(); // log(0) guard
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** An independent stream for the identity path, e.g. `deriveRng(seed, STREAM.take, actor, takeIndex)`. */
export function deriveRng(seed: number, ...path: readonly number[]): Rng {
  return new Rng(mixSeed(seed, ...path));
}
