-- Claims the messages of a unit of automation steps for sending, each in the same atomic step that
-- checks its run may still send it: live, at this generation and step, and its cart not ordered.
-- This is where the guarantee of docs/automations.md is kept: an order answered before this runs
-- ended the run (record_events.lua), so nothing of it is claimed; one that comes after finds the
-- messages claimed here in flight, and waits for them. Claims as mark_due.lua does for campaigns.
-- A message is named '<run>.<generation>.<step>.<subscription>'; its state is the run hash's field
-- '<generation>.<step>:<subscription>'.
-- KEYS[1] the site's run due zset, then four per message: its run hash, its counters hash (the
-- automation's; a transactional push's run), its cart's order marker (the run hash again when it
-- has no cart), the subscription hash
-- ARGV[1] attempt, [2] unit entry id, [3] now epoch millis, [4] the subscription fields to return
-- (space-separated), then four per message: run id, generation, step, subscription id
-- Returns, per message claimed: its name, the first four fields' values ('' when absent), '1'
-- when it is not counted against the frequency caps yet (lib.lua's uncounted) else '', and the
-- other fields' values. A message whose run may not send it is cancelled instead (if it had not
-- ended).
local attempt = ARGV[1]
local mark = 's' .. attempt .. ':' .. ARGV[2]
local fields = {}
for f in string.gmatch(ARGV[4], '%S+') do fields[#fields + 1] = f end
-- The carts' order markers, read at once (nothing here writes them).
local markers, at = {}, {}
for k = 4, #KEYS, 4 do
  if KEYS[k] ~= KEYS[k - 2] and not at[KEYS[k]] then
    markers[#markers + 1] = KEYS[k]
    at[KEYS[k]] = #markers
  end
end
local ordered = {}
for from = 1, #markers, 1000 do
  local got = redis.call('MGET', unpack(markers, from, math.min(#markers, from + 999)))
  for i = 1, #got do ordered[from + i - 1] = got[i] end
end
local sent = {}
local out = {}
local k = 2
for a = 5, #ARGV, 4 do
  local run, counters, marker, sub_key = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  k = k + 4
  local run_id, gen, step, sub = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local field = gen .. '.' .. step .. ':' .. sub
  local v = redis.call('HMGET', run, 'status', 'gen', 'step', field)
  local live = v[1] == RUN_LIVE and v[2] == gen and v[3] == step
  if live and marker ~= run and ordered[at[marker]] then
    end_run(run, counters, KEYS[1], run_id, 'converted', ARGV[3])
    live = false
  end
  local state = v[4]
  if not live then
    if state and not settled(state) then redis.call('HSET', run, field, 'cancelled') end
  elseif claimable(state, attempt, mark) then
    if state == 'q' then
      local key = counters .. '\n' .. step
      sent[key] = (sent[key] or 0) + 1
    end
    redis.call('HSET', run, field, mark)
    local values = redis.call('HMGET', sub_key, unpack(fields))
    out[#out + 1] = run_id .. '.' .. gen .. '.' .. step .. '.' .. sub
    for j = 1, 4 do out[#out + 1] = values[j] or '' end
    out[#out + 1] = uncounted(state, mark) and '1' or ''
    for j = 5, #fields do out[#out + 1] = values[j] or '' end
  end
end
for key, n in pairs(sent) do
  local counters, step = string.match(key, '^(.*)\n(%d+)$')
  redis.call('HINCRBY', counters, 'step:' .. step .. ':sent', n)
end
return out
