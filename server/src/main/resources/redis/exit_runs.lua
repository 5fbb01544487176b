-- Ends the live runs of some triggers that an event ends (an order ends cart and browse runs, a
-- cart update browse runs, an emptied cart its cart's runs), found through the run index sets,
-- and sets the order markers that keep late events from starting them again (enter_run.lua).
-- What the run's step had already handed to a push service is returned, so that the caller can
-- wait for it and tell the store (MARKETING.md §4, the guarantee): mark_step.lua claims nothing
-- of an ended run, so nothing else of it will leave.
-- KEYS[1] the site's run due zset, [2 .. 1+ARGV[5]] run index sets, then ARGV[6] order markers to
-- set, then the run and automation hashes as the caller guessed them
-- ARGV[1] reason, [2] the triggers it ends (space-separated), [3] now epoch millis, [4] marker
-- value (the order's occurredAt epoch millis), [5] how many index sets, [6] how many markers,
-- [7] seconds markers are kept, [8] run key prefix, [9] automation key prefix
-- Returns {-2, key, ...} (nothing done) naming the hashes to add to KEYS, or {ended, then per
-- message in flight five values: run id, automation id, step, subscription id, generation}.
local declared = {}
for i = 1, #KEYS do declared[KEYS[i]] = true end
local first_marker = 2 + tonumber(ARGV[5])
local ends = {}
for t in string.gmatch(ARGV[2], '%S+') do ends[t] = true end
local runs, seen, missing = {}, {}, {}
for i = 2, first_marker - 1 do
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    local key = ARGV[8] .. id
    if not seen[id] then
      seen[id] = true
      if not declared[key] then
        missing[#missing + 1] = key
      else
        local v = redis.call('HMGET', key, 'status', 'automation', 'trigger')
        if v[1] ~= RUN_LIVE then
          redis.call('SREM', KEYS[i], id)
        elseif ends[v[3]] then
          local a = ARGV[9] .. v[2]
          if not declared[a] then missing[#missing + 1] = a else runs[#runs + 1] = { id, key, a, v[2] } end
        end
      end
    end
  end
end
if #missing > 0 then
  table.insert(missing, 1, -2)
  return missing
end
for i = first_marker, first_marker + tonumber(ARGV[6]) - 1 do
  local old = tonumber(redis.call('GET', KEYS[i]) or '')
  if not old or old < tonumber(ARGV[4]) then redis.call('SET', KEYS[i], ARGV[4], 'EX', ARGV[7]) end
end
local out = { 0 }
for _, r in ipairs(runs) do
  local id, key, a, automation_id = r[1], r[2], r[3], r[4]
  local v = redis.call('HMGET', key, 'phase', 'gen', 'step', 'subs')
  if end_run(key, a, KEYS[1], id, ARGV[1], ARGV[3]) then
    out[1] = out[1] + 1
    if v[1] == 'sending' then
      for _, sub in ipairs(cjson.decode(v[4])) do
        local state = redis.call('HGET', key, v[2] .. '.' .. v[3] .. ':' .. sub)
        if in_flight(state) then
          out[#out + 1] = id
          out[#out + 1] = automation_id
          out[#out + 1] = v[3]
          out[#out + 1] = sub
          out[#out + 1] = v[2]
        end
      end
    end
  end
end
return out
