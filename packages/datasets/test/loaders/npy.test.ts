import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy, type NpyDtype } from '../../src/loaders/index.js';

/** Build a .npy file by hand, following the NPY format spec (magic, version, header length, padded header, data). */
function handNpy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  const h = header.padEnd(total - pre - 1, ' ') + '\n';
  const hb = new TextEncoder().encode(h);
  const out = new Uint8Array(pre + hb.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, hb.length, true);
  else view.setUint32(8, hb.length, true);
  out.set(hb, pre);
  out.set(data, pre + hb.length);
  return out;
}

function b64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

// Bytes written by `np.save` (NumPy 2.4.6) for the arrays named in each entry.
const NUMPY = {
  // np.array([[1,2,3],[4,5,6]], dtype='<f4')
  f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAQEAAAIBAAACgQAAAwEA=',
  // np.array(7, dtype='<i8')  (0-d)
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAA==',
  // np.asfortranarray(np.array([[1,2,3],[4,5,6]], dtype='>i2'))
  i2FortranBig: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQAEAAIABQADAAY=',
  // np.array([True, False, True])
  b1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
};

describe('parseNpy on files as NumPy writes them', () => {
  it('reads a hand-built v1.0 <f4 file', () => {
    const data = new Uint8Array(24);
    const dv = new DataView(data.buffer);
    [1, 2, 3, 4, 5, 6].forEach((v, i) => dv.setFloat32(i * 4, v, true));
    const bytes = handNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
    expect(bytes.length).toBe(128 + 24);
    const a = parseNpy(bytes);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.fortranOrder).toBe(false);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // the hand-built file is byte-identical to NumPy's
    expect(bytes).toEqual(b64(NUMPY.f4));
  });

  it('reads NumPy output: 0-d int64, Fortran-order big-endian int16, bool', () => {
    const i8 = parseNpy(b64(NUMPY.i8));
    expect(i8).toMatchObject({ dtype: 'int64', shape: [] });
    expect(i8.data).toBeInstanceOf(Float64Array);
    expect(Array.from(i8.data)).toEqual([7]);
    const f = parseNpy(b64(NUMPY.i2FortranBig));
    expect(f).toMatchObject({ dtype: 'int16', shape: [2, 3], fortranOrder: true });
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = parseNpy(b64(NUMPY.b1));
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.data)).toEqual([1, 0, 1]);
  });

  it('writeNpy reproduces NumPy bytes exactly', () => {
    expect(writeNpy([1, 2, 3, 4, 5, 6], [2, 3], 'float32')).toEqual(b64(NUMPY.f4));
    expect(writeNpy([7], [], 'int64')).toEqual(b64(NUMPY.i8));
    expect(writeNpy([1, 0, 1], [3], 'bool')).toEqual(b64(NUMPY.b1));
  });

  it('reads v2.0 and v3.0 headers (3.0 with a UTF-8 header)', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat64(0, -2.5, true);
    const v2 = parseNpy(handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data, 2));
    expect(Array.from(v2.data)).toEqual([-2.5]);
    const v3 = parseNpy(handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } ", data, 3));
    expect(v3.shape).toEqual([1]);
    expect(Array.from(v3.data)).toEqual([-2.5]);
  });

  it('transposes 3-d Fortran order into C order', () => {
    // C-order element (i,j,k) of shape (2,3,4) has value 100i+10j+k; Fortran stores i fastest.
    const shape = [2, 3, 4];
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const data = new Uint8Array(4 * 24);
    fortran.forEach((v, n) => new DataView(data.buffer).setInt32(4 * n, v, true));
    const a = parseNpy(handNpy(`{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 4), }`, data));
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
    expect(a.shape).toEqual(shape);
    expect(Array.from(a.data)).toEqual(c);
  });

  it('byte-swaps big-endian float64', () => {
    const data = new Uint8Array(16);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, Math.PI, false);
    dv.setFloat64(8, -1e-300, false);
    const a = parseNpy(handNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", data));
    expect(Array.from(a.data)).toEqual([Math.PI, -1e-300]);
  });
});

