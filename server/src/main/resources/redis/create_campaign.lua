-- Creates a campaign and enqueues its first fan-out unit, atomically: a campaign is never stored
-- without the work that sends it, nor the work without the campaign.
-- KEYS[1] campaign hash, KEYS[2] the site's campaign index (zset), KEYS[3] the site's work stream
-- ARGV[1] campaign id, [2] created epoch millis, [3] consumer group, [4..] field, value pairs
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
-- The group may exist already (BUSYGROUP): that is fine.
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[3], ARGV[3], '0', 'MKSTREAM')
-- Work unit format (delivery/WorkUnit.java): scan the audience's first driver set from cursor 0.
redis.call('XADD', KEYS[3], '*', 'type', 'scan', 'campaign', ARGV[1], 'driver', '0', 'cursor', '0')
return 1
