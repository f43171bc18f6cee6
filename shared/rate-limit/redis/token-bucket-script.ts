/**
 * Token bucket in one atomic step. KEYS[1]: a hash {tokens, ts}; ARGV[1]: capacity;
 * ARGV[2]: refill, tokens per second. The clock is the server's (`TIME`), so containers with
 * skewed clocks agree. A missing key is a full bucket; the key expires once it would be full
 * again, so idle identities cost no memory. Returns {allowed 1|0, whole tokens left,
 * ms until full, ms until the next token (0 when allowed)}.
 */
export const TOKEN_BUCKET_SCRIPT = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * per_ms)
local allowed = 0
local retry_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_ms = math.ceil((1 - tokens) / per_ms)
end
local full_ms = math.max(1, math.ceil((capacity - tokens) / per_ms))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], full_ms)
return {allowed, math.floor(tokens), full_ms, retry_ms}
`;
