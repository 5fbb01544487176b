-- Attributes an order to the notification clicked last before it (engagement/Attribution.java
-- chose it), once per order id however often the order is reported: the message's counters get
-- a conversion and the order's revenue (in minor units of its currency), and the attribution is
-- kept for refunds to subtract from.
-- KEYS[1] the order's attribution hash, KEYS[2] the credited counters hash (a campaign, an
-- automation, a transactional push's run), KEYS[3] the site's report hash of the order's day
-- ARGV[1] the counters' prefix ('stat:' or 'step:<n>:'), [2] variant or '', [3] revenue in minor
-- units, [4] currency ('' when the order has none: a conversion without revenue), [5] seconds
-- the attribution is kept, [6] now (ISO-8601), [7] the report source ('c:<id>', 'a:<id>', 't')
-- Returns 1 when attributed, 0 when the order was attributed before.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local prefixes = { ARGV[1] }
if ARGV[2] ~= '' then prefixes[2] = ARGV[1] .. 'v:' .. ARGV[2] .. ':' end
redis.call('HSET', KEYS[1], 'counters', KEYS[2], 'prefix', ARGV[1], 'variant', ARGV[2], 'currency', ARGV[4],
  'revenue', ARGV[3], 'remaining', ARGV[3], 'at', ARGV[6], 'source', ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[5])
if redis.call('EXISTS', KEYS[2]) == 1 then -- a deleted automation's counters are not made again
  for _, p in ipairs(prefixes) do
    redis.call('HINCRBY', KEYS[2], p .. 'conversions', 1)
    if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[2], p .. 'revenue:' .. ARGV[4], tonumber(ARGV[3])) end
  end
end
report(KEYS[3], ARGV[7], 'conversions', 1)
if ARGV[4] ~= '' then report(KEYS[3], ARGV[7], 'revenue:' .. ARGV[4], tonumber(ARGV[3])) end
return 1
