-- Turns the automation runs whose next step is due into send units, and takes them out of the
-- due index in the same step, so each step is dispatched once however many instances poll.
-- Whether a message may still be sent is decided later, when it is claimed (mark_steps.lua):
-- that is the step the guarantee needs. Many runs share a unit (up to ARGV[4] messages), so a
-- burst of due steps is sent like a page of a campaign.
-- KEYS[1] the site's run due zset, [2] work stream, [3..] the run hashes the caller read as due
-- ARGV[1] now epoch millis, [2] run key prefix, [3] most runs to fire, [4] most messages a unit
-- Only runs declared fire: one that fell due since the caller looked waits for the next call.
-- Returns {how many steps fired, the due epoch millis of the next one left (-1: none)}.
local declared = {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local fired, batch, gone, per_unit = 0, {}, {}, tonumber(ARGV[4])
for _, id in ipairs(due) do
  local run = ARGV[2] .. id
  if declared[run] then
    local v = redis.call('HMGET', run, 'status', 'phase', 'gen', 'step', 'subs')
    if v[1] == RUN_LIVE and v[2] == 'waiting' then
      local name = id .. '.' .. v[3] .. '.' .. v[4]
      -- 'stepSubs': the devices this step goes to, whatever 'subs' becomes while it is out.
      local writes = { 'phase', 'sending', 'dueAt', ARGV[1], 'stepSubs', v[5] }
      for _, sub in ipairs(cjson.decode(v[5])) do
        writes[#writes + 1] = v[3] .. '.' .. v[4] .. ':' .. sub
        writes[#writes + 1] = 'q'
        batch[#batch + 1] = name .. '.' .. sub
        if #batch >= per_unit then
          add_send_unit(KEYS[2], STEPS_UNIT, '1', table.concat(batch, ','))
          batch = {}
        end
      end
      redis.call('HSET', run, unpack(writes))
      fired = fired + 1
    end
    gone[#gone + 1] = id
  end
end
if #batch > 0 then add_send_unit(KEYS[2], STEPS_UNIT, '1', table.concat(batch, ',')) end
for from = 1, #gone, 1000 do redis.call('ZREM', KEYS[1], unpack(gone, from, math.min(#gone, from + 999))) end
return { fired, head_score(KEYS[1]) }
