-- Fires the waves of scheduled campaigns whose time has come: each becomes a scan unit in the
-- work stream, and leaves the schedule in the same step, so a wave fires exactly once however
-- many instances poll (and whenever the first instance comes back after all were down).
-- KEYS[1] the site's schedule (zset of 'campaignId:wave' by due epoch millis), KEYS[2] work stream,
-- KEYS[3..] the hashes of the campaigns whose waves the caller read as due just before
-- ARGV[1] now epoch millis, [2] now ISO-8601, [3] campaign key prefix (pc:{site}:campaign:),
-- [4] most waves to fire
-- Only waves of declared campaigns fire: one that fell due since the caller looked waits for the
-- next call, so the script touches no key it was not given.
-- A wave of a cancelled or deleted campaign is dropped. One that fires at or after the
-- campaign's expiresAt still scans its audience, whose messages all count as lapsed (ScanStep),
-- and the campaign says why.
-- Returns {how many waves fired, the due epoch millis of the next wave left (-1: none)}.
local declared = {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
local fired = 0
for _, member in ipairs(due) do
  local id, wave = string.match(member, '^(.+):(%d+)$')
  local campaign = ARGV[3] .. (id or '')
  if declared[campaign] or not id then
    local v = id and redis.call('HMGET', campaign, 'status', 'expiresAtMs') or {}
    if id and (v[1] == STATUS.scheduled or v[1] == STATUS.sending) then
      transition(campaign, { STATUS.scheduled }, STATUS.sending, 'startedAt', ARGV[2]) -- (a later wave: sending already)
      redis.call('HSET', campaign, 'wave:' .. wave .. ':firedAt', ARGV[2])
      if v[2] and tonumber(ARGV[1]) >= tonumber(v[2]) then
        redis.call('HSET', campaign, 'statusReason', 'expiresAt passed before its time came to be sent'
          .. ' (was no instance running?): its messages count as lapsed, none was sent')
      end
      add_scan_unit(KEYS[2], id, wave, '0')
      fired = fired + 1
    end
    redis.call('ZREM', KEYS[1], member)
  end
end
return { fired, head_score(KEYS[1]) }
