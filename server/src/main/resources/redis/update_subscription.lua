-- Changes a subscription's tags and attributes (the page API: tag, untag, identify, set).
-- KEYS[1] subscription hash
-- ARGV[1] id, [2] tags to add (JSON array), [3] tags to remove (JSON array),
-- [4] attributes to merge (JSON object), [5] now (ISO-8601), [6] tag key prefix (pc:{site}:tag:)
-- Returns 1, or 0 when there is no such subscription.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local stored = redis.call('HMGET', KEYS[1], 'tags', 'attributes')
local tags = {}
if stored[1] then for _, t in ipairs(cjson.decode(stored[1])) do tags[t] = true end end
for _, t in ipairs(cjson.decode(ARGV[2])) do
  tags[t] = true
  redis.call('SADD', ARGV[6] .. t, ARGV[1])
end
for _, t in ipairs(cjson.decode(ARGV[3])) do
  tags[t] = nil
  redis.call('SREM', ARGV[6] .. t, ARGV[1])
end
local attributes = {}
if stored[2] then attributes = cjson.decode(stored[2]) end
for k, v in pairs(cjson.decode(ARGV[4])) do attributes[k] = v end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
table.sort(list)
local tagsJson = '[]'
if #list > 0 then tagsJson = cjson.encode(list) end
local attributesJson = '{}'
if next(attributes) ~= nil then attributesJson = cjson.encode(attributes) end
redis.call('HSET', KEYS[1], 'tags', tagsJson, 'attributes', attributesJson, 'lastSeen', ARGV[5])
return 1
