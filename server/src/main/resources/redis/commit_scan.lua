-- Commits one scan step of a campaign's fan-out, atomically: the send unit for the members it
-- found, the next scan unit (or the end of this wave's scan), and the acknowledgement of this unit.
-- Only the consumer that still owns the unit may commit it, so a unit taken over by another
-- instance (ours stalled past the claim time) is never committed twice.
-- Each id is entered in the progress hash as 'q' (queued): SSCAN may return a member twice (and a
-- subscriber who moved to another time zone may be met by two waves), and an id already there is
-- dropped, so every subscriber is targeted, and counted, once. When the step lapses (the campaign
-- expired, or the wave's time had passed when it was planned), the ids enter as 'lapsed' instead,
-- and no send unit is made.
-- KEYS[1] campaign hash, KEYS[2] work stream, KEYS[3] campaign progress hash
-- ARGV[1] group, [2] consumer, [3] this unit's entry id, [4] campaign id, [5] wave, [6] next
-- driver index or '' when this wave's scan is over, [7] next cursor, [8] now, [9] '1' to lapse,
-- [10..] the ids found
-- Returns 1 when committed, 0 when the unit is no longer ours.
if not owns(KEYS[2], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
if redis.call('HGET', KEYS[1], 'status') == 'sending' then
  local lapse = ARGV[9] == '1'
  local state = lapse and 'lapsed' or 'q'
  local fresh = {}
  for i = 10, #ARGV do
    if redis.call('HSETNX', KEYS[3], ARGV[i], state) == 1 then fresh[#fresh + 1] = ARGV[i] end
  end
  if #fresh > 0 then
    redis.call('HINCRBY', KEYS[1], 'stat:targeted', #fresh)
    if lapse then
      redis.call('HINCRBY', KEYS[1], 'stat:lapsed', #fresh)
    else
      redis.call('XADD', KEYS[2], '*', 'type', 'send', 'campaign', ARGV[4], 'attempt', '1', 'ids', table.concat(fresh, ','))
    end
  end
  if ARGV[6] ~= '' then
    redis.call('XADD', KEYS[2], '*', 'type', 'scan', 'campaign', ARGV[4], 'wave', ARGV[5], 'driver', ARGV[6], 'cursor', ARGV[7])
  elseif redis.call('HINCRBY', KEYS[1], 'wavesLeft', -1) <= 0 then
    redis.call('HSET', KEYS[1], 'scanDone', '1')
  end
  complete_if_done(KEYS[1], KEYS[3], ARGV[8])
end
ack(KEYS[2], ARGV[1], ARGV[3])
return 1
