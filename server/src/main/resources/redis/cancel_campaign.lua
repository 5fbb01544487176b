-- Cancels a scheduled campaign (its waves leave the schedule) or stops a sending one (mark_due.lua
-- claims nothing more; what was sent stays counted).
-- KEYS[1] campaign hash, KEYS[2] the site's schedule, KEYS[3] the site's set of finished campaigns
-- ARGV[1] campaign id, [2] now ISO-8601
-- Returns 'ok', or the status that does not allow it (completed, cancelled), or '' when
-- there is no such campaign.
local moved, status = transition(KEYS[1], { STATUS.scheduled, STATUS.sending }, STATUS.cancelled, 'cancelledAt', ARGV[2])
if not moved then return status end
unschedule(KEYS[2], ARGV[1], redis.call('HGET', KEYS[1], 'waves'))
finished(KEYS[3], KEYS[1])
return 'ok'
