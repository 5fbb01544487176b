-- Removes a subscription everywhere it is indexed (an unsubscribe, or the push service said it is
-- gone: 404/410).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids, KEYS[3..] the sets of its
-- tags and of its time zone, as the caller worked them out from what it read
-- ARGV[1] id, [2] the endpoint that was found gone, or '' (an unsubscribe: whatever the endpoint),
-- [3] the stored 'tags' the caller read, [4] the stored 'attributes' it read
-- With an endpoint, deletes only when the stored one is still it, so a refreshed registration survives.
-- When the tags or attributes stored are no longer those read (a concurrent change), the sets in
-- KEYS may not be the right ones: nothing is written, and -2 asks the caller to read again.
-- Returns 1 when deleted, 0 when not, -2 when the caller must read again.
local stored = redis.call('HMGET', KEYS[1], 'endpoint', 'tags', 'attributes')
if not stored[1] or (ARGV[2] ~= '' and stored[1] ~= ARGV[2]) then return 0 end
if (stored[2] or '') ~= ARGV[3] or (stored[3] or '') ~= ARGV[4] then return -2 end
for i = 3, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
