import type { L2Backend, L2Command, L2Reply } from '../../shared/cache/l2-backend.js';

/** An L2 backend counting the round trips (`exec` calls) one container's cache makes. */
export class CountingBackend implements L2Backend {
  roundTrips = 0;
  constructor(private readonly inner: L2Backend) {}
  exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    this.roundTrips++;
    return this.inner.exec(commands);
  }
  hgetall(key: string) {
    return this.inner.hgetall(key);
  }
  mget(keys: readonly string[]) {
    return this.inner.mget(keys);
  }
  scan(match: string) {
    return this.inner.scan(match);
  }
  unlink(keys: readonly string[]) {
    return this.inner.unlink(keys);
  }
  evictedKeys() {
    return this.inner.evictedKeys();
  }
  onDisconnect(listener: () => void) {
    this.inner.onDisconnect(listener);
  }
  close() {
    return this.inner.close();
  }
}
