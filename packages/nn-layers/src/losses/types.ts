/** How a loss reduces its per-element values: their mean (default), their sum, or none (the per-element tensor). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface LossOptions {
  /** 'mean' (default), 'sum', or 'none' for the unreduced per-element (or per-example) losses. */
  readonly reduction?: Reduction;
}

/** Options that reduce to a scalar (`reduction` 'mean' or 'sum', or left out). */
export interface ScalarLossOptions extends LossOptions {
  readonly reduction?: 'mean' | 'sum';
}
