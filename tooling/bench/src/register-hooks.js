// Loaded with `node --import` after tsx, so this hook runs first and falls back to tsx's.
import { register } from 'node:module';

register('./esm-resolve-hook.js', import.meta.url);
