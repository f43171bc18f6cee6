import * as z from 'zod/mini';
import { plainText } from '../entity/plain-text.js';
import { MAX_STOCK } from './products.entity.js';

/** Body of `POST /products/{sku}/stock`: how many units arrive (+) or leave (−), and why. */
export const stockChangeSchema = z
  .strictObject({
    delta: z.int().check(
      z.minimum(-MAX_STOCK),
      z.maximum(MAX_STOCK),
      z.refine((delta) => delta !== 0, 'Must not be 0'),
      z.describe('Units added (positive) or removed (negative); a non-zero whole number'),
    ),
    reason: plainText(1, 200).check(z.describe('Why the stock changes (goods received, stocktake correction, damage…); logged with the change')),
  })
  .check(z.meta({ id: 'StockChange' }));

export type StockChangeInput = z.infer<typeof stockChangeSchema>;
