-- Records how messages of automation steps ended (lib.lua's advance: once each, however often a
-- re-run unit reports them) into their automations' per-step counters, and once every device's
-- message of a run's step has ended, moves that run on: the next step is due its delay after this
-- one was sent; after the last, or when every device was gone, the run ends.
-- KEYS[1] the site's retry zset, [2] the site's run due zset, then two per run: its hash, its
-- counters hash (the automation's; a transactional push's run)
-- ARGV[1] now epoch millis, then per run: run id, generation, step, the next step's delay in
-- millis ('' after the last step), how many outcomes follow, then those outcomes in groups of five
-- as record_outcomes.lua takes them (the subscription id alone, not the message's name)
-- Returns nothing useful (0).
local now = ARGV[1]
local a, k = 2, 3
while a <= #ARGV do
  local run, automation = KEYS[k], KEYS[k + 1]
  k = k + 2
  local run_id, gen, step, next_delay, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  a = a + 5
  local prefix = gen .. '.' .. step .. ':'
  local count, flush = tally()
  for i = a, a + 5 * n - 1, 5 do
    local id, outcome, attempt, due, reason = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
    local stat = advance(run, prefix .. id, outcome, attempt, due, KEYS[1], STEPS_UNIT, run_id .. '.' .. gen .. '.' .. step .. '.' .. id)
    if stat == 'suppressed' then count('suppressed:' .. reason) elseif stat then count(stat) end
  end
  a = a + 5 * n
  flush(automation, 'step:' .. step .. ':')
  local v = redis.call('HMGET', run, 'status', 'gen', 'step', 'phase', 'subs')
  if v[1] == RUN_LIVE and v[2] == gen and v[3] == step and v[4] == 'sending' then
    local done, gone = true, true
    for _, sub in ipairs(cjson.decode(v[5])) do
      local state = redis.call('HGET', run, prefix .. sub)
      if not settled(state) then done = false break end
      if state ~= 'expired' then gone = false end
    end
    if done then
      if gone then
        end_run(run, automation, KEYS[2], run_id, 'unsubscribed', now)
      elseif next_delay == '' then
        end_run(run, automation, KEYS[2], run_id, 'completed', now)
      else
        redis.call('HSET', run, 'step', tonumber(step) + 1, 'phase', 'waiting')
        redis.call('ZADD', KEYS[2], tonumber(now) + tonumber(next_delay), run_id)
      end
    end
  end
end
return 0
