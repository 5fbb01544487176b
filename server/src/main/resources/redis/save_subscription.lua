-- Writes a subscription: registers it (or refreshes it when its endpoint is already known, same
-- id), or changes an existing one from the page API or the store's backend (tags, attributes).
-- KEYS[1] subscription hash, KEYS[2] the site's set of subscription ids, KEYS[3..5] the site's
-- ordinal counter, freed ordinals and id table, KEYS[6] its registry of indexed attributes,
-- KEYS[7..] the bitmaps and attribute value sets this change may touch, as the caller guessed them
-- ARGV[1] id, [2] endpoint ('' for a change: the subscription must exist), [3] p256dh, [4] auth,
-- [5] now (ISO-8601), [6] tags to add (JSON array), [7] tags to remove (JSON array),
-- [8] attributes to merge (JSON object), [9] the site's bitmap prefix (pc:{site}:bm:),
-- [10] most tags allowed, [11] browser, [12] os, [13] device type (all three '' for a change:
-- kept as registered), [14] country derived from the merged attributes ('' for none), [15] the
-- prefix of the site's customer sets (pc:{site}:customer:), [16] the most subscriptions the site
-- may hold ('' for no limit): a new endpoint beyond it is refused, a known one still registers,
-- [17] the VAPID public key the browser subscribed with ('' when not known: kept as stored)
-- Tags are added to the ones the subscription has (re-registration from a page that does not
-- know them must not wipe them); attributes are merged, the new value winning. The bitmaps of
-- the values it leaves and enters, and the set of its linked customer (attribute customerId),
-- are updated in the same step (memberships() in lib.lua). A
-- script must be given every key it writes, and which bitmaps change depends on what is stored:
-- when one is not among KEYS, nothing is written and the reply lists them, for the caller to call
-- again with them.
-- Returns 2 when created, 1 when it existed, 0 (changing nothing) for a change of a subscription
-- that does not exist, -1 (changing nothing) when it would carry more than ARGV[10] tags,
-- {-2, key, ...} (changing nothing) naming the bitmaps to add to KEYS, or -3 (changing nothing)
-- for a new subscription when the site holds ARGV[16] already.
local registering = ARGV[2] ~= ''
local existed = redis.call('EXISTS', KEYS[1]) == 1
if not existed and not registering then return 0 end
if not existed and ARGV[16] ~= '' and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[16]) then return -3 end
local old = indexed_fields(KEYS[1])
local tags, attributes = {}, {}
if old.tags then for _, t in ipairs(cjson.decode(old.tags)) do tags[t] = true end end
if old.attributes then attributes = cjson.decode(old.attributes) end
local added, removed = cjson.decode(ARGV[6]), cjson.decode(ARGV[7])
for _, t in ipairs(added) do tags[t] = true end
for _, t in ipairs(removed) do tags[t] = nil end
local list = {}
for t in pairs(tags) do list[#list + 1] = t end
if #list > tonumber(ARGV[10]) then return -1 end
table.sort(list)
-- Merged; when no value changes, the stored JSON is kept as it is (and its bitmaps are not worked out).
local attributesChanged = false
for k, v in pairs(cjson.decode(ARGV[8])) do
  if type(v) == 'table' or attributes[k] ~= v then attributesChanged = true end
  attributes[k] = v
end
local new = {}
for k, v in pairs(old) do new[k] = v end
new.tags = '[]'
if #list > 0 then new.tags = cjson.encode(list) end
new.attributes = '{}'
if not attributesChanged and old.attributes then new.attributes = old.attributes
elseif next(attributes) ~= nil then new.attributes = cjson.encode(attributes) end
new.lastSeen = ARGV[5]
if not existed then new.createdAt = ARGV[5] end
if ARGV[11] ~= '' then new.browser, new.os, new.deviceType = ARGV[11], ARGV[12], ARGV[13] end
new.country = nil
if ARGV[14] ~= '' then new.country = ARGV[14] end
-- A subscription stored before the indexes existed has no ordinal: it enters every bitmap now.
local indexed = redis.call('HEXISTS', KEYS[1], 'n') == 1
local registry = attribute_registry(KEYS[6], false)
local before, same = {}, {}
if indexed then
  for _, f in ipairs(INDEXED_FIELDS) do same[f] = old[f] == new[f] end
  before = memberships(old, registry, same)
end
registry.register = true
local changes = membership_changes(before, memberships(new, registry, same))
local oldCustomer, newCustomer = customer_set(ARGV[15], old.attributes), customer_set(ARGV[15], new.attributes)
if oldCustomer ~= newCustomer then
  if oldCustomer then registry.reads[oldCustomer] = true end
  if newCustomer then registry.reads[newCustomer] = true end
end
local missing = missing_keys(ARGV[9], changes, registry)
if missing then return missing end
if registering then
  if not existed then redis.call('HSET', KEYS[1], 'createdAt', ARGV[5]) end
  redis.call('HSET', KEYS[1], 'endpoint', ARGV[2], 'p256dh', ARGV[3], 'auth', ARGV[4])
  if ARGV[17] ~= '' then redis.call('HSET', KEYS[1], 'vapidKey', ARGV[17]) end
  redis.call('SADD', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1], 'tags', new.tags, 'attributes', new.attributes, 'lastSeen', ARGV[5])
if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'browser', ARGV[11], 'os', ARGV[12], 'deviceType', ARGV[13]) end
if new.country then redis.call('HSET', KEYS[1], 'country', new.country) else redis.call('HDEL', KEYS[1], 'country') end
register_attributes(registry)
if oldCustomer ~= newCustomer then
  if oldCustomer then redis.call('SREM', oldCustomer, ARGV[1]) end
  if newCustomer then redis.call('SADD', newCustomer, ARGV[1]) end
end
apply_memberships(ARGV[9], changes, ordinal_of(KEYS[1], { KEYS[3], KEYS[4], KEYS[5] }, ARGV[1]), registry)
if existed then return 1 end
return 2
