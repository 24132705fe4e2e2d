// AssemblyScript (https://www.assemblyscript.org), compiled to WebAssembly SIMD by
// scripts/build-asm.ts into src/fused/transpose-a-matmul-module.ts. Not TypeScript: `usize`,
// `v128`, `f32x4` are AssemblyScript's. The module imports tfjs-wasm's memory and works on its heap.
//
// transposeAMatMul: C[m, p] = Xᵀ · D for X [n, m] and D [n, p] (row-major float32), and, when
// db != 0, db[p] = the column sums of D: a dense layer's weight and bias gradients (X its input, D
// the gradient at its pre-activation) without transposing X and without XNNPACK packing D, which
// tfjs-wasm's matMul needs (it has no transposed-operand path). Outer products over the rows of X
// and D into 4 × 8 register blocks of C.
export function transposeAMatMul(x: usize, d: usize, c: usize, db: usize, n: i32, m: i32, p: i32): void {
  const p8 = p & ~7;
  const m4 = m & ~3;
  const rowX = <usize>m << 2;
  const rowD = <usize>p << 2;
  for (let j = 0; j < p8; j += 8) {
    let i = 0;
    for (; i < m4; i += 4) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let px = x + (<usize>i << 2);
      let pd = d + (<usize>j << 2);
      for (let r = 0; r < n; r++) {
        const d0 = v128.load(pd);
        const d1 = v128.load(pd, 16);
        const x0 = v128.load32_splat(px);
        const x1 = v128.load32_splat(px, 4);
        const x2 = v128.load32_splat(px, 8);
        const x3 = v128.load32_splat(px, 12);
        a00 = f32x4.add(a00, f32x4.mul(x0, d0)); a01 = f32x4.add(a01, f32x4.mul(x0, d1));
        a10 = f32x4.add(a10, f32x4.mul(x1, d0)); a11 = f32x4.add(a11, f32x4.mul(x1, d1));
        a20 = f32x4.add(a20, f32x4.mul(x2, d0)); a21 = f32x4.add(a21, f32x4.mul(x2, d1));
        a30 = f32x4.add(a30, f32x4.mul(x3, d0)); a31 = f32x4.add(a31, f32x4.mul(x3, d1));
        px += rowX;
        pd += rowD;
      }
      const pc = c + ((<usize>i * <usize>p + <usize>j) << 2);
      v128.store(pc, a00); v128.store(pc, a01, 16);
      v128.store(pc + rowD, a10); v128.store(pc + rowD, a11, 16);
      v128.store(pc + 2 * rowD, a20); v128.store(pc + 2 * rowD, a21, 16);
      v128.store(pc + 3 * rowD, a30); v128.store(pc + 3 * rowD, a31, 16);
    }
    for (; i < m; i++) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      let px = x + (<usize>i << 2);
      let pd = d + (<usize>j << 2);
      for (let r = 0; r < n; r++) {
        const x0 = v128.load32_splat(px);
        a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(pd)));
        a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(pd, 16)));
        px += rowX;
        pd += rowD;
      }
      const pc = c + ((<usize>i * <usize>p + <usize>j) << 2);
      v128.store(pc, a0); v128.store(pc, a1, 16);
    }
  }
  // Columns past the last multiple of 8, one at a time.
  for (let j = p8; j < p; j++) {
    for (let i = 0; i < m; i++) {
      let s: f32 = 0;
      for (let r = 0; r < n; r++) s += load<f32>(x + ((<usize>r * <usize>m + <usize>i) << 2)) * load<f32>(d + ((<usize>r * <usize>p + <usize>j) << 2));
      store<f32>(c + ((<usize>i * <usize>p + <usize>j) << 2), s);
    }
  }
  if (db != 0) {
    for (let j = 0; j < p; j++) store<f32>(db + (<usize>j << 2), 0);
    for (let r = 0; r < n; r++) {
      const pd = d + (<usize>r * <usize>p << 2);
      let j = 0;
      for (; j < p8; j += 4) v128.store(db + (<usize>j << 2), f32x4.add(v128.load(db + (<usize>j << 2)), v128.load(pd + (<usize>j << 2))));
      for (; j < p; j++) store<f32>(db + (<usize>j << 2), load<f32>(db + (<usize>j << 2)) + load<f32>(pd + (<usize>j << 2)));
    }
  }
}
