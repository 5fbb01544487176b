-- Changes a subscription's tags and attributes (the page API: tag, untag, identify, set).
-- KEYS[1] subscription hash
-- ARGV[1] id, [2] tags to add (JSON array), [3] tags to remove (JSON array),
-- [4] attributes to merge (JSON object), [5] now (ISO-8601), [6] tag key prefix (pc:{site}:tag:),
-- [7] most tags allowed
-- Returns 1; 0 when there is no such subscription; -1 (changing nothing) when it would carry
-- more than ARGV[7] tags.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local stored = redis.call('HMGET', KEYS[1], 'tags', 'attributes')
local tags = {}
if stored[1] then for _, t in ipairs(cjson.decode(stored[1])) do tags[t] = true end end
local added, removed = cjson.decode(ARGV[2]), cjson.decode(ARGV[3])
for _, t in ipairs(added) do tags[t] = true end
for _, t in ipairs(removed) do tags[t] = nil end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
if #list > tonumber(ARGV[7]) then return -1 end
table.sort(list)
for _, t in ipairs(added) do redis.call('SADD', ARGV[6] .. t, ARGV[1]) end
for _, t in ipairs(removed) do
  if not tags[t] then redis.call('SREM', ARGV[6] .. t, ARGV[1]) end
end
local attributes = {}
if stored[2] then attributes = cjson.decode(stored[2]) end
for k, v in pairs(cjson.decode(ARGV[4])) do attributes[k] = v end
local tagsJson = '[]'
if #list > 0 then tagsJson = cjson.encode(list) end
local attributesJson = '{}'
if next(attributes) ~= nil then attributesJson = cjson.encode(attributes) end
redis.call('HSET', KEYS[1], 'tags', tagsJson, 'attributes', attributesJson, 'lastSeen', ARGV[5])
return 1
