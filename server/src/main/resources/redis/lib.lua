-- Shared by every script (LuaScript puts this file in front of each): one definition of when a
-- campaign is complete.

-- Completes a sending campaign once its every wave is scanned ('scanDone') and every targeted
-- message has ended (accepted, failed, expired or lapsed); its progress hash is then kept 30 days,
-- for receipts and audits. Returns the status afterwards.
local function complete_if_done(campaign, progress, now)
  local v = redis.call('HMGET', campaign, 'scanDone', 'status', 'stat:targeted',
    'stat:accepted', 'stat:failed', 'stat:expired', 'stat:lapsed')
  if v[1] ~= '1' or v[2] ~= 'sending' then return v[2] end
  local ended = 0
  for i = 4, 7 do ended = ended + (tonumber(v[i]) or 0) end
  if ended < (tonumber(v[3]) or 0) then return v[2] end
  redis.call('HSET', campaign, 'status', 'completed', 'completedAt', now)
  redis.call('EXPIRE', progress, 2592000)
  return 'completed'
end
