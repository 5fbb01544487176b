-- Enters a subscription stored before the audience bitmaps existed (it has no ordinal) into them:
-- an ordinal, and its bit in every bitmap of its values. Run once per subscription by the upgrade
-- (subscription/IndexBackfill.java); a subscription already indexed, or gone, is left as it is.
-- KEYS[1] subscription hash, KEYS[2..4] the site's ordinal counter, freed ordinals and id table,
-- KEYS[5] its registry of indexed attributes, KEYS[6..] its bitmaps and attribute value sets, as
-- the caller guessed them
-- ARGV[1] id, [2] the site's bitmap prefix, [3] the prefix of its customer sets
-- Returns 1 when indexed, 0 when there was nothing to do, or {-2, key, ...} (changing nothing)
-- naming the bitmaps to add to KEYS.
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'n') == 1 then return 0 end
local registry = attribute_registry(KEYS[5], true)
local fields = indexed_fields(KEYS[1])
local changes = membership_changes({}, memberships(fields, registry))
local customer = customer_set(ARGV[3], fields.attributes)
if customer then registry.reads[customer] = true end
local missing = missing_keys(ARGV[2], changes, registry)
if missing then return missing end
register_attributes(registry)
if customer then redis.call('SADD', customer, ARGV[1]) end
apply_memberships(ARGV[2], changes, ordinal_of(KEYS[1], { KEYS[2], KEYS[3], KEYS[4] }, ARGV[1]))
return 1
