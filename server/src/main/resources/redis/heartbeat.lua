-- Resets the idle time of the units this consumer still owns, so no other instance claims them.
-- A unit another instance has taken over meanwhile is left alone (a plain XCLAIM would steal it back).
-- KEYS[1] work stream; ARGV[1] group, [2] consumer, [3..] entry ids
-- Returns how many units were refreshed.
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
