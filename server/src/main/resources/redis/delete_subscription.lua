-- Removes a subscription everywhere it is indexed (an unsubscribe, or the push service said it is
-- gone: 404/410).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids
-- ARGV[1] id, [2] tag key prefix (pc:{site}:tag:), [3] time-zone key prefix (pc:{site}:zone:),
-- [4] the endpoint that was found gone, or '' (an unsubscribe: whatever the endpoint)
-- With an endpoint, deletes only when the stored one is still it, so a refreshed registration survives.
-- Returns 1 when deleted, 0 otherwise.
local stored = redis.call('HMGET', KEYS[1], 'endpoint', 'tags', 'attributes')
if not stored[1] or (ARGV[4] ~= '' and stored[1] ~= ARGV[4]) then return 0 end
if stored[2] then
  for _, t in ipairs(cjson.decode(stored[2])) do redis.call('SREM', ARGV[2] .. t, ARGV[1]) end
end
local attributes = {}
if stored[3] then attributes = cjson.decode(stored[3]) end
redis.call('SREM', ARGV[3] .. (attributes.timezone or ''), ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
