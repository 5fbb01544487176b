-- Sets the idle time of the units this consumer still owns: 0 to keep them (a heartbeat, so no
-- other instance claims them), or the claim time to hand them back at shutdown (the next
-- XAUTOCLAIM of any instance takes them at once, instead of after the claim time).
-- A unit another instance has taken over meanwhile is left alone (a plain XCLAIM would steal it
-- back) and reported: this consumer stalled past the claim time, and should stop sending it. So
-- is one no longer pending at all, apart: acknowledged meanwhile — by this consumer, finishing it
-- as this ran (the usual case), or by an instance that took it over and finished it.
-- KEYS[1] work stream; ARGV[1] group, [2] consumer, [3] idle millis to set, [4..] entry ids
-- Returns {the entry ids another consumer holds now, the entry ids no longer pending}.
local taken, gone = {}, {}
for i = 4, #ARGV do
  local consumer = pending_with(KEYS[1], ARGV[1], ARGV[i])
  if not consumer then
    gone[#gone + 1] = ARGV[i]
  elseif consumer == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
  else
    taken[#taken + 1] = ARGV[i]
  end
end
return { taken, gone }
