-- Registers a subscription, or refreshes it when its endpoint is already known (same id).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids
-- ARGV[1] id, [2] endpoint, [3] p256dh, [4] auth, [5] now (ISO-8601), [6] tags JSON array,
-- ARGV[7] attributes JSON object, [8] tag key prefix (pc:{site}:tag:), [9] most tags allowed
-- Tags are added to the ones the subscription has (re-registration from a page that does not
-- know them must not wipe them); attributes are merged, the new value winning.
-- Tag keys are built here from ARGV[8]; they share the site's hash tag, so the same slot.
-- Returns 1 when the subscription already existed, 0 when it was created, -1 (and changes
-- nothing) when it would carry more than ARGV[9] tags.
local existed = redis.call('EXISTS', KEYS[1])
local tags, attributes = {}, {}
if existed == 1 then
  local old = redis.call('HMGET', KEYS[1], 'tags', 'attributes')
  if old[1] then for _, t in ipairs(cjson.decode(old[1])) do tags[t] = true end end
  if old[2] then attributes = cjson.decode(old[2]) end
end
local added = cjson.decode(ARGV[6])
for _, t in ipairs(added) do tags[t] = true end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
if #list > tonumber(ARGV[9]) then return -1 end
table.sort(list)
for _, t in ipairs(added) do redis.call('SADD', ARGV[8] .. t, ARGV[1]) end
for k, v in pairs(cjson.decode(ARGV[7])) do attributes[k] = v end
local tagsJson = '[]'
if #list > 0 then tagsJson = cjson.encode(list) end
local attributesJson = '{}'
if next(attributes) ~= nil then attributesJson = cjson.encode(attributes) end
if existed == 0 then redis.call('HSET', KEYS[1], 'createdAt', ARGV[5]) end
redis.call('HSET', KEYS[1], 'endpoint', ARGV[2], 'p256dh', ARGV[3], 'auth', ARGV[4],
  'tags', tagsJson, 'attributes', attributesJson, 'lastSeen', ARGV[5])
redis.call('SADD', KEYS[2], ARGV[1])
return existed
