-- Fires the waves of scheduled campaigns whose time has come: each becomes a scan unit in the
-- work stream, and leaves the schedule in the same step, so a wave fires exactly once however
-- many instances poll (and whenever the first instance comes back after all were down).
-- KEYS[1] the site's schedule (zset of 'campaignId:wave' by due epoch millis), KEYS[2] work stream
-- ARGV[1] now epoch millis, [2] now ISO-8601, [3] campaign key prefix (pc:{site}:campaign:),
-- [4] most waves to fire
-- Campaign keys are built from ARGV[3]: same hash tag, so the same slot.
-- A wave of a cancelled or deleted campaign is dropped. One that fires at or after the
-- campaign's expiresAt still scans its audience, whose messages all count as lapsed (ScanStep),
-- and the campaign says why.
-- Returns {how many waves fired, the due epoch millis of the next wave left (-1: none)}.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
local fired = 0
for _, member in ipairs(due) do
  local id, wave = string.match(member, '^(.+):(%d+)$')
  local campaign = ARGV[3] .. (id or '')
  local v = redis.call('HMGET', campaign, 'status', 'expiresAtMs')
  if id and (v[1] == 'scheduled' or v[1] == 'sending') then
    if v[1] == 'scheduled' then redis.call('HSET', campaign, 'status', 'sending', 'startedAt', ARGV[2]) end
    redis.call('HSET', campaign, 'wave:' .. wave .. ':firedAt', ARGV[2])
    if v[2] and tonumber(ARGV[1]) >= tonumber(v[2]) then
      redis.call('HSET', campaign, 'statusReason', 'expiresAt passed before its time came to be sent'
        .. ' (was no instance running?): its messages count as lapsed, none was sent')
    end
    redis.call('XADD', KEYS[2], '*', 'type', 'scan', 'campaign', id, 'wave', wave, 'driver', '0', 'cursor', '0')
    fired = fired + 1
  end
  redis.call('ZREM', KEYS[1], member)
end
return { fired, head_score(KEYS[1]) }
