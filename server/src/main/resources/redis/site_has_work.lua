-- Whether a site has delivery work: units in its stream, waves in its schedule or retries
-- waiting. Read in one script so that no move between them (claim_retries.lua takes a retry
-- into the stream, fire_due.lua a wave) can make a busy site look idle to the pruner.
-- A site with automations always has work: their runs wait in its run due index.
-- KEYS[1] work stream, KEYS[2] schedule zset, KEYS[3] retry zset, KEYS[4] automation index,
-- KEYS[5] run due zset
-- Returns 1 when it has work, else 0.
if redis.call('XLEN', KEYS[1]) > 0 then return 1 end
for i = 2, 5 do
  if redis.call('ZCARD', KEYS[i]) > 0 then return 1 end
end
return 0
