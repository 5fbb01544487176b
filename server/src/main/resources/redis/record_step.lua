-- Records how messages of automation steps ended (lib.lua's advance: once each, however often a
-- re-run unit reports them) into their automations' per-step counters, and once every device's
-- message of a run's step has ended, moves that run on: the next step is due its delay after this
-- one was sent; after the last, or when every device was gone, the run ends.
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
  local accepted = 0
  local prefix = gen .. '.' .. step .. ':'
  local stat_prefix = 'step:' .. step .. ':'
  local last_id, last_stat
  for i = a, a + 6 * n - 1, 6 do
    local id, outcome, attempt, due, reason, variant = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
    local stat = advance(run, prefix .. id, outcome, attempt, due, KEYS[1], STEPS_UNIT, run_id .. '.' .. gen .. '.' .. step .. '.' .. id)
    if stat == 'suppressed' then counts(automation, stat_prefix .. 'suppressed:' .. reason, 1)
    elseif stat then counts(automation, stat_prefix .. stat, 1) end
    -- A step variant's final outcomes count for it too ('step:<n>:v:<variant>:<outcome>').
    if stat and variant ~= '' and stat ~= 'retried' and stat ~= 'deferred' and stat ~= 'held' then
      counts(automation, stat_prefix .. 'v:' .. variant .. ':' .. stat, 1)
    end
    if stat == 'accepted' then accepted = accepted + 1 end
    last_id, last_stat = id, stat
  end
  a = a + 6 * n
  sent[source] = (sent[source] or 0) + accepted
  local v = redis.call('HMGET', run, 'status', 'gen', 'step', 'phase', 'subs')
  if v[1] == RUN_LIVE and v[2] == gen and v[3] == step and v[4] == 'sending' then
    local done, gone = true, true
    local subs = v[5]
    if last_id and subs == '["' .. last_id .. '"]' then
      -- One device (the usual run): its state alone, without decoding the list; a final outcome
      -- just recorded is that state (advance wrote it), anything else is read.
      local state = last_stat
      if not state or state == 'retried' or state == 'deferred' or state == 'held' then
        state = redis.call('HGET', run, prefix .. last_id)
      end
      done, gone = settled(state), state == 'expired'
    else
      for _, sub in ipairs(cjson.decode(subs)) do
        local state = redis.call('HGET', run, prefix .. sub)
        if not settled(state) then done = false break end
        if state ~= 'expired' then gone = false end
      end
    end
    if done then
      if gone then
        end_run(run, automation, KEYS[2], run_id, 'unsubscribed', now, counts)
      elseif next_delay == '' then
        end_run(run, automation, KEYS[2], run_id, 'completed', now, counts)
      else
        redis.call('HSET', run, 'step', tonumber(step) + 1, 'phase', 'waiting')
        redis.call('ZADD', KEYS[2], tonumber(now) + tonumber(next_delay), run_id)
      end
    end
  end
end
write()
for source, n in pairs(sent) do report(KEYS[3], source, 'sent', n) end
return 0
