/**
 * The four toy data sets of the Deep Learning Indaba 2022 practical "Bayesian Deep Learning"
 * (Javier Antorán and James Allingham), as the notebook writes them, before its transforms.
 *
 * Source: https://github.com/deep-learning-indaba/indaba-pracs-2022,
 * `practicals/Bayesian_Deep_Learning_Prac.ipynb` (last changed in commit 01670188, 2022-10-28).
 * Licence: Apache-2.0, "© Deep Learning Indaba 2022. Apache License 2.0." The numbers are the
 * notebook's literals; the transforms it applies are in {@link indabaDataset}.
 */
export const INDABA_2022_RAW = {
  /** Linear data with one outlier. The notebook standardises x (population std) and subtracts 3 from y. */
  outlier: {
    x: [1, 1.5, 2, 3, 4, 5],
    y: [3.1, 2.1, 1.7, 1.3, -5, -0.8],
  },
  /** A nonlinear curve; the notebook multiplies y by 5. */
  nonlinear: {
    x: [-2, -1, 0, 1, 1.1, 3.5, 4, 5],
    y: [3.2, 3.3, 3.2, 1.3, 1.6, 1.1, 2, 3.5],
  },
  /** Binary labels, separable at x = 0. No transform. */
  classification: {
    x: [-2.7, -1.9, -1.3, 0.7, 0.8, 1.4, 2.4],
    y: [0, 0, 0, 1, 1, 1, 1],
  },
  /** Points near the identity line. No transform. */
  identity: {
    x: [-2, -1.8, -1, 2, 2, 2.1],
    y: [-2, -1.9, -1, 2, 1.9, 2.1],
  },
} as const;

/** Names of the Indaba 2022 data sets. */
export type IndabaDatasetName = keyof typeof INDABA_2022_RAW;
