-- Writes a subscription: registers it (or refreshes it when its endpoint is already known, same
-- id), or changes an existing one from the page API (tag, untag, identify, set).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids, KEYS[3] the site's
-- count of subscriptions ever added to that set (commit_scan.lua checks a scan against it),
-- KEYS[4..] the tag and time-zone sets this change may touch, as the caller worked them out
-- ARGV[1] id, [2] endpoint ('' for a change: the subscription must exist), [3] p256dh, [4] auth,
-- [5] now (ISO-8601), [6] tags to add (JSON array), [7] tags to remove (JSON array),
-- [8] attributes to merge (JSON object), [9] tag key prefix (pc:{site}:tag:),
-- [10] time-zone key prefix (pc:{site}:zone:), [11] most tags allowed, [12] the stored time
-- zone the caller read: 'none' when the subscription has no attributes (it does not exist),
-- else '=' followed by the zone ('' for none), [13] browser, [14] os, [15] device type (all three
-- '' for a change: kept as registered), [16] country derived from the merged attributes ('' for none)
-- Tags are added to the ones the subscription has (re-registration from a page that does not
-- know them must not wipe them); attributes are merged, the new value winning. The subscription
-- is kept in the set of its time zone (attribute 'timezone'; the prefix alone when it has none),
-- which local-time campaigns scan zone by zone.
-- Every tag and zone set written must be among KEYS (Redis Cluster scripts declare what they
-- touch): the caller works them out from the change and the stored zone it read, and when that
-- zone is no longer stored (a concurrent change), nothing is written and -2 asks it to read again.
-- Returns 2 when created, 1 when it existed, 0 (changing nothing) for a change of a subscription
-- that does not exist, -1 (changing nothing) when it would carry more than ARGV[11] tags, -2
-- (changing nothing) when the caller must read the stored time zone again.
local registering = ARGV[2] ~= ''
local existed = redis.call('EXISTS', KEYS[1]) == 1
if not existed and not registering then return 0 end
local tags, attributes = {}, {}
local old = redis.call('HMGET', KEYS[1], 'tags', 'attributes')
if old[1] then for _, t in ipairs(cjson.decode(old[1])) do tags[t] = true end end
if old[2] then attributes = cjson.decode(old[2]) end
local oldZone = old[2] and (attributes.timezone or '') or nil
if (oldZone and ('=' .. oldZone) or 'none') ~= ARGV[12] then return -2 end
local declared = {}
for i = 4, #KEYS do declared[KEYS[i]] = true end
local function touch(command, key)
  if not declared[key] then return error('save_subscription.lua: undeclared key ' .. key) end
  redis.call(command, key, ARGV[1])
end
local added, removed = cjson.decode(ARGV[6]), cjson.decode(ARGV[7])
for _, t in ipairs(added) do tags[t] = true end
for _, t in ipairs(removed) do tags[t] = nil end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
if #list > tonumber(ARGV[11]) then return -1 end
table.sort(list)
for _, t in ipairs(added) do touch('SADD', ARGV[9] .. t) end
for _, t in ipairs(removed) do
  if not tags[t] then touch('SREM', ARGV[9] .. t) end
end
for k, v in pairs(cjson.decode(ARGV[8])) do attributes[k] = v end
local zone = attributes.timezone or ''
if zone ~= oldZone then
  if oldZone then touch('SREM', ARGV[10] .. oldZone) end
  touch('SADD', ARGV[10] .. zone)
end
local tagsJson = '[]'
if #list > 0 then tagsJson = cjson.encode(list) end
local attributesJson = '{}'
if next(attributes) ~= nil then attributesJson = cjson.encode(attributes) end
if registering then
  if not existed then redis.call('HSET', KEYS[1], 'createdAt', ARGV[5]) end
  redis.call('HSET', KEYS[1], 'endpoint', ARGV[2], 'p256dh', ARGV[3], 'auth', ARGV[4])
  if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('INCR', KEYS[3]) end
end
redis.call('HSET', KEYS[1], 'tags', tagsJson, 'attributes', attributesJson, 'lastSeen', ARGV[5])
if ARGV[13] ~= '' then redis.call('HSET', KEYS[1], 'browser', ARGV[13], 'os', ARGV[14], 'deviceType', ARGV[15]) end
if ARGV[16] ~= '' then redis.call('HSET', KEYS[1], 'country', ARGV[16]) else redis.call('HDEL', KEYS[1], 'country') end
if existed then return 1 end
return 2
