-- Claims the messages of one automation step for sending, in the same atomic step that checks
-- the run may still send it: live, at this generation and step, and its cart not ordered. This
-- is where the guarantee of MARKETING.md §4 is kept: an order answered before this runs ended
-- the run (exit_runs.lua), so nothing is claimed; one that comes after finds the messages
-- claimed here in flight, and waits for them. Claims as mark_due.lua does for campaigns.
-- KEYS[1] run hash, [2] automation hash, [3] the site's run due zset, [4] the cart's order marker
-- (KEYS[1] again when the run has no cart), [5..] the subscription hashes, in the order of the ids
-- ARGV[1] run id, [2] generation, [3] step, [4] attempt, [5] unit entry id, [6] now epoch millis,
-- [7] the subscription fields to return (space-separated), [8..] subscription ids
-- Returns {1, then per claimed id: the id and the fields' values ('' when absent)}, or {0} when
-- the run may not send this step (the unit's unsettled messages of it are then cancelled).
local run = KEYS[1]
local v = redis.call('HMGET', run, 'status', 'gen', 'step', 'automation')
local live = v[1] == RUN_LIVE and v[2] == ARGV[2] and v[3] == ARGV[3]
if live and KEYS[4] ~= run and redis.call('EXISTS', KEYS[4]) == 1 then
  end_run(run, KEYS[2], KEYS[3], ARGV[1], 'converted', ARGV[6])
  live = false
end
local prefix = ARGV[2] .. '.' .. ARGV[3] .. ':'
if not live then
  for i = 8, #ARGV do
    local field = prefix .. ARGV[i]
    if not settled(redis.call('HGET', run, field)) and redis.call('HEXISTS', run, field) == 1 then
      redis.call('HSET', run, field, 'cancelled')
    end
  end
  return { 0 }
end
local attempt = ARGV[4]
local mark = 's' .. attempt .. ':' .. ARGV[5]
local fields = {}
for f in string.gmatch(ARGV[7], '%S+') do fields[#fields + 1] = f end
local out, first = { 1 }, 0
for i = 8, #ARGV do
  local id = ARGV[i]
  local state = redis.call('HGET', run, prefix .. id)
  if claimable(state, attempt, mark) then
    if state == 'q' then first = first + 1 end
    redis.call('HSET', run, prefix .. id, mark)
    local values = redis.call('HMGET', KEYS[i - 3], unpack(fields))
    out[#out + 1] = id
    for j = 1, #fields do out[#out + 1] = values[j] or '' end
  end
end
if first > 0 then redis.call('HINCRBY', KEYS[2], 'step:' .. ARGV[3] .. ':sent', first) end
return out
