import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { products } from '../products/products.entity.js';
import { stockChangeSchema } from '../products/products.schemas.js';
import type { JsonSchema, OperationObject } from './openapi-types.js';
import { stockProblems, type ProblemSample } from './problem-samples.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

export interface CustomOperation {
  spec: Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;
  problems: ProblemSample[];
}

/**
 * The products' operations beyond CRUD (the stock route), documented from the same zod
 * schemas their handlers validate with; undefined for any other function.
 */
export function productOperationSpec(fn: FunctionDeclaration, path: string, schemas: SchemaComponents): CustomOperation | undefined {
  if (fn.id !== 'products-stock') return undefined;
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
  return {
    spec: {
      description:
        'Adds (positive `delta`) or removes (negative) available stock in one conditional write: the product must exist ' +
        'and `stock_available` must not go below 0 (409 `product.insufficientStock`). Bumps the version (the ETag) and ' +
        '`updated_at`; the `reason` goes to the audit log. Send If-Match to apply the change only to the version you read. ' +
        'The only way, besides the order saga, to change stock: create and update bodies refuse the stock fields.',
      parameters: [
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'ETag of the product as last read ("<version>"), or *. A stale or foreign tag is refused with 412.',
          schema: { type: 'string' },
        },
      ],
      requestBody: { required: true, content: json(schemas.schema(stockChangeSchema, 'input')) },
      responses: {
        '200': {
          description: 'The product after the change',
          headers: withCommonHeaders({ ETag: responseHeaders.etag }),
          content: json(schemas.schema(products.responseSchema, 'output')),
        },
      },
    },
    problems: stockProblems(path),
  };
}
