-- Hands back messages marked in flight by a work unit that no longer exists: they would
-- otherwise never get an outcome, and their campaign never complete. A unit is deleted only
-- once every outcome is stored (or parked, whose messages stay as they are), so such a mark
-- means something went wrong that we did not foresee; it becomes a retry of the same attempt.
-- Checked and changed in one step: a mark whose unit stored its outcome meanwhile is left alone.
-- KEYS[1] campaign progress hash, KEYS[2] work stream, KEYS[3] retry zset, KEYS[4] parked hash
-- ARGV[1] campaign id, [2] due epoch millis for the retries, then pairs: subscription id, mark
-- ('s<attempt>:<unit entry id>') as read
-- Returns how many were handed back.
local handed = 0
for i = 3, #ARGV, 2 do
  local id, mark = ARGV[i], ARGV[i + 1]
  local attempt, unit = string.match(mark, '^s(%d+):(.+)$')
  if attempt and redis.call('HGET', KEYS[1], id) == mark
      and #redis.call('XRANGE', KEYS[2], unit, unit) == 0 and redis.call('HEXISTS', KEYS[4], unit) == 0 then
    -- 'defer'-like: the same attempt again, since it may never have been sent.
    redis.call('HSET', KEYS[1], id, 'r' .. attempt)
    redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1] .. '|' .. id .. '|' .. attempt)
    handed = handed + 1
  end
end
return handed
