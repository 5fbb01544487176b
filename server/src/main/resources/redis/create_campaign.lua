-- Creates a campaign and its first work, atomically: a campaign is never stored without what
-- sends it, nor the work without the campaign. A campaign sent now gets its first scan unit in
-- the work stream (and its later waves, an A/B test's rest, in the schedule); a scheduled one gets
-- its waves in the site's schedule (fire_due.lua).
-- KEYS[1] campaign hash, KEYS[2] the site's campaign index (zset), KEYS[3] the site's work stream,
-- KEYS[4] the site's schedule (zset)
-- ARGV[1] campaign id, [2] created epoch millis, [3] consumer group, [4] '1' to send wave 0 now,
-- [5] number of waves to schedule n (those after wave 0 when it is sent now), [6 .. 5+n] their
-- due epoch millis, then field, value pairs
local now, n = ARGV[4] == '1', tonumber(ARGV[5])
redis.call('HSET', KEYS[1], unpack(ARGV, 6 + n))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
-- The group may exist already (BUSYGROUP): that is fine.
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[3], ARGV[3], '0', 'MKSTREAM')
local first = 0
if now then
  add_scan_unit(KEYS[3], ARGV[1], '0', '0') -- wave 0, from its start
  first = 1
end
for i = 1, n do redis.call('ZADD', KEYS[4], ARGV[5 + i], ARGV[1] .. ':' .. (i - 1 + first)) end
return 1
