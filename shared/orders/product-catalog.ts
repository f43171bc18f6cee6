/** The entity whose items price order lines (its table is read by the catalog adapter). */
export const PRODUCTS_ENTITY = 'products';

/** The price of one product as orders charge it: integer minor units and ISO 4217 currency. */
export interface ProductPrice {
  price_minor: number;
  currency: string;
}

/**
 * Where orders learn that SKUs exist and what they cost (DynamoDB adapter over the products
 * table: `shared/store/dynamodb/dynamodb-product-catalog.ts`).
 */
export interface ProductCatalog {
  /** Prices of the SKUs that exist; unknown SKUs are absent from the map. */
  lookup(skus: readonly string[]): Promise<Map<string, ProductPrice>>;
}
