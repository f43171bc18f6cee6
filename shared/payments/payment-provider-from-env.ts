import { FakePaymentProvider } from './fake/fake-payment-provider.js';
import type { PaymentProvider } from './payment-provider.js';

/**
 * The gateway named by `PAYMENT_PROVIDER` (only `fake` exists so far, and is the default).
 * An unknown name fails the cold start rather than charging through the wrong gateway.
 */
export function paymentProviderFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentProvider {
  const name = env.PAYMENT_PROVIDER ?? 'fake';
  if (name === 'fake') return new FakePaymentProvider({ latencyMs: Number(env.FAKE_PAYMENT_LATENCY_MS ?? 0) || 0 });
  throw new Error(`PAYMENT_PROVIDER '${name}' is not a known payment gateway (known: fake)`);
}