describe('writeNpy → parseNpy round trips', () => {
  const values: Record<NpyDtype, number[]> = {
    float32: [0, -1.5, 3.25, 1e30, -0.125, Infinity],
    float64: [Math.PI, -Math.E, 1e-300, -1e300, NaN, 0],
    int8: [-128, 127, 0, -1, 5, 9],
    int16: [-32768, 32767, 0, -1, 300, 9],
    int32: [-2147483648, 2147483647, 0, -1, 123456, 9],
    int64: [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1, 2 ** 40, 9],
    uint8: [0, 255, 1, 128, 7, 9],
    uint16: [0, 65535, 1, 40000, 7, 9],
    uint32: [0, 4294967295, 1, 3e9, 7, 9],
    bool: [0, 1, 1, 0, 1, 0],
  };
  const shapes = [[], [0], [6], [2, 3], [3, 2, 1], [2, 0, 4], [1, 1, 1, 1]];
  for (const [dtype, vals] of Object.entries(values) as [NpyDtype, number[]][]) {
    for (const shape of shapes) {
      it(`${dtype} shape [${shape.join(',')}]`, () => {
        const n = shape.reduce((a, d) => a * d, 1);
        const src = vals.slice(0, n);
        const bytes = writeNpy(src, shape, dtype);
        const dv = new DataView(bytes.buffer);
        const headerEnd = 10 + dv.getUint16(8, true);
        expect(headerEnd % 64).toBe(0);
        expect(bytes[headerEnd - 1]).toBe(0x0a);
        const a = parseNpy(bytes.buffer as ArrayBuffer);
        expect(a.dtype).toBe(dtype);
        expect(a.shape).toEqual(shape);
        expect(a.data.length).toBe(n);
        expect(Array.from(a.data)).toEqual(dtype === 'float32' ? src.map(Math.fround) : src);
      });
    }
  }

  it('parses from a Uint8Array view at an odd offset', () => {
    const bytes = writeNpy([1.5, 2.5], [2], 'float64');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data)).toEqual([1.5, 2.5]);
  });
});

describe('npy errors', () => {
  it('names the file and the problem', () => {
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
    const good = writeNpy([1, 2, 3], [3], 'int32');
    const v9 = good.slice();
    v9[6] = 9;
    expect(() => parseNpy(v9)).toThrow(/unsupported \.npy format version 9\.0/);
    expect(() => parseNpy(good.subarray(0, good.length - 1), 'cut.npy')).toThrow(/cut\.npy: truncated data: .* needs 12 bytes, file has 11/);
    expect(() => parseNpy(handNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)))).toThrow(
      /unsupported dtype '<c8'/,
    );
    expect(() => parseNpy(handNpy("{'descr': '<f8', 'shape': (1,), }", new Uint8Array(8)))).toThrow(/malformed header/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 60n, true);
    expect(() => parseNpy(handNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big))).toThrow(
      /int64 element 0 = 1152921504606846976 is beyond/,
    );
    expect(() => parseNpy(handNpy("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", Uint8Array.of(2)))).toThrow(/not 0 or 1/);
  });

  it('writeNpy rejects mismatched sizes and out-of-range values', () => {
    expect(() => writeNpy([1, 2], [3], 'float32')).toThrow(/shape \[3\] has 3 elements, array has 2/);
    expect(() => writeNpy([256], [1], 'uint8')).toThrow(/element 0 = 256 is outside \[0, 255\]/);
    expect(() => writeNpy([1.5], [1], 'int32')).toThrow(/not an integer/);
    expect(() => writeNpy([2 ** 60], [1], 'int64')).toThrow(/not a safe integer/);
    expect(() => writeNpy([2], [1], 'bool')).toThrow(/outside \[0, 1\]/);
  });
});
