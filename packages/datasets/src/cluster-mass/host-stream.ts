import { random, foldIn, type PRNGKey } from '@probdl/tensor-backend';

const WORDS = 1 << 14;
const TWO_M32 = 2 ** -32;

/**
 * @internal A float64 random stream on the host: threefry words of `random.randomBits` drawn in
 * blocks of 16,384 from `foldIn(key, block)`, turned into open-interval uniforms `(w + 0.5) 2^-32`
 * (32-bit resolution), Box–Muller normals and Poisson counts. One object per independent stream;
 * no allocation per draw.
 */
export class HostStream {
  private buf: Uint32Array = new Uint32Array(0);
  private pos = 0;
  private block = 0;
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly k: PRNGKey) {}

  private refill(): void {
    this.buf = random.randomBits(foldIn(this.k, this.block++), [WORDS]);
    this.pos = 0;
  }

  /** A uniform in the open interval (0, 1). */
  uniform(): number {
    if (this.pos === this.buf.length) this.refill();
    return (this.buf[this.pos++]! + 0.5) * TWO_M32;
  }

  /** A standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let a: number;
    let b: number;
    let r2: number;
    do {
      a = 2 * this.uniform() - 1;
      b = 2 * this.uniform() - 1;
      r2 = a * a + b * b;
    } while (r2 >= 1);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = b * f;
    this.hasSpare = true;
    return a * f;
  }

  /**
   * A Poisson count of mean `lambda` (Knuth's product of uniforms, exact; the mean is cut into
   * pieces of at most 200 so that `exp(-lambda)` never underflows). Cost O(lambda), the same order
   * as the galaxies it counts.
   */
  poisson(lambda: number): number {
    let n = 0;
    let rest = lambda;
    while (rest > 0) {
      const piece = Math.min(rest, 200);
      rest -= piece;
      const limit = Math.exp(-piece);
      let p = this.uniform();
      while (p > limit) {
        n++;
        p *= this.uniform();
      }
    }
    return n;
  }
}
