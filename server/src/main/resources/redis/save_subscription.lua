-- Writes a subscription: registers it (or refreshes it when its endpoint is already known, same
-- id), or changes an existing one from the page API (tag, untag, identify, set).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids
-- ARGV[1] id, [2] endpoint ('' for a change: the subscription must exist), [3] p256dh, [4] auth,
-- [5] now (ISO-8601), [6] tags to add (JSON array), [7] tags to remove (JSON array),
-- [8] attributes to merge (JSON object), [9] tag key prefix (pc:{site}:tag:),
-- [10] time-zone key prefix (pc:{site}:zone:), [11] most tags allowed
-- Tags are added to the ones the subscription has (re-registration from a page that does not
-- know them must not wipe them); attributes are merged, the new value winning. The subscription
-- is kept in the set of its time zone (attribute 'timezone'; the prefix alone when it has none),
-- which local-time campaigns scan zone by zone.
-- Tag and zone keys are built here from the prefixes; they share the site's hash tag, so the same slot.
-- Returns 2 when created, 1 when it existed, 0 (changing nothing) for a change of a subscription
-- that does not exist, -1 (changing nothing) when it would carry more than ARGV[11] tags.
local registering = ARGV[2] ~= ''
local existed = redis.call('EXISTS', KEYS[1]) == 1
if not existed and not registering then return 0 end
local tags, attributes = {}, {}
if existed then
  local old = redis.call('HMGET', KEYS[1], 'tags', 'attributes')
  if old[1] then for _, t in ipairs(cjson.decode(old[1])) do tags[t] = true end end
  if old[2] then attributes = cjson.decode(old[2]) end
end
local added, removed = cjson.decode(ARGV[6]), cjson.decode(ARGV[7])
for _, t in ipairs(added) do tags[t] = true end
for _, t in ipairs(removed) do tags[t] = nil end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
if #list > tonumber(ARGV[11]) then return -1 end
table.sort(list)
for _, t in ipairs(added) do redis.call('SADD', ARGV[9] .. t, ARGV[1]) end
for _, t in ipairs(removed) do
  if not tags[t] then redis.call('SREM', ARGV[9] .. t, ARGV[1]) end
end
local oldZone = existed and (attributes.timezone or '') or nil
for k, v in pairs(cjson.decode(ARGV[8])) do attributes[k] = v end
local zone = attributes.timezone or ''
if zone ~= oldZone then
  if oldZone then redis.call('SREM', ARGV[10] .. oldZone, ARGV[1]) end
  redis.call('SADD', ARGV[10] .. zone, ARGV[1])
end
local tagsJson = '[]'
if #list > 0 then tagsJson = cjson.encode(list) end
local attributesJson = '{}'
if next(attributes) ~= nil then attributesJson = cjson.encode(attributes) end
if registering then
  if not existed then redis.call('HSET', KEYS[1], 'createdAt', ARGV[5]) end
  redis.call('HSET', KEYS[1], 'endpoint', ARGV[2], 'p256dh', ARGV[3], 'auth', ARGV[4])
  redis.call('SADD', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1], 'tags', tagsJson, 'attributes', attributesJson, 'lastSeen', ARGV[5])
if existed then return 1 end
return 2
