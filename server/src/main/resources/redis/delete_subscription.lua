-- Removes a subscription everywhere it is indexed (the push service said it is gone: 404/410).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids
-- ARGV[1] id, [2] tag key prefix (pc:{site}:tag:), [3] the endpoint that was found gone, or ''
-- (an unsubscribe: whatever the endpoint)
-- With an endpoint, deletes only when the stored one is still it, so a refreshed registration survives.
-- Returns 1 when deleted, 0 otherwise.
local stored = redis.call('HMGET', KEYS[1], 'endpoint', 'tags')
if not stored[1] or (ARGV[3] ~= '' and stored[1] ~= ARGV[3]) then return 0 end
if stored[2] then
  for _, t in ipairs(cjson.decode(stored[2])) do redis.call('SREM', ARGV[2] .. t, ARGV[1]) end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
