import { type FunctionDeclaration, NO_STORE } from '../entity/entity-functions.js';
import { products } from './products.entity.js';

/** Route of the stock change, under the product's own path. */
export const stockRoute = `${products.routes.item}/stock`;

/** Products' functions beyond the five derived CRUD ones. */
export const productFunctions: FunctionDeclaration[] = [
  {
    id: 'products-stock',
    entry: 'functions/products/stock.ts',
    description: 'Adds or removes available stock of one product (conditional: never below 0)',
    routes: [{ method: 'POST', path: stockRoute }],
    permission: 'staff',
    // One conditional UpdateItem; nothing else of the table.
    tables: [{ table: products.name, actions: ['UpdateItem'] }],
    cacheControl: NO_STORE,
  },
];
