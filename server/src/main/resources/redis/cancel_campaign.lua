-- Cancels a scheduled campaign (its waves leave the schedule) or stops a sending one (mark_due.lua
-- claims nothing more; what was sent stays counted).
-- KEYS[1] campaign hash, KEYS[2] the site's schedule, KEYS[3] campaign progress hash
-- ARGV[1] campaign id, [2] now ISO-8601
-- Returns 'ok', or the status that does not allow it (completed, cancelled), or '' when
-- there is no such campaign.
local v = redis.call('HMGET', KEYS[1], 'status', 'waves')
if not v[1] then return '' end
if v[1] ~= 'scheduled' and v[1] ~= 'sending' then return v[1] end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelledAt', ARGV[2])
unschedule(KEYS[2], ARGV[1], v[2])
redis.call('EXPIRE', KEYS[3], 2592000) -- like a completed campaign's: receipts may still come
return 'ok'
