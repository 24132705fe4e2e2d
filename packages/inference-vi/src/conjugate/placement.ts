/**
 * The largest number of features D for which conjugate regression runs on the host (float64) when
 * the caller gives no `on` option; larger problems run on the device in float32. At D = 256 the
 * host Cholesky is about 6 million multiply-adds (milliseconds) while forming ΦᵀΦ costs N·D²/2, so
 * pass `on: 'device'` for very many rows.
 */
export const BLR_HOST_MAX_DIM = 256;
