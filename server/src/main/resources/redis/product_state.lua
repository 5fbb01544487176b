-- Records a catalogue change (product.updated) of one product variant, and says what changed,
-- atomically, so a back-in-stock transition is seen once however often the store saves it.
-- KEYS[1] the product's state hash (fields '<variant>:inStock', '<variant>:price', '<variant>:restocks')
-- ARGV[1] variant id ('' for the product as a whole), [2] price ('' when not given), [3] in stock:
-- '1', '0' or '' when not given, [4] now epoch millis
-- Returns {the number of its last return to stock (0: none), when that was (epoch millis), 1 when
-- it is in stock now else 0}.
local v = ARGV[1]
local was = redis.call('HGET', KEYS[1], v .. ':inStock')
if ARGV[3] ~= '' then
  if ARGV[3] == '1' and was ~= '1' then
    redis.call('HINCRBY', KEYS[1], v .. ':restocks', 1)
    redis.call('HSET', KEYS[1], v .. ':restockedAt', ARGV[4])
  end
  redis.call('HSET', KEYS[1], v .. ':inStock', ARGV[3])
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], v .. ':price', ARGV[2]) end
local now = redis.call('HMGET', KEYS[1], v .. ':restocks', v .. ':restockedAt', v .. ':inStock')
return { tonumber(now[1]) or 0, tonumber(now[2]) or 0, now[3] == '1' and 1 or 0 }
