-- Commits one scan step of a campaign's fan-out, atomically: the send unit for the members it
-- found, the next scan unit (or the end of scanning), and the acknowledgement of this unit.
-- Only the consumer that still owns the unit may commit it, so a unit taken over by another
-- instance (ours stalled past the claim time) is never committed twice.
-- Each id is entered in the progress hash as 'q' (queued): SSCAN may return a member twice, and
-- an id already there is dropped, so every subscriber is targeted, and counted, once.
-- KEYS[1] campaign hash, KEYS[2] work stream, KEYS[3] campaign progress hash
-- ARGV[1] group, [2] consumer, [3] this unit's entry id, [4] campaign id, [5] next driver index
-- or '' when scanning is over, [6] next cursor, [7] now, [8..] the ids found
-- Returns 1 when committed, 0 when the unit is no longer ours.
local owner = redis.call('XPENDING', KEYS[2], ARGV[1], ARGV[3], ARGV[3], 1)
if #owner == 0 or owner[1][2] ~= ARGV[2] then return 0 end
if redis.call('HGET', KEYS[1], 'status') == 'sending' then
  local fresh = {}
  for i = 8, #ARGV do
    if redis.call('HSETNX', KEYS[3], ARGV[i], 'q') == 1 then fresh[#fresh + 1] = ARGV[i] end
  end
  if #fresh > 0 then
    redis.call('XADD', KEYS[2], '*', 'type', 'send', 'campaign', ARGV[4], 'attempt', '1', 'ids', table.concat(fresh, ','))
    redis.call('HINCRBY', KEYS[1], 'stat:targeted', #fresh)
  end
  if ARGV[5] ~= '' then
    redis.call('XADD', KEYS[2], '*', 'type', 'scan', 'campaign', ARGV[4], 'driver', ARGV[5], 'cursor', ARGV[6])
  else
    redis.call('HSET', KEYS[1], 'scanDone', '1')
    local v = redis.call('HMGET', KEYS[1], 'stat:targeted', 'stat:accepted', 'stat:failed', 'stat:expired')
    if (tonumber(v[2]) or 0) + (tonumber(v[3]) or 0) + (tonumber(v[4]) or 0) >= (tonumber(v[1]) or 0) then
      redis.call('HSET', KEYS[1], 'status', 'completed', 'completedAt', ARGV[7])
      redis.call('EXPIRE', KEYS[3], 2592000) -- progress is kept 30 days, for receipts and audits
    end
  end
end
redis.call('XACK', KEYS[2], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[2], ARGV[3])
return 1
