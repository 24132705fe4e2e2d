import { key, random, split } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { siteElement } from '../../src/diagnostics/types.js';
import { sample } from '../../src/run/sample.js';
import { IDENTITY_DATA, reluNetworkLogDensity } from '../models/bnn.js';

/*
 * The Indaba 2022 Bayesian deep learning practical's 4-weight ReLU network f(x) = w2 · relu(w0 · x
 * + w1) + w3 on its identity data (../shared/reference/indaba-bdl, cell 127: prior N(0, 1/0.05),
 * noise sd 1). The practical's single NUTS chain found one mode (w0 < 0, w2 < 0, w3 ≈ 1.9: the ReLU
 * active on the left cluster) and reported n_eff 5–91: the posterior is multimodal. Flipping the
 * sign of w0 moves the ReLU's active side (w0 > 0: active on the right cluster, or on both), and w2
 * follows so that the slope w0 · w2 between the clusters stays positive: two mirror modes that fit
 * the data equally well, separated by a ridge at w0 = 0 where the network is constant. Chains
 * started far apart (uniform on (-4, 4) per weight) settle in different modes and do not cross
 * between them, so the run must (a) have chains in both sign modes of w0, each with sign(w2) =
 * sign(w0), and (b) have summary() flag the R-hat of w[0] (far above 1.01: chain means near ±2
 * against within-chain sds of about 1) in its `problems`.
 */

const NUM_CHAINS = 8;

it('finds both sign modes of the 4-weight ReLU network from dispersed inits, and summary() reports the multimodality', async () => {
  const [kInit, kRun] = split(key(2022), 2);
  // Dispersed starts: every weight uniform on (-4, 4), about one prior sd (√20 ≈ 4.5).
  const initialPosition = random.uniform(kInit!, [NUM_CHAINS, 4], { minval: -4, maxval: 4 });
  try {
    const t0 = performance.now();
    const result = await sample(kRun!, { logDensityFn: reluNetworkLogDensity(IDENTITY_DATA), initialPosition }, { numWarmup: 200, numSamples: 200, maxTreeDepth: 6 });
    const w = result.draws.x!;
    expect(w.shape).toEqual([NUM_CHAINS, 200, 4]);
    const w0 = siteElement(w, 0);
    const w2 = siteElement(w, 2);
    const chainMean = (s: Float64Array, c: number) => s.subarray(c * 200, (c + 1) * 200).reduce((a, b) => a + b, 0) / 200;
    const modes = Array.from({ length: NUM_CHAINS }, (_, c) => ({ w0: chainMean(w0, c), w2: chainMean(w2, c) }));
    const s = result.summary();
    console.log(
      `bnn-relu4: ${((performance.now() - t0) / 1000).toFixed(1)} s; chain means (w0, w2): ${modes.map((m) => `(${m.w0.toFixed(2)}, ${m.w2.toFixed(2)})`).join(' ')}\n${result.formatSummary()}`,
    );
    // Both modes are visited: some chains with the ReLU on the right (w0 > 0), some on the left (w0 < 0).
    expect(modes.some((m) => m.w0 > 0.5), 'a chain in the w0 > 0 mode').toBe(true);
    expect(modes.some((m) => m.w0 < -0.5), 'a chain in the w0 < 0 mode').toBe(true);
    // In either mode the slope between the clusters is positive: w2 has the sign of w0 in every chain.
    for (const m of modes) expect(Math.sign(m.w2), `chain means w0 ${m.w0}, w2 ${m.w2}`).toBe(Math.sign(m.w0));
    const row = s.rows.find((r) => r.name === 'x[0]')!;
    expect(row.rHat, 'R-hat of w[0] across chains in different modes').toBeGreaterThan(1.5);
    const rhatProblem = s.problems.find((p) => p.startsWith('R-hat above'));
    expect(rhatProblem, `summary problems: ${s.problems.join(' | ')}`).toBeDefined();
    expect(rhatProblem).toContain('x[0]');
  } finally {
    initialPosition.dispose();
  }
}, 300_000);
