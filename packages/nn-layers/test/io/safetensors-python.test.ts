import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadParams, saveParams } from '../../src/io/index.js';

// A cross-check against an independent reader and writer: Python's json + numpy, following the
// spec (the `safetensors` Python package is not installed here; numpy usually is). Skipped without them.
const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const READ_AND_WRITE = `
import json, struct, sys, numpy as np
path, out = sys.argv[1], sys.argv[2]
b = open(path, 'rb').read()
(n,) = struct.unpack('<Q', b[:8])
h = json.loads(b[8:8 + n]); data = b[8 + n:]
kinds = {'F32': '<f4', 'I32': '<i4', 'BOOL': '?'}
res = {}
for k, v in h.items():
    if k == '__metadata__': continue
    s, e = v['data_offsets']
    a = np.frombuffer(data[s:e], dtype=kinds[v['dtype']]).reshape(v['shape'])
    res[k] = {'shape': list(a.shape), 'sum': float(np.nan_to_num(a.astype(np.float64)).sum()) if v['dtype'] != 'F32' else None, 'bits': a.view('<u4').tolist() if v['dtype'] == 'F32' else None}
# Write a file the way the reference writer orders it (sorted names), with F64 and I64 tensors.
ts = {'z.w': np.arange(6, dtype='<f8').reshape(2, 3) / 3, 'a.i': np.array([-3, 4], dtype='<i8')}
hdr, off, blobs = {'__metadata__': {'format': 'np'}}, 0, []
for k in sorted(ts):
    raw = ts[k].tobytes(); hdr[k] = {'dtype': {'float64': 'F64', 'int64': 'I64'}[str(ts[k].dtype)], 'shape': list(ts[k].shape), 'data_offsets': [off, off + len(raw)]}
    off += len(raw); blobs.append(raw)
hj = json.dumps(hdr).encode(); hj += b' ' * (-len(hj) % 8)
open(out, 'wb').write(struct.pack('<Q', len(hj)) + hj + b''.join(blobs))
print(json.dumps(res))
`;

describe.skipIf(!hasNumpy)('cross-check with Python (json + numpy)', () => {
  it('Python reads our file, and we read Python\'s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'probdl-io-py-'));
    try {
      const kernel = new Float32Array([1.5, -0, 1e-42, Infinity, -2.25, 3]);
      const params = { Dense_0: { kernel: tf.tensor(kernel, [2, 3]), bias: tf.tensor([7, -8], [2], 'int32') }, mask: tf.tensor([true, false], [2], 'bool') };
      await saveParams(join(dir, 'ours.safetensors'), params);
      const res = JSON.parse(
        execFileSync('python3', ['-c', READ_AND_WRITE, join(dir, 'ours.safetensors'), join(dir, 'theirs.safetensors')], { encoding: 'utf8' }),
      ) as Record<string, { shape: number[]; sum: number; bits: number[][] | null }>;
      expect(res['Dense_0.kernel']!.shape).toEqual([2, 3]);
      expect(res['Dense_0.kernel']!.bits!.flat()).toEqual(Array.from(new Uint32Array(kernel.buffer)));
      expect(res['Dense_0.bias']).toMatchObject({ shape: [2], sum: -1 });
      expect(res.mask).toMatchObject({ shape: [2], sum: 1 });
      const theirs = (await loadParams(join(dir, 'theirs.safetensors'))) as { z: { w: tf.Tensor }; a: { i: tf.Tensor } };
      expect(theirs.z.w.shape).toEqual([2, 3]);
      expect(Array.from(await theirs.z.w.data())).toEqual([0, 1, 2, 3, 4, 5].map((v) => Math.fround(v / 3)));
      expect(theirs.a.i.dtype).toBe('int32');
      expect(Array.from(await theirs.a.i.data())).toEqual([-3, 4]);
      tree.dispose([params, theirs]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
