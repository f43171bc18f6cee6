import { createHash } from 'node:crypto';
import type { ChargeRequest, ChargeResult, Money, PaymentProvider } from '../payment-provider.js';
import { PaymentGatewayUnavailableError } from '../payments.errors.js';

/**
 * Tokens with a fixed behaviour (the contract). Any other token is declined, as a real
 * gateway declines a token it does not know.
 */
export const FAKE_TOKENS = {
  ok: 'tok_ok',
  decline: 'tok_decline',
  insufficientFunds: 'tok_insufficient_funds',
  /** Never answers: every attempt runs into the caller's timeout; nothing is charged. */
  timeout: 'tok_timeout',
  /** The first attempt per idempotency key fails as unavailable; the next one is charged. */
  flaky: 'tok_flaky',
} as const;

/** A charge the fake made: at most one per idempotency key. */
export interface FakeCharge {
  idempotencyKey: string;
  paymentId: string;
  amount: Money;
  reference: string;
}

/** What the fake remembers; process-wide by default, so every bundle in one local process shares one "gateway". */
export interface FakePaymentLedger {
  answers: Map<string, ChargeResult>;
  attempts: Map<string, number>;
  charges: FakeCharge[];
  /** While true every call fails as unavailable (a gateway outage). */
  outage: boolean;
}

const LEDGER = Symbol.for('records-platform.fake-payment-ledger');

/** The process-wide ledger (created on first use). */
export function fakePaymentLedger(): FakePaymentLedger {
  const holder = globalThis as { [LEDGER]?: FakePaymentLedger };
  return (holder[LEDGER] ??= { answers: new Map(), attempts: new Map(), charges: [], outage: false });
}

export interface FakePaymentProviderOptions {
  ledger?: FakePaymentLedger;
  /** Simulated answer time. @default 0 */
  latencyMs?: number;
}

/**
 * A deterministic payment gateway: the token decides the outcome (see {@link FAKE_TOKENS}),
 * and like a real gateway it keys charges on the idempotency key — a repeated key gets the
 * first answer back and is never charged twice, even when the calls overlap.
 */
export class FakePaymentProvider implements PaymentProvider {
  readonly name = 'fake';
  private readonly ledger: FakePaymentLedger;
  private readonly latencyMs: number;

  constructor(options: FakePaymentProviderOptions = {}) {
    this.ledger = options.ledger ?? fakePaymentLedger();
    this.latencyMs = options.latencyMs ?? 0;
  }

  async charge(request: ChargeRequest, { signal }: { signal: AbortSignal }): Promise<ChargeResult> {
    const { ledger } = this;
    const attempt = (ledger.attempts.get(request.idempotencyKey) ?? 0) + 1;
    ledger.attempts.set(request.idempotencyKey, attempt);
    if (ledger.outage) throw new PaymentGatewayUnavailableError(this.name, 'outage');
    // Decided and recorded before any await: overlapping calls with one key see one answer.
    let answer = ledger.answers.get(request.idempotencyKey);
    if (!answer) {
      if (request.token === FAKE_TOKENS.timeout) return never(signal);
      if (request.token === FAKE_TOKENS.flaky && attempt === 1) throw new PaymentGatewayUnavailableError(this.name, 'flaky first attempt');
      answer = decide(request);
      ledger.answers.set(request.idempotencyKey, answer);
      if (answer.status === 'succeeded') {
        ledger.charges.push({ idempotencyKey: request.idempotencyKey, paymentId: answer.paymentId, amount: request.amount, reference: request.reference });
      }
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs, signal);
    return answer;
  }
}

function decide(request: ChargeRequest): ChargeResult {
  switch (request.token) {
    case FAKE_TOKENS.ok:
    case FAKE_TOKENS.flaky:
      return { status: 'succeeded', paymentId: `pay_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}` };
    case FAKE_TOKENS.insufficientFunds:
      return { status: 'declined', reason: 'insufficient_funds' };
    default:
      return { status: 'declined', reason: 'declined' };
  }
}

/** A call that hangs until the caller gives up. */
function never(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
