-- Commits one scan step of a campaign's fan-out, atomically: the send unit for the members it
-- found, the next scan unit (or the end of this wave's scan), and the acknowledgement of this unit.
-- Only the consumer that still owns the unit may commit it, so a unit taken over by another
-- instance (ours stalled past the claim time) is never committed twice.
-- Each id is entered in the progress hash as 'q' (queued): SSCAN may return a member twice (and a
-- subscriber who moved to another time zone may be met by two waves), and an id already there is
-- dropped, so every subscriber is targeted, and counted, once. When the step lapses (the campaign
-- expired, or the wave's time had passed when it was planned), the ids enter as 'lapsed' instead,
-- and no send unit is made.
-- A scan of the site's whole set of subscriptions (audience "all", one wave) is checked when it
-- ends: every subscription present from its start to its end must have been met, so the ids met
-- (the progress hash) must number at least the set's size now less the subscriptions added
-- since the scan began (KEYS[5] counts them). Fewer means members were skipped (an SSCAN cursor
-- resumed where it meant something else): the set is scanned again from its start, up to
-- MAX_RESCANS times, instead of letting the campaign complete without them.
-- KEYS[1] campaign hash, KEYS[2] work stream, KEYS[3] campaign progress hash, KEYS[4] the site's
-- subscription set, KEYS[5] its count of subscriptions ever added
-- ARGV[1] group, [2] consumer, [3] this unit's entry id, [4] campaign id, [5] wave, [6] next
-- driver index or '' when this wave's scan is over, [7] next cursor, [8] now, [9] '1' to lapse,
-- [10] '1' when this wave scans the whole subscription set (checked as above), [11..] the ids found
-- Returns 1 when committed, 2 when committed and the set is to be scanned again, 0 when the unit
-- is no longer ours.
local MAX_RESCANS = 3
if not owns(KEYS[2], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
local result = 1
if redis.call('HGET', KEYS[1], 'status') == STATUS.sending then
  local lapse = ARGV[9] == '1'
  local whole = ARGV[10] == '1'
  local started = 'wave:' .. ARGV[5] .. ':addedAtStart'
  if whole then redis.call('HSETNX', KEYS[1], started, redis.call('GET', KEYS[5]) or '0') end
  local state = lapse and 'lapsed' or 'q'
  local fresh = {}
  for i = 11, #ARGV do
    if redis.call('HSETNX', KEYS[3], ARGV[i], state) == 1 then fresh[#fresh + 1] = ARGV[i] end
  end
  if #fresh > 0 then
    redis.call('HINCRBY', KEYS[1], 'stat:targeted', #fresh)
    if lapse then
      redis.call('HINCRBY', KEYS[1], 'stat:lapsed', #fresh)
    else
      add_send_unit(KEYS[2], ARGV[4], '1', table.concat(fresh, ','))
    end
  end
  local missed = 0
  if ARGV[6] == '' and whole then
    local addedSince = (tonumber(redis.call('GET', KEYS[5])) or 0) - (tonumber(redis.call('HGET', KEYS[1], started)) or 0)
    missed = redis.call('SCARD', KEYS[4]) - addedSince - redis.call('HLEN', KEYS[3])
  end
  if missed > 0 and redis.call('HINCRBY', KEYS[1], 'wave:' .. ARGV[5] .. ':rescans', 1) <= MAX_RESCANS then
    redis.call('HDEL', KEYS[1], started)
    add_scan_unit(KEYS[2], ARGV[4], ARGV[5], '0', '0')
    result = 2
  elseif ARGV[6] ~= '' then
    add_scan_unit(KEYS[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
  elseif redis.call('HINCRBY', KEYS[1], 'wavesLeft', -1) <= 0 then
    redis.call('HSET', KEYS[1], 'scanDone', '1')
  end
  complete_if_done(KEYS[1], KEYS[3], ARGV[8])
end
ack(KEYS[2], ARGV[1], ARGV[3])
return result
