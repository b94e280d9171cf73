/**
 * The Lua scripts of the Redis budget: the rules of `budget.ts`, each operation one atomic
 * script on Redis's own clock (`TIME`), so instances with skewed clocks still agree.
 * Keys (hash-tagged by key id, so one key's budget lives on one cluster slot):
 * `sends` (zset of grants), `state` (hash: learned limit/remaining/reset, hold, sequence),
 * `active` and `waiting` (zsets of caller ids), `caller` (zset of that caller's grants).
 */

const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: sends, state, active, waiting, caller.
 * ARGV: limit, windowMs, burst, burstWindowMs, waitingTtlMs, fairPollMs, caller, ttlMs.
 * Returns {granted, waitMs, limit, remaining, resetAtMs, nowMs, fair, grantId}.
 */
export const ACQUIRE = `${CLOCK}
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local burstMs = tonumber(ARGV[4])
local waitingTtl = tonumber(ARGV[5])
local fairPoll = tonumber(ARGV[6])
local caller = ARGV[7]
local ttl = tonumber(ARGV[8])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - windowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - waitingTtl)

local st = redis.call('HMGET', KEYS[2], 'limit', 'remaining', 'resetAt', 'sentAt', 'blockedUntil')
local learnedLimit = tonumber(st[1])
if learnedLimit and learnedLimit < limit then limit = learnedLimit end

local used = redis.call('ZCARD', KEYS[1])
local available = limit - used
local resetAt = now + windowMs
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then resetAt = tonumber(oldest[2]) + windowMs end

local learnedRemaining = tonumber(st[2])
local learnedReset = tonumber(st[3])
local learnedAt = tonumber(st[4])
if learnedRemaining and learnedReset > now and learnedAt > now - windowMs then
  local since = redis.call('ZCOUNT', KEYS[1], learnedAt, '+inf')
  local upstreamAvailable = learnedRemaining - since
  if upstreamAvailable < available then
    available = upstreamAvailable
    resetAt = learnedReset
  end
end

local waitMs = 0
local fair = 0
local blockedUntil = tonumber(st[5]) or 0
if blockedUntil > now then
  waitMs = blockedUntil - now
  if blockedUntil > resetAt then resetAt = blockedUntil end
  available = 0
elseif available <= 0 then
  waitMs = math.max(resetAt - now, 1)
else
  local inBurst = redis.call('ZCOUNT', KEYS[1], now - burstMs, '+inf')
  if inBurst >= burst then
    local first = redis.call('ZRANGEBYSCORE', KEYS[1], now - burstMs, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    waitMs = math.max(tonumber(first[2]) + burstMs - now, 1)
  end
end

redis.call('ZADD', KEYS[3], now, caller)
if waitMs == 0 then
  local share = math.ceil(limit / redis.call('ZCARD', KEYS[3]))
  local mine = redis.call('ZCARD', KEYS[5])
  local othersWaiting = redis.call('ZCARD', KEYS[4])
  if redis.call('ZSCORE', KEYS[4], caller) then othersWaiting = othersWaiting - 1 end
  if mine >= share and othersWaiting > 0 then
    waitMs = fairPoll
    fair = 1
  end
end

for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ttl) end
if waitMs > 0 then
  redis.call('ZADD', KEYS[4], now, caller)
  return {0, waitMs, limit, math.max(available, 0), resetAt, now, fair}
end

local id = now .. '-' .. redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('ZADD', KEYS[1], now, id)
redis.call('ZADD', KEYS[5], now, id)
-- The caller stays in 'waiting' until its entry ages out: a grant to one of its requests says
-- nothing about the others it may still have waiting (they refresh the entry as they poll).
return {1, 0, limit, math.max(available - 1, 0), resetAt, now, 0, id}
`;

/**
 * KEYS: sends, caller. ARGV: grantId.
 * The send was answered: it counts from now (XX: a send already out of the window stays out).
 */
export const SETTLE = `${CLOCK}
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
redis.call('ZADD', KEYS[2], 'XX', now, ARGV[1])
return 1
`;

/**
 * KEYS: state. ARGV: limit, remaining, resetAtMs, sentAtMs, ttlMs.
 * The newest observation (by when its request left) wins; two of the same moment, the lower.
 */
export const LEARN = `
local current = tonumber(redis.call('HGET', KEYS[1], 'sentAt') or '0') or 0
local sentAt = tonumber(ARGV[4])
if sentAt < current then return 0 end
local remaining = tonumber(ARGV[2])
if sentAt == current then
  local previous = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '')
  if previous and previous < remaining then remaining = previous end
end
redis.call('HSET', KEYS[1], 'limit', ARGV[1], 'remaining', remaining, 'resetAt', ARGV[3], 'sentAt', sentAt)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
return 1
`;

/** KEYS: state. ARGV: forMs, ttlMs. Holds every instance until now + forMs (a longer hold stays). */
export const HOLD = `${CLOCK}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'blockedUntil') or '0') or 0
if untilMs > current then redis.call('HSET', KEYS[1], 'blockedUntil', untilMs) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[1]))
return 1
`;
