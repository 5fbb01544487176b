-- Records how the messages of one automation step ended (lib.lua's advance: once each, however
-- often a re-run unit reports them) into the automation's per-step counters, and once every
-- device's message of the step has ended, moves the run on: the next step is due its delay after
-- this one was sent; after the last, or when every device was gone, the run ends.
-- KEYS[1] run hash, [2] automation hash, [3] the site's retry zset, [4] the site's run due zset
-- ARGV[1] run id, [2] generation, [3] step, [4] now epoch millis, [5] the next step's delay in
-- millis ('' after the last step), then groups of five as record_outcomes.lua takes them
-- Returns the run's status afterwards.
local run, automation = KEYS[1], KEYS[2]
local prefix = ARGV[2] .. '.' .. ARGV[3] .. ':'
local unit_name = 'r.' .. ARGV[1] .. '.' .. ARGV[2] .. '.' .. ARGV[3]
local count, flush = tally()
for i = 6, #ARGV, 5 do
  local id, outcome, attempt, due, reason = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local stat = advance(run, prefix .. id, outcome, attempt, due, KEYS[3], unit_name, id)
  if stat then
    if stat == 'suppressed' then count('suppressed:' .. reason) else count(stat) end
  end
end
flush(automation, 'step:' .. ARGV[3] .. ':')
local v = redis.call('HMGET', run, 'status', 'gen', 'step', 'phase', 'subs')
if v[1] ~= RUN_LIVE or v[2] ~= ARGV[2] or v[3] ~= ARGV[3] or v[4] ~= 'sending' then return v[1] or '' end
local gone = true
for _, sub in ipairs(cjson.decode(v[5])) do
  local state = redis.call('HGET', run, prefix .. sub)
  if not settled(state) then return v[1] end
  if state ~= 'expired' then gone = false end
end
if gone then
  end_run(run, automation, KEYS[4], ARGV[1], 'unsubscribed', ARGV[4])
elseif ARGV[5] == '' then
  end_run(run, automation, KEYS[4], ARGV[1], 'completed', ARGV[4])
else
  redis.call('HSET', run, 'step', tonumber(ARGV[3]) + 1, 'phase', 'waiting')
  redis.call('ZADD', KEYS[4], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[1])
end
return redis.call('HGET', run, 'status')
