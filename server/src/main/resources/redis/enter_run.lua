-- Starts an automation run, or refreshes the live one, for one run key (a cart, a shopper's
-- browsing, an order...): one run per key and automation (MARKETING.md §4), whatever number of
-- events, duplicates or instances. A run is refreshed only by newer data (occurredAt), and an
-- order that happened after the event blocks it: an order wins over a cart event that happened
-- before it, in whatever order the two arrive.
-- KEYS[1] run hash, [2] automation hash, [3] the site's run due zset, [4] the cart's order marker
-- (KEYS[1] again when there is no cart), [5 .. 4+ARGV[12]] the order markers of the customer and
-- the subscriptions (an order at or after occurredAt blocks), then the run index sets to add to
-- ARGV[1] run id, [2] automation id, [3] trigger, [4] subscription ids (JSON list), [5] customer
-- id or '', [6] cart id or '', [7] data (JSON), [8] occurredAt epoch millis, [9] now epoch millis,
-- [10] the first step's delay (millis), [11] re-entry once a run of this key ended: 'emptied'
-- (only after one ended by an emptied cart), 'never', or the millis that must pass since the last
-- one started, [12] how many order markers after KEYS[4], [13] seconds the index sets are kept,
-- [14] a transactional push's definition (JSON; '' for an automation's run)
-- Returns 'started', 'refreshed', 'stale' (older than what the live run holds), 'live' (a run of
-- a once-only key is under way: nothing changes), 'ordered' (an order came after it) or 'closed'
-- (re-entry refused).
local run, automation, due = KEYS[1], KEYS[2], KEYS[3]
local at, now = tonumber(ARGV[8]), tonumber(ARGV[9])
if KEYS[4] ~= run and redis.call('EXISTS', KEYS[4]) == 1 then return 'ordered' end
for i = 5, 4 + tonumber(ARGV[12]) do
  local ordered = tonumber(redis.call('GET', KEYS[i]) or '')
  if ordered and ordered >= at then return 'ordered' end
end
local v = redis.call('HMGET', run, 'status', 'reason', 'startedAt', 'dataAt', 'phase', 'step', 'gen')
if v[1] == RUN_LIVE then
  if ARGV[11] == 'never' then return 'live' end -- once per key: a repeat changes nothing
  if tonumber(v[4]) > at then return 'stale' end
  redis.call('HSET', run, 'data', ARGV[7], 'dataAt', ARGV[8], 'subs', ARGV[4], 'customer', ARGV[5], 'updatedAt', ARGV[9])
  if v[5] == 'waiting' and v[6] == '1' then
    redis.call('ZADD', due, at + tonumber(ARGV[10]), ARGV[1]) -- step 1 is due its delay after the last update
  end
  return 'refreshed'
end
if v[1] == RUN_ENDED then
  local policy = ARGV[11]
  local open = (policy == 'emptied' and v[2] == 'emptied')
    or (tonumber(policy) ~= nil and now - tonumber(v[3]) >= tonumber(policy))
  if not open then return 'closed' end
  -- A new generation: the old one's message states are dropped with it.
  local fields = redis.call('HKEYS', run)
  for _, f in ipairs(fields) do
    if string.find(f, ':', 1, true) then redis.call('HDEL', run, f) end
  end
  redis.call('HDEL', run, 'reason', 'endedAt')
  redis.call('PERSIST', run)
end
redis.call('HSET', run, 'automation', ARGV[2], 'trigger', ARGV[3], 'status', RUN_LIVE, 'gen', (tonumber(v[7]) or 0) + 1,
  'step', 1, 'phase', 'waiting', 'subs', ARGV[4], 'customer', ARGV[5], 'cart', ARGV[6], 'data', ARGV[7],
  'dataAt', ARGV[8], 'startedAt', ARGV[9], 'updatedAt', ARGV[9])
if ARGV[14] ~= '' then redis.call('HSET', run, 'def', ARGV[14]) end
redis.call('ZADD', due, math.max(at + tonumber(ARGV[10]), 0), ARGV[1])
for i = 5 + tonumber(ARGV[12]), #KEYS do
  redis.call('SADD', KEYS[i], ARGV[1])
  redis.call('EXPIRE', KEYS[i], ARGV[13])
end
redis.call('HINCRBY', automation, 'stat:entered', 1)
redis.call('HINCRBY', automation, 'stat:active', 1)
return 'started'
