-- Subtracts a refund from the revenue an order's attribution credited (attribute_order.lua): at
-- most what is left of it, so attributed revenue never goes below zero nor above the order's; the
-- refund that leaves nothing takes the conversion back too. A refund in another currency than
-- the order's changes nothing.
-- KEYS[1] the order's attribution hash, KEYS[2] the credited counters hash (as the hash names it),
-- KEYS[3] the site's report hash of the refund's day (what it takes off counts there)
-- ARGV[1] the refund in minor units, [2] its currency
-- Returns the minor units subtracted, -1 when the order was never attributed, -2 for another currency.
local v = redis.call('HMGET', KEYS[1], 'counters', 'prefix', 'variant', 'currency', 'remaining', 'source')
if v[1] ~= KEYS[2] then return -1 end
if v[4] ~= ARGV[2] then return -2 end
local remaining = tonumber(v[5])
local take = math.min(tonumber(ARGV[1]), remaining)
if take <= 0 then return 0 end
redis.call('HSET', KEYS[1], 'remaining', remaining - take)
local prefixes = { v[2] }
if v[3] ~= '' then prefixes[2] = v[2] .. 'v:' .. v[3] .. ':' end
if redis.call('EXISTS', KEYS[2]) == 1 then
  for _, p in ipairs(prefixes) do
    redis.call('HINCRBY', KEYS[2], p .. 'revenue:' .. v[4], -take)
    if remaining - take == 0 then redis.call('HINCRBY', KEYS[2], p .. 'conversions', -1) end
  end
end
report(KEYS[3], v[6] or '', 'revenue:' .. v[4], -take)
if remaining - take == 0 then report(KEYS[3], v[6] or '', 'conversions', -1) end
return take
