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
-- A scan unit: one page of wave `wave`'s audience, from subscription ordinal `from` ('0' at its start).
local function add_scan_unit(stream, campaign, wave, from)
  redis.call('XADD', stream, '*', 'type', 'scan', 'campaign', campaign, 'wave', wave, 'cursor', from)
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

-- Subscriber indexes (docs/redis-keys.md, "Audience bitmaps"): each subscription has a dense
-- ordinal `n` (its hash field), its id is kept at that ordinal in the site's id table, and it has
-- its bit set in one bitmap per indexed value it carries. The memberships are worked out here only.
local ID_WIDTH = 22 -- subscription ids: 128 bits, base64url without padding
local TIME_BITS = 20 -- hours since 1970 in 20 bit slices: up to 2089
-- Time fields indexed as bit slices: rule name -> hash field.
local TIME_FIELDS = { subscribedAt = 'createdAt', lastSeenAt = 'lastSeen', lastDeliveredAt = 'lastDeliveredAt',
  lastClickedAt = 'lastClickedAt' }
-- Fields indexed by value: a bitmap per value, and one of those having any value.
local VALUE_FIELDS = { 'browser', 'os', 'deviceType', 'country' }
-- The hash fields memberships() reads, in this order.
local INDEXED_FIELDS = { 'tags', 'attributes', 'browser', 'os', 'deviceType', 'country', 'createdAt', 'lastSeen',
  'lastDeliveredAt', 'lastClickedAt' }

-- Hours since 1970-01-01T00:00Z of an ISO-8601 instant as Instant.toString() writes it (UTC), nil if not one.
local function epoch_hour(iso)
  local y, m, d, h = string.match(iso or '', '^(%d%d%d%d)-(%d%d)-(%d%d)T(%d%d)')
  if not y then return nil end
  y, m, d, h = tonumber(y), tonumber(m), tonumber(d), tonumber(h)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  local hour = (era * 146097 + doe - 719468) * 24 + h
  if hour < 0 then return 0 end
  return math.min(hour, 2 ^ TIME_BITS - 1)
end

-- The bitmaps (names after the site's bitmap prefix) a subscription whose hash fields are
-- `v` (a table by INDEXED_FIELDS name) belongs in, name -> bit (time slices name their 0 bits too).
-- Empty for a subscription that does not exist.
local function memberships(v)
  local m = {}
  if not v.tags and not v.attributes then return m end
  m['all'] = 1
  for _, t in ipairs(cjson.decode(v.tags or '[]')) do m['tag:' .. t] = 1 end
  for _, f in ipairs(VALUE_FIELDS) do
    if v[f] then
      m[f .. ':' .. v[f]] = 1
      m['has:' .. f] = 1
    end
  end
  local attributes = cjson.decode(v.attributes or '{}')
  local zone = attributes.timezone
  if type(zone) ~= 'string' then zone = '' end
  m['zone:' .. zone] = 1
  for name, field in pairs(TIME_FIELDS) do
    local hour = epoch_hour(v[field])
    if hour then
      m['has:' .. name] = 1
      for i = 0, TIME_BITS - 1 do m['t:' .. name .. ':' .. i] = math.floor(hour / 2 ^ i) % 2 end
    end
  end
  return m
end

-- Reads the indexed fields of subscription hash `key` into a table for memberships().
local function indexed_fields(key)
  local values = redis.call('HMGET', key, unpack(INDEXED_FIELDS))
  local v = {}
  for i, f in ipairs(INDEXED_FIELDS) do v[f] = values[i] or nil end
  return v
end

-- The bitmaps whose bit for a subscription differs between memberships `old` and `new`:
-- a list of {name, bit}, sorted by name.
local function membership_changes(old, new)
  local changes = {}
  for name, bit in pairs(new) do
    if (old[name] or 0) ~= bit then changes[#changes + 1] = { name, bit } end
  end
  for name, bit in pairs(old) do
    if new[name] == nil and bit ~= 0 then changes[#changes + 1] = { name, 0 } end
  end
  table.sort(changes, function(a, b) return a[1] < b[1] end)
  return changes
end

-- The keys among `changes` not declared in KEYS (a script must be given every key it writes).
local function undeclared(prefix, changes)
  local declared, missing = {}, {}
  for _, k in ipairs(KEYS) do declared[k] = true end
  for _, c in ipairs(changes) do
    if not declared[prefix .. c[1]] then missing[#missing + 1] = prefix .. c[1] end
  end
  return missing
end

-- Applies `changes` at ordinal `n`.
local function apply_memberships(prefix, changes, n)
  for _, c in ipairs(changes) do redis.call('SETBIT', prefix .. c[1], n, c[2]) end
end

-- The ordinal of subscription hash `sub`, given one if it has none: a freed one first, else the
-- next never used. `ord` is {seq, free, ids}: the site's ordinal counter, its list of freed
-- ordinals and its id table; `id` is written at the ordinal.
local function ordinal_of(sub, ord, id)
  local n = redis.call('HGET', sub, 'n')
  if n then return tonumber(n) end
  n = redis.call('LPOP', ord[2])
  if n then n = tonumber(n) else n = redis.call('INCR', ord[1]) - 1 end
  redis.call('SETRANGE', ord[3], n * ID_WIDTH, id)
  redis.call('HSET', sub, 'n', n)
  return n
end

-- Frees ordinal `n` (its subscription is gone; its bits must be cleared already).
local function free_ordinal(ord, n)
  redis.call('SETRANGE', ord[3], n * ID_WIDTH, string.rep(' ', ID_WIDTH))
  redis.call('RPUSH', ord[2], n)
end
