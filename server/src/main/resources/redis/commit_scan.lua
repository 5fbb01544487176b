-- Commits one scan step of a campaign's fan-out, atomically: the send unit for the members it
-- found, the next scan unit (or the end of this wave's scan), and the acknowledgement of this unit.
-- Only the consumer that still owns the unit may commit it, so a unit taken over by another
-- instance (ours stalled past the claim time) is never committed twice.
-- Each id is entered in the progress hash as 'q' (queued): a subscriber met twice (one who moved
-- to another time zone between two waves, or whose ordinal was freed and reused during the scan)
-- is dropped, so every subscriber is targeted, and counted, once. When the step lapses (the
-- campaign expired, or the wave's time had passed when it was planned), the ids enter as 'lapsed'
-- instead, and no send unit is made.
-- A scan walks the audience in subscription-ordinal order (audience.lua), and an ordinal means the
-- same subscription in any Redis process that has the data: a scan resumed after a restart or a
-- failover goes on where it was, skipping no one.
-- KEYS[1] campaign hash, KEYS[2] work stream, KEYS[3] campaign progress hash, KEYS[4] the site's
-- set of finished campaigns
-- ARGV[1] group, [2] consumer, [3] this unit's entry id, [4] campaign id, [5] wave, [6] the
-- ordinal the next page starts from, or '' when this wave's scan is over, [7] now, [8] '1' to
-- lapse, [9..] the ids found
-- Returns 1 when committed, 0 when the unit is no longer ours.
if not owns(KEYS[2], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
if redis.call('HGET', KEYS[1], 'status') == STATUS.sending then
  local lapse = ARGV[8] == '1'
  local state = lapse and 'lapsed' or 'q'
  local fresh = {}
  for i = 9, #ARGV do
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
  if ARGV[6] ~= '' then
    add_scan_unit(KEYS[2], ARGV[4], ARGV[5], ARGV[6])
  elseif redis.call('HINCRBY', KEYS[1], 'wavesLeft', -1) <= 0 then
    redis.call('HSET', KEYS[1], 'scanDone', '1')
  end
  complete_if_done(KEYS[1], KEYS[4], ARGV[7])
end
ack(KEYS[2], ARGV[1], ARGV[3])
return 1
