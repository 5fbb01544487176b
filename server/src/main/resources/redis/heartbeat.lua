-- Resets the idle time of the units this consumer still owns, so no other instance claims them.
-- A unit another instance has taken over meanwhile is left alone (a plain XCLAIM would steal it
-- back) and reported: this consumer stalled past the claim time, and should stop sending it.
-- KEYS[1] work stream; ARGV[1] group, [2] consumer, [3..] entry ids
-- Returns the entry ids that are no longer this consumer's.
local lost = {}
for i = 3, #ARGV do
  if owns(KEYS[1], ARGV[1], ARGV[2], ARGV[i]) then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
