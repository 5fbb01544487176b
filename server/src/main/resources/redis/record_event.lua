-- Records a commerce event (MARKETING.md §3) in one step: once per event id, the facts it changes
-- on each subscription it concerns (newest `occurredAt` wins, whatever the order events arrive
-- in), those facts' bitmaps, and the event in the site's stream.
-- KEYS[1] the event stream, KEYS[2] the event id's marker ('' not used: pass the stream again),
-- KEYS[3..2+ARGV[9]] the hashes of the subscriptions it concerns, then the bitmaps they may
-- touch, as the caller guessed them
-- ARGV[1] type, [2] subscription ids (JSON list, those the event concerns), [3] customer id or '',
-- [4] occurredAt (UTC, always with milliseconds: compared as text), [5] data JSON, [6] the
-- site's bitmap prefix, [7] event id or '', [8] the stream's cap, [9] how many subscription
-- hashes are in KEYS, [10] the fact to stamp with occurredAt ('' for none), [11] '1' to count an
-- order, [12] now, [13] how long an event id is remembered (seconds)
-- Returns 1 when recorded, 0 for an event id seen before (nothing done), or {-2, key, ...}
-- (nothing done) naming the bitmaps to add to KEYS.
local marked = ARGV[7] ~= ''
if marked and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ids = cjson.decode(ARGV[2])
local stamp, counts = ARGV[10], ARGV[11] == '1'
local writes = {}
for i, id in ipairs(ids) do
  local key = KEYS[2 + i]
  if redis.call('EXISTS', key) == 1 and (stamp ~= '' or counts) then
    local old = indexed_fields(key)
    local new, same = {}, {}
    for k, v in pairs(old) do new[k] = v end
    if stamp ~= '' and (not old[stamp] or old[stamp] < ARGV[4]) then new[stamp] = ARGV[4] end
    if counts then new.orderCount = tostring((tonumber(old.orderCount) or 0) + 1) end
    for _, f in ipairs(INDEXED_FIELDS) do same[f] = old[f] == new[f] end
    local changes = {}
    if redis.call('HEXISTS', key, 'n') == 1 then
      changes = membership_changes(memberships(old, nil, same), memberships(new, nil, same))
    end
    local missing = missing_keys(ARGV[6], changes)
    if missing then return missing end
    writes[#writes + 1] = { key, new, old, changes }
  end
end
for _, w in ipairs(writes) do
  local key, new, old, changes = w[1], w[2], w[3], w[4]
  if new[stamp] ~= old[stamp] then redis.call('HSET', key, stamp, new[stamp]) end
  if new.orderCount ~= old.orderCount then redis.call('HSET', key, 'orderCount', new.orderCount) end
  local n = redis.call('HGET', key, 'n')
  if n then apply_memberships(ARGV[6], changes, tonumber(n)) end
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[8], '*', 'type', ARGV[1], 'subscription', ids[1] or '',
  'subscriptions', ARGV[2], 'customer', ARGV[3], 'data', ARGV[5], 'at', ARGV[4], 'received', ARGV[12], 'id', ARGV[7])
if marked then redis.call('SET', KEYS[2], '1', 'EX', ARGV[13]) end
return 1
