-- Shared by every script (LuaScript puts this file in front of each): one definition each of
-- the campaign statuses and their transitions, the work-unit format, when a campaign is
-- complete, who owns a work unit, and how a campaign leaves the schedule.

-- The campaign statuses, as stored in a campaign's 'status' field: the wire names of
-- campaign/CampaignStatus.java (LibLuaTest checks the two agree).
local STATUS = { scheduled = 'scheduled', sending = 'sending', completed = 'completed', cancelled = 'cancelled' }

-- Moves a campaign to status `to`, stamping `stamp` (startedAt, completedAt, cancelledAt) with
-- `now`, if its status is one of `from`. The only writer of 'status' after creation.
-- Returns true when moved; otherwise false and the status it has ('' when there is no campaign).
local function transition(campaign, from, to, stamp, now)
  local status = redis.call('HGET', campaign, 'status')
  for _, allowed in ipairs(from) do
    if status == allowed then
      redis.call('HSET', campaign, 'status', to, stamp, now)
      return true, status
    end
  end
  return false, status or ''
end

-- The work-unit format, written only here and read by delivery/WorkUnit.java.
-- A scan unit: one page of wave `wave`'s audience, driver set number `driver`, from `cursor`
-- ('0', or 'position@run_id' as WorkUnit.Cursor writes it).
local function add_scan_unit(stream, campaign, wave, driver, cursor)
  redis.call('XADD', stream, '*', 'type', 'scan', 'campaign', campaign, 'wave', wave, 'driver', driver, 'cursor', cursor)
end

-- A send unit: attempt `attempt` (1 for first sends) to the comma-separated subscription `ids`.
local function add_send_unit(stream, campaign, attempt, ids)
  redis.call('XADD', stream, '*', 'type', 'send', 'campaign', campaign, 'attempt', attempt, 'ids', ids)
end

-- Completes a sending campaign once its every wave is scanned ('scanDone') and every targeted
-- message has ended (accepted, failed, expired or lapsed); its progress hash is then kept 30 days,
-- for receipts and audits. Returns the status afterwards.
local function complete_if_done(campaign, progress, now)
  local v = redis.call('HMGET', campaign, 'scanDone', 'status', 'stat:targeted',
    'stat:accepted', 'stat:failed', 'stat:expired', 'stat:lapsed')
  if v[1] ~= '1' or v[2] ~= STATUS.sending then return v[2] end
  local ended = 0
  for i = 4, 7 do ended = ended + (tonumber(v[i]) or 0) end
  if ended < (tonumber(v[3]) or 0) then return v[2] end
  transition(campaign, { STATUS.sending }, STATUS.completed, 'completedAt', now)
  redis.call('EXPIRE', progress, 2592000)
  return STATUS.completed
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
