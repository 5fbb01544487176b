-- Counts a service-worker receipt (delivered, clicked, closed) once per subscription and campaign.
-- KEYS[1] campaign hash, KEYS[2] the campaign's receipts set
-- ARGV[1] stat name (delivered|clicked|closed), [2] subscription id
-- Returns 1 when counted, 0 for a repeat, -1 when there is no such campaign.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1] .. ':' .. ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'stat:' .. ARGV[1], 1)
return 1
