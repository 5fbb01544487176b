-- Removes a subscription and its every index entry (an unsubscribe, an erase, or the push service
-- said it is gone: 404/410).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids, KEYS[3..5] the site's
-- ordinal counter, freed ordinals and id table, KEYS[6] its registry of indexed attributes,
-- KEYS[7..] the bitmaps and attribute value sets it is in, as the caller guessed them
-- ARGV[1] id, [2] the endpoint that was found gone, or '' (whatever the endpoint), [3] the site's
-- bitmap prefix, [4] the prefix of its customer sets (the subscription leaves its customer's)
-- With an endpoint, deletes only when the stored one is still it, so a refreshed registration survives.
-- Returns 1 when deleted, 0 when not, or {-2, key, ...} (changing nothing) naming the bitmaps
-- to add to KEYS (which ones depends on what is stored).
local endpoint = redis.call('HGET', KEYS[1], 'endpoint')
if not endpoint or (ARGV[2] ~= '' and endpoint ~= ARGV[2]) then return 0 end
local n = redis.call('HGET', KEYS[1], 'n')
local fields = indexed_fields(KEYS[1])
local registry = attribute_registry(KEYS[6], false)
local changes = {}
if n then changes = membership_changes(memberships(fields, registry), {}) end
local customer = customer_set(ARGV[4], fields.attributes)
if customer then registry.reads[customer] = true end
local missing = missing_keys(ARGV[3], changes, registry)
if missing then return missing end
if n then
  apply_memberships(ARGV[3], changes, tonumber(n), registry)
  free_ordinal({ KEYS[3], KEYS[4], KEYS[5] }, tonumber(n))
end
if customer then redis.call('SREM', customer, ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
