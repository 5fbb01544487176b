-- Removes a site from the active-site index, unless a campaign was created for it since the
-- pruner read its score (the score is that creation time): then it has work and stays.
-- KEYS[1] active-site zset; ARGV[1] site id, [2] the score the pruner judged by
-- Returns 1 when removed, else 0.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
