-- Counts a service-worker receipt (delivered, clicked, closed) once per subscription and campaign,
-- and only for a subscription the campaign targeted (its progress hash knows it), so receipts
-- cannot be inflated with made-up ids.
-- A counted delivery or click is also stamped on the subscription (lastDeliveredAt,
-- lastClickedAt), if it still exists, for segments on engagement.
-- KEYS[1] campaign hash, KEYS[2] the campaign's receipts set, KEYS[3] the campaign's progress hash,
-- KEYS[4] the subscription hash
-- ARGV[1] stat name (delivered|clicked|closed), [2] subscription id, [3] now (ISO-8601)
-- Returns 1 when counted, 0 for a repeat, -1 when there is no such campaign, -2 when the
-- campaign did not target this subscription.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then return -2 end
if redis.call('SADD', KEYS[2], ARGV[1] .. ':' .. ARGV[2]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], 2592000) -- as long as the progress hash
redis.call('HINCRBY', KEYS[1], 'stat:' .. ARGV[1], 1)
local stamp = ({ delivered = 'lastDeliveredAt', clicked = 'lastClickedAt' })[ARGV[1]]
if stamp and redis.call('EXISTS', KEYS[4]) == 1 then redis.call('HSET', KEYS[4], stamp, ARGV[3]) end
return 1
