-- Rewrites a scheduled campaign's definition and its waves in the schedule, atomically, and only
-- while it is still scheduled: a wave that fired meanwhile makes this fail rather than race it.
-- KEYS[1] campaign hash, KEYS[2] the site's schedule
-- ARGV[1] campaign id, [2] number of waves n, [3 .. 2+n] their due epoch millis, then the number
-- of fields to delete m and their names, then field, value pairs to set
-- Returns 'ok' when rewritten, else the status that does not allow it ('' when no such campaign).
local v = redis.call('HMGET', KEYS[1], 'status', 'waves')
if v[1] ~= STATUS.scheduled then return v[1] or '' end
unschedule(KEYS[2], ARGV[1], v[2])
local n = tonumber(ARGV[2])
for i = 1, n do redis.call('ZADD', KEYS[2], ARGV[2 + i], ARGV[1] .. ':' .. (i - 1)) end
local m = tonumber(ARGV[3 + n])
for i = 1, m do redis.call('HDEL', KEYS[1], ARGV[3 + n + i]) end
redis.call('HSET', KEYS[1], unpack(ARGV, 4 + n + m))
return 'ok'
