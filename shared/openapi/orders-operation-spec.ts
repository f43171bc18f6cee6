import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { createOrderSchema, orderAcceptedSchema, orderListQuerySchema, orderPageSchema, orderViewSchema } from '../orders/orders.schemas.js';
import type { OperationObject, ParameterObject } from './openapi-types.js';
import { ordersProblems } from './orders-problems.js';
import type { ProblemSample } from './problem-samples.js';
import { responseHeaders, withCommonHeaders } from './response-headers.js';
import type { createSchemaComponents } from './schema-components.js';

type SchemaComponents = ReturnType<typeof createSchemaComponents>;

type OperationSpec = Pick<OperationObject, 'description' | 'parameters' | 'requestBody' | 'responses'>;

/** An operation documented outside the entity/admin/system specs: its spec and its problems. */
export interface OrdersOperation {
  spec: OperationSpec;
  problems: ProblemSample[];
}

const IDEMPOTENCY_KEY: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description: 'Unique per order; a retry with the same key and body gets the same answer, with another body 422. Kept 24 h.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const ACCESS = 'A viewer sees only orders whose customer_id is their token subject (others: 404); staff and admin see all.';

/** The orders routes' bodies, parameters, responses and problems (docs/orders.md); undefined for any other function. */
export function ordersOperationSpec(fn: FunctionDeclaration, path: string, schemas: SchemaComponents): OrdersOperation | undefined {
  if (!fn.id.startsWith('orders-')) return undefined;
  return { spec: ordersSpec(fn, schemas), problems: ordersProblems(fn.id, path) };
}

function ordersSpec(fn: FunctionDeclaration, schemas: SchemaComponents): OperationSpec {
  const json = (schema: ReturnType<SchemaComponents['schema']>) => ({ 'application/json': { schema } });
  const order = json(schemas.schema(orderViewSchema, 'output'));
  switch (fn.id) {
    case 'orders-create':
      return {
        description:
          'Accepts an order: lines priced from the products, written with its idempotency record and its ' +
          '`order.created` event in one transaction. Unknown SKUs are 422 located at their line.',
        parameters: [IDEMPOTENCY_KEY],
        requestBody: { required: true, content: json(schemas.schema(createOrderSchema, 'input')) },
        responses: {
          '202': {
            description: 'Accepted, pending',
            headers: withCommonHeaders({ Location: responseHeaders.location }),
            content: json(schemas.schema(orderAcceptedSchema, 'output')),
          },
        },
      };
    case 'orders-cancel':
      return {
        description: `Cancels a pending or inventory_reserved order (its stock is then released); 409 once payment started (payment_pending and later). ${ACCESS}`,
        parameters: [],
        responses: { '200': { description: 'The cancelled order', headers: withCommonHeaders(), content: order } },
      };
    case 'orders-list':
      return {
        description: `Orders newest first, by customer and/or status, cursor paginated. ${ACCESS}`,
        parameters: queryParameters(schemas),
        responses: { '200': { description: 'A page of orders', headers: withCommonHeaders(), content: json(schemas.schema(orderPageSchema, 'output')) } },
      };
    default:
      return {
        description: `The order with its status, totals and timeline. ${ACCESS}`,
        parameters: [],
        responses: { '200': { description: 'The order', headers: withCommonHeaders(), content: order } },
      };
  }
}

function queryParameters(schemas: SchemaComponents): ParameterObject[] {
  const converted = schemas.inline(orderListQuerySchema, 'input');
  const required = new Set(converted.required ?? []);
  return Object.entries(converted.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}
