import { Exp } from './exp.js';
import { Invert } from './invert.js';

/** y = log(x) on the positive reals: Invert(Exp); log|det J| = -log x. */
export class Log extends Invert {
  override readonly name: string = 'Log';
  constructor() {
    super(new Exp());
  }
}
