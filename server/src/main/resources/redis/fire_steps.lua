-- Turns the automation runs whose next step is due into send units, and takes them out of the
-- due index in the same step, so each step is dispatched once however many instances poll.
-- Whether the step may still be sent is decided later, when its messages are claimed
-- (mark_step.lua): that is the step the guarantee needs.
-- KEYS[1] the site's run due zset, [2] work stream, [3..] the run hashes the caller read as due
-- ARGV[1] now epoch millis, [2] run key prefix, [3] most runs to fire
-- Only runs declared fire: one that fell due since the caller looked waits for the next call.
-- Returns {how many steps fired, the due epoch millis of the next one left (-1: none)}.
local declared = {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local fired = 0
for _, id in ipairs(due) do
  local run = ARGV[2] .. id
  if declared[run] then
    local v = redis.call('HMGET', run, 'status', 'phase', 'gen', 'step', 'subs')
    if v[1] == RUN_LIVE and v[2] == 'waiting' then
      local subs = cjson.decode(v[5])
      local prefix = v[3] .. '.' .. v[4] .. ':'
      for _, sub in ipairs(subs) do redis.call('HSET', run, prefix .. sub, 'q') end
      redis.call('HSET', run, 'phase', 'sending', 'dueAt', ARGV[1])
      add_send_unit(KEYS[2], 'r.' .. id .. '.' .. v[3] .. '.' .. v[4], '1', table.concat(subs, ','))
      fired = fired + 1
    end
    redis.call('ZREM', KEYS[1], id)
  end
end
return { fired, head_score(KEYS[1]) }
