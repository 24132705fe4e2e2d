/**
 * Time to generate the default synthetic cluster-mass catalogue (261,287 clusters, float64 on the
 * host) and to preprocess it the tutorial's way (200,000 / 61,287 split, StandardScaler on train,
 * min-max y, 64-bin prior, upload as float32). Target: under 10 s on a 2-core CPU. Baselines in the
 * same process: the 100,000-point lognormal toy, and a bare float64 fill of 261,287 × 14 values from
 * the same threefry stream (random words only), so the ratios say what the physics costs.
 */
import { defineBenchmarks, defineCase } from '@probdl/bench';
import { key, random } from '@probdl/tensor-backend';
import { clusterCatalogue, lognormalToy, prepareClusterMass } from '../src/index.js';

const COUNT = 261_287;
const SLOW = { warmupRuns: 1, warmupMs: 0, minRuns: 3, maxRuns: 5, minTimeMs: 0 };

export default defineBenchmarks({
  package: '@probdl/datasets',
  description: 'The synthetic cluster-mass catalogue (261,287 clusters): generation and preprocessing, against host baselines.',
  cases: [
    defineCase({
      name: 'clusterCatalogue 261,287',
      unit: 'catalogue',
      sync: 'host only (float64 arrays)',
      params: { count: COUNT, features: 14 },
      timing: SLOW,
      run: () => clusterCatalogue(key(0)),
    }),
    defineCase({
      name: 'clusterCatalogue + prepareClusterMass 261,287',
      unit: 'catalogue',
      sync: 'await the last uploaded tensor (yTest)',
      params: { count: COUNT, trainSize: 200_000, priorBins: 64 },
      timing: SLOW,
      run: async () => {
        const p = prepareClusterMass(clusterCatalogue(key(0)), key(1));
        await p.yTest.data();
        p.dispose();
      },
    }),
    defineCase({
      name: 'baseline: lognormalToy 100,000',
      unit: 'data set',
      sync: 'await y',
      params: { n: 100_000 },
      run: async () => {
        const { x, y } = lognormalToy(key(0), 100_000);
        await y.data();
        x.dispose();
        y.dispose();
      },
    }),
    defineCase({
      name: 'baseline: float64 fill 261,287 x 14 from threefry words',
      unit: 'fill',
      sync: 'host only',
      params: { values: COUNT * 14 },
      run: () => {
        const bits = random.randomBits(key(0), [COUNT * 14]);
        const out = new Float64Array(COUNT * 14);
        for (let i = 0; i < out.length; i++) out[i] = (bits[i]! + 0.5) * 2 ** -32;
        return out[7];
      },
    }),
  ],
});
