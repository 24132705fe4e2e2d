// Float64 host references for the Bayesian layer tests.
import type * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';

export type LayerType = 'reparameterization' | 'flipout' | 'localReparameterization';

export async function f64(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

export function softplus64(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The noise a layer draws from `key`, re-drawn with tensor-backend's samplers as the layers document it. */
export interface Noise {
  /** reparameterization / flipout: ε of the kernel [in*out]; localReparameterization: ε [n*out]. */
  eps: Float64Array;
  /** Gaussian bias noise [out] (reparameterization / flipout). */
  epsBias: Float64Array;
  /** flipout signs [n*in] and [n*out]. */
  signIn: Float64Array;
  signOut: Float64Array;
}

export async function redraw(type: LayerType, key: PRNGKey, n: number, inDim: number, out: number): Promise<Noise> {
  const read = async (t: tf.Tensor): Promise<Float64Array> => {
    const v = await f64(t);
    t.dispose();
    return v;
  };
  const signs = async (k: PRNGKey, shape: number[]): Promise<Float64Array> => (await read(random.bernoulli(k, 0.5, shape))).map((b) => 2 * b - 1);
  if (type === 'localReparameterization') {
    return { eps: await read(random.normal(key, [n, out])), epsBias: new Float64Array(0), signIn: new Float64Array(0), signOut: new Float64Array(0) };
  }
  if (type === 'reparameterization') {
    const [kW, kB] = split(key, 2) as [PRNGKey, PRNGKey];
    return { eps: await read(random.normal(kW, [inDim, out])), epsBias: await read(random.normal(kB, [out])), signIn: new Float64Array(0), signOut: new Float64Array(0) };
  }
  const [kW, kB, kIn, kOut] = split(key, 4) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey];
  return {
    eps: await read(random.normal(kW, [inDim, out])),
    epsBias: await read(random.normal(kB, [out])),
    signIn: await signs(kIn, [n, inDim]),
    signOut: await signs(kOut, [n, out]),
  };
}

/**
 * The layers' pre-activations in float64 for x [n, in] given the noise: written from the
 * definitions (Kingma & Welling; Wen et al. 2018; Kingma, Salimans & Welling 2015), not from the code.
 */
export function hostPreActivation(
  type: LayerType,
  x: Float64Array,
  n: number,
  inDim: number,
  out: number,
  p: { loc: Float64Array; u: Float64Array; bLoc?: Float64Array; bU?: Float64Array },
  noise: Noise,
): Float64Array {
  const z = new Float64Array(n * out);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < out; j++) {
      let mean = p.bLoc ? p.bLoc[j]! : 0;
      let variance = 0;
      let pert = 0;
      for (let i = 0; i < inDim; i++) {
        const xi = x[r * inDim + i]!;
        const sigma = softplus64(p.u[i * out + j]!);
        mean += xi * p.loc[i * out + j]!;
        if (type === 'reparameterization') pert += xi * sigma * noise.eps[i * out + j]!;
        else if (type === 'flipout') pert += xi * noise.signIn[r * inDim + i]! * sigma * noise.eps[i * out + j]! * noise.signOut[r * out + j]!;
        else variance += xi * xi * sigma * sigma;
      }
      if (type === 'localReparameterization') {
        if (p.bU) variance += softplus64(p.bU[j]!) ** 2;
        z[r * out + j] = mean + Math.sqrt(variance) * noise.eps[r * out + j]!;
      } else {
        const biasNoise = p.bU ? softplus64(p.bU[j]!) * noise.epsBias[j]! : 0;
        z[r * out + j] = mean + pert + biasNoise;
      }
    }
  }
  return z;
}

/** KL(N(m, s²) || N(m0, s0²)). */
export function klNormal64(m: number, s: number, m0: number, s0: number): number {
  return Math.log(s0 / s) + (s * s + (m - m0) ** 2) / (2 * s0 * s0) - 0.5;
}

/** Max |a − b| / (atol + rtol |b|) ≤ 1 check, with a readable message. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what = ''): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} vs ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= atol + rtol * Math.abs(want[i]!))) throw new Error(`${what}: element ${i}: ${got[i]} vs ${want[i]} (|err| ${err.toExponential(2)})`);
  }
}
