-- Records a batch of commerce events (MARKETING.md §3, §4), one after another, each in full
-- before the next: what it ends among automation runs (an order ends its cart's, customer's and
-- subscriptions' cart and browse runs and marks them ordered; an emptied cart ends its cart's
-- runs; a cart update browse runs), then, once per event id, the facts it stamps on each
-- subscription it concerns (newest `occurredAt` wins, whatever the order events arrive in) with
-- their bitmaps and the event in the site's stream, then the runs it starts or refreshes
-- (lib.lua's enter_run). A repeated event id still ends what it ends (a retry after a lost
-- answer), and starts nothing.
-- KEYS[1] the event stream, KEYS[2] the site's run due zset, then every other key the events
-- name, and the bitmaps, runs and automations they may touch, as the caller guessed them
-- ARGV[1] the events (JSON list; event/EventStore.java writes them): each {type, subs (JSON list
-- of the subscription ids it concerns), first (the first of them, or ''), subKeys (their hashes),
-- known ('1': it names its subscription, which must exist), customer, at (occurredAt, UTC with
-- milliseconds: compared as text), data (the index of the argument holding its JSON), id (its
-- idempotency key, or ''), marker (that key's marker, or ''), fact (the field it stamps with
-- `at`, or ''), counts ('1' counts an order), exit (what it ends, or absent: {reason, triggers: [...], runs: [ids of its cart's runs,
-- whether they exist or not: a cart's runs have no index set], indexes: [run index sets],
-- markers: [order markers to set], at (the order's epoch ms, as text)}), enters: [lib.lua's
-- entries, their data the index of an argument]};
-- [2] now (ISO-8601), [3] now epoch ms, [4] the site's bitmap prefix, [5] the stream's cap,
-- [6] how long an event id is remembered (seconds), [7] how long run index sets and order
-- markers are kept (seconds), [8] run key prefix, [9] automation key prefix, [10..] the events'
-- and their entries' data (JSON), as the events name them
-- Returns {outcomes, clicks, m, m in-flight messages of the runs it ended as five values each
-- (run id, automation id, step, subscription id, generation) after the event's number (from 1),
-- then the keys it needs and was not given}: outcomes has a letter per event done, in order: 'r'
-- recorded, 'd' a repeated id, 'u' its subscription does not exist (nothing done); clicks a list
-- per event done: for a recorded order the 'lastClick' of each of its subscriptions ('' for
-- none), else empty. When an event needs keys
-- it was not given, it and the events after it are not done (nothing of them written): the caller
-- runs them again with those keys (a batch is at most 100 events, so one call stays short).
local events = cjson.decode(ARGV[1])
-- An event's data is an argument of its own (its index here), and so is each entry's.
for _, e in ipairs(events) do
  e.data = ARGV[e.data]
  for _, entry in ipairs(e.enters) do entry.data = ARGV[entry.data] end
end
local now, now_ms, prefix, keep = ARGV[2], ARGV[3], ARGV[4], ARGV[7]
local run_prefix, automation_prefix = ARGV[8], ARGV[9]
local stream, due = KEYS[1], KEYS[2]
local declared = declared_keys()
-- Counters of automations that exist (a deleted one's are not made again), written once per call.
local count, write_counts = ledger(true)
local set_bit, write_bits = bit_batch()

-- The live runs of the triggers `x` ends, named by it or found through its index sets (reads
-- only), or the keys they need and were not given.
local function exit_plan(x, missing)
  local ends = {}
  for _, t in ipairs(x.triggers) do ends[t] = true end
  local runs, gone, seen = {}, {}, {}
  local found = { x.runs }
  for _, index in ipairs(x.indexes) do found[#found + 1] = redis.call('SMEMBERS', index) end
  for i, ids in ipairs(found) do
    local index = x.indexes[i - 1] -- nil for the named runs
    for _, id in ipairs(ids) do
      if not seen[id] then
        seen[id] = true
        local key = run_prefix .. id
        if not declared[key] then
          missing[#missing + 1] = key
        else
          local v = redis.call('HMGET', key, 'status', 'automation', 'trigger', 'phase', 'gen', 'step', 'subs', 'stepSubs')
          if not v[1] then
            if index then gone[#gone + 1] = { index, id } end -- expired runs leave the index as met
          elseif v[1] ~= RUN_LIVE then
            -- Ended: kept in the index while the run is kept, for a customer's export and erase.
          elseif ends[v[3]] then
            local a = automation_prefix .. v[2]
            if not declared[a] then missing[#missing + 1] = a else runs[#runs + 1] = { id, key, a, v } end
          end
        end
      end
    end
  end
  return { runs = runs, gone = gone }
end

-- Ends the planned runs and sets the order markers; the messages those runs had in flight go to `out`.
local function exit_runs(x, plan, event, out)
  for _, g in ipairs(plan.gone) do redis.call('SREM', g[1], g[2]) end
  local olds = #x.markers > 0 and redis.call('MGET', unpack(x.markers)) or {}
  for i, marker in ipairs(x.markers) do
    local old = tonumber(olds[i] or '')
    if not old or old < tonumber(x.at) then redis.call('SET', marker, x.at, 'EX', keep) end
  end
  for _, r in ipairs(plan.runs) do
    local id, key, a, v = r[1], r[2], r[3], r[4] -- v: the run as the plan read it (live)
    local phase, gen, step = v[4], v[5], v[6]
    end_run(key, a, due, id, x.reason, now_ms, count, { phase = phase })
    if phase == 'sending' then -- the devices its step went to ('subs' may have changed since)
      for _, sub in ipairs(cjson.decode(v[8] or v[7])) do
        if in_flight(redis.call('HGET', key, gen .. '.' .. step .. ':' .. sub)) then
          for _, value in ipairs({ event, id, v[2], step, sub, gen }) do out[#out + 1] = value end
        end
      end
    end
  end
end

-- The fields event `e` stamps on its subscriptions (time and number facts).
local function stamped(e)
  local fields = {}
  if e.fact ~= '' then fields[#fields + 1] = e.fact end
  if e.counts == '1' then fields[#fields + 1] = 'orderCount' end
  return fields
end

-- The stamps of event `e` on its subscriptions: a write each, or nil when a key is missing.
-- `first`: its named subscription's stored 'n' and fields, read already (with its existence).
local function stamps(e, fields, first, missing)
  local writes = {}
  if #fields == 0 then return writes end
  local function update(old)
    local new = {}
    if e.fact ~= '' then
      new[e.fact] = old[e.fact]
      if not old[e.fact] or old[e.fact] < e.at then new[e.fact] = e.at end
    end
    if e.counts == '1' then new.orderCount = tostring((tonumber(old.orderCount) or 0) + 1) end
    return new
  end
  for i, key in ipairs(e.subKeys) do
    if (i == 1 and first) or redis.call('EXISTS', key) == 1 then
      local write, reply = stamp_facts(key, prefix, fields, update, declared, set_bit, i == 1 and first or nil)
      if not write then
        for i = 2, #reply do missing[#missing + 1] = reply[i] end
      else
        writes[#writes + 1] = write
      end
    end
  end
  return writes
end

local outcomes, clicks, inflight, missing = {}, {}, {}, {}
for i, e in ipairs(events) do
  local fields, first, click = stamped(e), nil, nil
  local order = e.counts == '1'
  if e.known == '1' then
    -- One read of its named subscription: whether it exists (its 'auth' always is), what the
    -- stamps compare, and for an order its last click.
    local read = { 'auth', 'n', unpack(fields) }
    if order then read[#read + 1] = 'lastClick' end
    local got = redis.call('HMGET', e.subKeys[1], unpack(read))
    if got[1] then first = { unpack(got, 2, 2 + #fields) } end
    if order then click = got[#read] end
  end
  clicks[i] = {}
  if e.known == '1' and not first then
    outcomes[i] = 'u'
  else
    local plan = e.exit and exit_plan(e.exit, missing)
    local repeated = e.marker ~= '' and redis.call('EXISTS', e.marker) == 1
    local writes = not repeated and stamps(e, fields, first, missing) or {}
    if #missing > 0 then
      -- Stopped here: the runs the later events' exits meet are named now too (as they stand;
      -- read only), so that the next call has their keys instead of stopping once for each.
      for j = i + 1, #events do
        if events[j].exit then exit_plan(events[j].exit, missing) end
      end
      break
    end
    if plan then exit_runs(e.exit, plan, i, inflight) end
    if repeated then
      outcomes[i] = 'd'
    else
      for _, write in ipairs(writes) do write() end
      redis.call('XADD', stream, 'MAXLEN', '~', ARGV[5], '*', 'type', e.type, 'subscription', e.first,
        'subscriptions', e.subs, 'customer', e.customer, 'data', e.data, 'at', e.at, 'received', now, 'id', e.id)
      if e.marker ~= '' then redis.call('SET', e.marker, '1', 'EX', ARGV[6]) end
      for _, entry in ipairs(e.enters) do enter_run(entry, due, now_ms, keep, count) end
      outcomes[i] = 'r'
      -- An order's subscriptions' last clicks, for its attribution (engagement/Attribution.java).
      if order then
        for j, key in ipairs(e.subKeys) do
          local c = click
          if j > 1 or e.known ~= '1' then c = redis.call('HGET', key, 'lastClick') end
          clicks[i][j] = c or ''
        end
      end
    end
  end
end
write_counts()
write_bits()
local reply = { table.concat(outcomes), { unpack(clicks, 1, #outcomes) }, #inflight / 6 }
for _, v in ipairs(inflight) do reply[#reply + 1] = v end
for _, k in ipairs(missing) do reply[#reply + 1] = k end
return reply
