-- Shared by every script (LuaScript puts this file in front of each): one definition each of
-- when a campaign is complete, who owns a work unit, and how a campaign leaves the schedule.

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

-- The score of the zset's first member (the next due time of a schedule or retry set), -1 when empty.
local function head_score(zset)
  local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  if #first == 0 then return -1 end
  return tonumber(first[2])
end

-- Whether work unit `id` of `stream` is still pending with `consumer`: nobody took it over.
local function owns(stream, group, consumer, id)
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  return #p > 0 and p[1][2] == consumer
end

-- Acknowledges and deletes a work unit, so the stream stays as small as the work left.
local function ack(stream, group, id)
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end

-- Takes a campaign's waves out of the site's schedule (`waves`: the campaign's JSON list of them).
local function unschedule(schedule, campaignId, waves)
  for i = 1, #cjson.decode(waves or '[]') do redis.call('ZREM', schedule, campaignId .. ':' .. (i - 1)) end
end
