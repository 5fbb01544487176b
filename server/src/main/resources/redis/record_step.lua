-- Records how messages of automation steps ended (lib.lua's outcome_state: once each, however often a
-- re-run unit reports them) into their automations' per-step counters, and once the message of
-- every device the step went to ('stepSubs', fire_steps.lua) has ended, moves that run on: the
-- next step is due its delay after this one was sent; after the last, or when every device was
-- gone (and none joined the run while the step was out: 'subs'), the run ends.
-- KEYS[1] the site's retry zset, [2] the site's run due zset, [3] the site's report hash of the
-- day (accepted messages count there as 'sent'), then two per run: its hash, its counters hash
-- (the automation's; a transactional push's run)
-- ARGV[1] now epoch millis, then per run: run id, generation, step, the next step's delay in
-- millis ('' after the last step), its report source ('a:<automation id>', or 't' for a
-- transactional push), how many outcomes follow, then those outcomes in groups of six
-- as record_outcomes.lua takes them (the subscription id alone, not the message's name)
-- Returns nothing useful (0).
local now = ARGV[1]
-- Counters are summed over the whole call and written once each: a unit's outcomes of many runs
-- of one automation step cost a few HINCRBYs, not a few per run. An automation whose counters
-- are not there any more (deleted) gets none.
local counts, write = ledger(true)
local sent = {} -- accepted messages by report source, written to the report once per call
local a, k = 2, 4
while a <= #ARGV do
  local run, automation = KEYS[k], KEYS[k + 1]
  k = k + 2
  local run_id, gen, step, next_delay, source, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], tonumber(ARGV[a + 5])
  a = a + 6
  local prefix = gen .. '.' .. step .. ':'
  local stat_prefix = 'step:' .. step .. ':'
  -- The run and the states of the messages reported, in one read; what changes, in one write.
  local read = { 'status', 'gen', 'step', 'phase', 'stepSubs', 'subs' }
  for i = a, a + 6 * n - 1, 6 do read[#read + 1] = prefix .. ARGV[i] end
  local v = redis.call('HMGET', run, unpack(read))
  local states, writes, accepted, last_id = {}, {}, 0, nil
  for j = 0, n - 1 do
    local i = a + 6 * j
    local id, outcome, attempt, due, reason, variant = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
    local current = states[id]
    if current == nil then current = v[7 + j] end
    local state, stat, next_attempt = outcome_state(current, outcome, attempt)
    states[id] = state or current
    if state then
      writes[#writes + 1] = prefix .. id
      writes[#writes + 1] = state
      if next_attempt then wait_retry(KEYS[1], due, STEPS_UNIT, run_id .. '.' .. gen .. '.' .. step .. '.' .. id, next_attempt) end
      if stat == 'suppressed' then counts(automation, stat_prefix .. 'suppressed:' .. reason, 1)
      else counts(automation, stat_prefix .. stat, 1) end
      -- A step variant's final outcomes count for it too ('step:<n>:v:<variant>:<outcome>').
      if variant ~= '' and not next_attempt then counts(automation, stat_prefix .. 'v:' .. variant .. ':' .. stat, 1) end
      if stat == 'accepted' then accepted = accepted + 1 end
    end
    last_id = id
  end
  a = a + 6 * n
  sent[source] = (sent[source] or 0) + accepted
  if v[1] == RUN_LIVE and v[2] == gen and v[3] == step and v[4] == 'sending' then
    -- The step's devices (a run fired before 'stepSubs' was kept: its devices then), without
    -- decoding the list for the usual run of one device; the states of those not reported here are read.
    local step_subs = v[5] or v[6]
    local subs = step_subs == '["' .. tostring(last_id) .. '"]' and { last_id } or cjson.decode(step_subs)
    local unread = {}
    for _, sub in ipairs(subs) do
      if states[sub] == nil then unread[#unread + 1] = sub end
    end
    if #unread > 0 then
      local fields = {}
      for i, sub in ipairs(unread) do fields[i] = prefix .. sub end
      local got = redis.call('HMGET', run, unpack(fields))
      for i, sub in ipairs(unread) do states[sub] = got[i] end
    end
    local done, gone = true, true
    for _, sub in ipairs(subs) do
      local state = states[sub]
      if not settled(state) then done = false break end
      if state ~= 'expired' then gone = false end
    end
    if done and gone and v[6] ~= step_subs then
      -- A device that joined while the step was out (a newer event's) is not gone: it gets the next step.
      for _, sub in ipairs(cjson.decode(v[6])) do
        if states[sub] == nil then gone = false break end
      end
    end
    if done and (gone or next_delay == '') then
      end_run(run, automation, KEYS[2], run_id, gone and 'unsubscribed' or 'completed', now, counts, { phase = 'sending', writes = writes })
      writes = {}
    elseif done then
      for _, x in ipairs({ 'step', tostring(tonumber(step) + 1), 'phase', 'waiting' }) do writes[#writes + 1] = x end
      redis.call('ZADD', KEYS[2], tonumber(now) + tonumber(next_delay), run_id)
    end
  end
  if #writes > 0 then redis.call('HSET', run, unpack(writes)) end
end
write()
for source, n in pairs(sent) do report(KEYS[3], source, 'sent', n) end
return 0
