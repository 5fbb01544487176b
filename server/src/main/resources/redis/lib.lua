-- Shared by every script (LuaScript puts this file in front of each): one definition each of
-- the campaign statuses and their transitions, the work-unit format, when a campaign is
-- complete, who owns a work unit, and how a campaign leaves the schedule.

-- The campaign statuses, as stored in a campaign's 'status' field: the wire names of
-- campaign/CampaignStatus.java (LibLuaTest checks the two agree).
local STATUS = { scheduled = 'scheduled', sending = 'sending', completed = 'completed', cancelled = 'cancelled' }

-- Moves a campaign to status `to`, stamping `stamp` (startedAt, completedAt, cancelledAt) with
-- `now`, if its status is one of `from`. The only writer of 'status' after creation.
-- Returns true when moved; otherwise false and the status it has ('' when there is no campaign).
local function transition(campaign, from, to, stamp, now)
  local status = redis.call('HGET', campaign, 'status')
  for _, allowed in ipairs(from) do
    if status == allowed then
      redis.call('HSET', campaign, 'status', to, stamp, now)
      return true, status
    end
  end
  return false, status or ''
end

-- The work-unit format, written only here and read by delivery/WorkUnit.java.
-- A scan unit: one page of wave `wave`'s audience, from subscription ordinal `from` ('0' at its start).
local function add_scan_unit(stream, campaign, wave, from)
  redis.call('XADD', stream, '*', 'type', 'scan', 'campaign', campaign, 'wave', wave, 'cursor', from)
end

-- A send unit: attempt `attempt` (1 for first sends) to the comma-separated subscription `ids`.
local function add_send_unit(stream, campaign, attempt, ids)
  redis.call('XADD', stream, '*', 'type', 'send', 'campaign', campaign, 'attempt', attempt, 'ids', ids)
end

-- A finished (completed or cancelled) campaign enters the site's set of campaigns whose
-- per-subscriber details (progress, receipts, failure reasons) are kept: RetentionSweep deletes
-- them once PUSHCART_RETENTION_DAYS have passed, and the campaign's summary stays.
local function finished(finished_set, campaign)
  redis.call('SADD', finished_set, redis.call('HGET', campaign, 'id'))
end

-- Completes a sending campaign once its every wave is scanned ('scanDone') and every targeted
-- message has ended (accepted, failed, expired, lapsed or suppressed). Returns the status afterwards.
local function complete_if_done(campaign, finished_set, now)
  local v = redis.call('HMGET', campaign, 'scanDone', 'status', 'stat:targeted',
    'stat:accepted', 'stat:failed', 'stat:expired', 'stat:lapsed', 'stat:suppressed')
  if v[1] ~= '1' or v[2] ~= STATUS.sending then return v[2] end
  local ended = 0
  for i = 4, 8 do ended = ended + (tonumber(v[i]) or 0) end
  if ended < (tonumber(v[3]) or 0) then return v[2] end
  transition(campaign, { STATUS.sending }, STATUS.completed, 'completedAt', now)
  finished(finished_set, campaign)
  return STATUS.completed
end

-- A subscriber's message state, one field of a progress hash (a campaign's progress, or a run's
-- for its steps): 'q' queued for attempt 1, 's<attempt>:<unit>' in flight in that work unit,
-- 'h<attempt>' held before it was sent (quiet hours, or a frequency cap: not counted against the
-- cap yet), 'r<attempt>' waiting for that attempt (a retry, or a deferral), then one final state:
-- accepted, failed, expired, lapsed, suppressed or cancelled. States move only forward; these
-- two functions are the only writers after the queueing.

-- Whether a message in `state` may be claimed by attempt `attempt` of the unit that marks `mark`:
-- queued (attempt 1), held or waiting for exactly this attempt, or already marked by this same
-- unit (a re-run after its instance died: its message may or may not have gone out).
local function claimable(state, attempt, mark)
  return state == 'r' .. attempt or state == 'h' .. attempt or state == mark or (state == 'q' and attempt == '1')
end

-- Whether a message claimed from `state` has not been counted against the frequency caps yet:
-- never sent (queued or held), or claimed before by the same unit (a re-run: counting it again
-- errs on the side of sending less).
local function uncounted(state, mark)
  return state == 'q' or state == mark or (state ~= nil and state ~= false and string.sub(state, 1, 1) == 'h')
end

-- The state a message in `state` moves to on an outcome of attempt `attempt`, if that attempt is
-- the one in flight: a retry, deferral or hold waits ('r<next attempt>', 'h<attempt>'), anything
-- else is final. Returns the new state, the counter to move ('retried', 'deferred', 'held' or the
-- final state) and, for one that waits, its next attempt; nil when the outcome was recorded before
-- (nothing changes: a re-run unit counts once). Writes nothing: advance() does, or a caller that
-- writes it with more fields.
local function outcome_state(state, outcome, attempt)
  if not (state and string.sub(state, 1, #attempt + 2) == ('s' .. attempt .. ':')) then return nil end
  if outcome == 'retry' then
    local next_attempt = tostring(tonumber(attempt) + 1)
    return 'r' .. next_attempt, 'retried', next_attempt
  end
  if outcome == 'defer' then return 'r' .. attempt, 'deferred', attempt end
  if outcome == 'hold' then return 'h' .. attempt, 'held', attempt end
  return outcome, outcome, nil
end

-- A message that waits for its next attempt `next_attempt` is in `retries` as `<unit name>|<id>|<next
-- attempt>` (the id the unit names the message by), due at `due`.
local function wait_retry(retries, due, unit_name, id, next_attempt)
  redis.call('ZADD', retries, due, unit_name .. '|' .. id .. '|' .. next_attempt)
end

-- Records one outcome of attempt `attempt` on `field` of `progress` (outcome_state's move).
-- Returns the counter to move, or nil when the outcome was recorded before.
local function advance(progress, field, outcome, attempt, due, retries, unit_name, id)
  local state, stat, next_attempt = outcome_state(redis.call('HGET', progress, field), outcome, attempt)
  if not state then return nil end
  redis.call('HSET', progress, field, state)
  if next_attempt then wait_retry(retries, due, unit_name, id, next_attempt) end
  return stat
end

-- Whether a message is in flight: claimed by a work unit ('s<attempt>:<unit>'), no outcome yet.
local function in_flight(state)
  return state ~= nil and state ~= false and string.match(state, '^s%d') ~= nil
end

-- Whether a message state is final: no attempt of it is queued, waiting or in flight.
local function settled(state)
  return state ~= nil and state ~= false and state ~= 'q' and not string.match(state, '^[srh]%d')
end

-- Automation runs (automation/RunStore.java): one hash per run, 'live' until it ends, once, with a
-- reason. end_run is the one writer of that end, and moves the automation's counters with it (or
-- has `counts` move them, to write them once per batch). A caller that read the run live gives
-- `known` = {phase = its phase, writes = more field-value pairs of the run to write with the end,
-- in one HSET}, and it is not read again. An ended run is kept RUN_KEEP_SECONDS (what
-- GET /notifications/{id} and a customer's export show, and what keeps a finished cart from
-- starting again), then Redis drops it.
local RUN_LIVE, RUN_ENDED = 'live', 'ended'
-- The name of the send units of automation steps: their ids are '<run>.<generation>.<step>.<sub>'
-- (fire_steps.lua, mark_step.lua; delivery/RunUnits.java reads them).
local STEPS_UNIT = 'steps'
local RUN_KEEP_SECONDS = 30 * 24 * 3600
local function end_run(run, automation, due, run_id, reason, now, counts, known)
  if not known and redis.call('HGET', run, 'status') ~= RUN_LIVE then return false end
  local writes = known and known.writes or {}
  for _, v in ipairs({ 'status', RUN_ENDED, 'reason', reason, 'endedAt', now }) do writes[#writes + 1] = v end
  redis.call('HSET', run, unpack(writes))
  redis.call('EXPIRE', run, RUN_KEEP_SECONDS)
  -- A run that is sending its step left the due set when the step fired (fire_steps.lua).
  if not (known and known.phase == 'sending') then redis.call('ZREM', due, run_id) end
  if counts then -- the caller writes them, once per batch, to an automation it knows exists
    counts(automation, 'stat:active', -1)
    counts(automation, 'stat:exited:' .. reason, 1)
  elseif redis.call('EXISTS', automation) == 1 then -- a deleted automation's counters are not made again
    redis.call('HINCRBY', automation, 'stat:active', -1)
    redis.call('HINCRBY', automation, 'stat:exited:' .. reason, 1)
  end
  return true
end

-- Frequency caps (docs/engagement.md): when a subscription's messages were counted is kept in its
-- hash's 'capLog' field, epoch millis separated by commas, at most the largest cap's max of them
-- and none older than the longest window (older ones are dropped at each write; they count for
-- nothing). `caps` is a list of {max, window millis}. Takes one message for the subscription at
-- `now`: counted and nil when every cap has room (or `force`: counted whatever the caps say),
-- else nothing is written and the epoch millis when the caps will have room is returned.
local function take_cap(sub, caps, now, force)
  local longest, keep = 0, 0
  for _, c in ipairs(caps) do
    longest = math.max(longest, c[2])
    keep = math.max(keep, c[1])
  end
  local times = {}
  for t in string.gmatch(redis.call('HGET', sub, 'capLog') or '', '%d+') do
    t = tonumber(t)
    if t > now - longest then times[#times + 1] = t end
  end
  table.sort(times)
  if not force then
    local free_at = nil
    for _, c in ipairs(caps) do
      local max, window = c[1], c[2]
      local first = #times + 1 -- the oldest time inside this window
      while first > 1 and times[first - 1] > now - window do first = first - 1 end
      local n = #times - first + 1
      if n >= max then
        -- room again once the (n - max + 1)-th oldest in the window has left it
        local at = times[first + n - max] + window
        if not free_at or at > free_at then free_at = at end
      end
    end
    if free_at then return free_at end
  end
  times[#times + 1] = now
  local from = math.max(1, #times - keep + 1)
  redis.call('HSET', sub, 'capLog', table.concat(times, ',', from))
  return nil
end

-- The site's report (engagement/Report.java): one hash per day of the site's time zone (the caller
-- names it), counters '<stat>' for the whole site and '<source>:<stat>' per campaign ('c:<id>'),
-- automation ('a:<id>') or transactional pushes ('t'), kept REPORT_KEEP_SECONDS.
local REPORT_KEEP_SECONDS = 400 * 24 * 3600
local function report(key, source, stat, n)
  if n == 0 then return end
  redis.call('HINCRBY', key, stat, n)
  if source ~= '' then redis.call('HINCRBY', key, source .. ':' .. stat, n) end
  redis.call('EXPIRE', key, REPORT_KEEP_SECONDS)
end

-- Counters of several hashes moved in one script call, each written once at the end:
-- add(hash, field, n) while recording, then write(). With `existing`, a hash that does not exist
-- (a deleted automation's) gets none: its counters are not made again.
local function ledger(existing)
  local sums, order, exists = {}, {}, {}
  local function add(hash, field, n)
    if existing then
      if exists[hash] == nil then exists[hash] = redis.call('EXISTS', hash) == 1 end
      if not exists[hash] then return end
    end
    local key = hash .. '\n' .. field
    if not sums[key] then
      sums[key] = 0
      order[#order + 1] = { hash, field, key }
    end
    sums[key] = sums[key] + n
  end
  local function write()
    for _, e in ipairs(order) do
      if sums[e[3]] ~= 0 then redis.call('HINCRBY', e[1], e[2], sums[e[3]]) end
    end
  end
  return add, write
end

-- Starts an automation run, or refreshes the live one, for one run key (a cart, a shopper's
-- browsing, an order...): one run per key and automation (MARKETING.md §4), whatever number of
-- events, duplicates or instances. A run is refreshed only by newer data (occurredAt), and an
-- order that happened after the event blocks it: an order wins over a cart event that happened
-- before it, in whatever order the two arrive.
-- `e` (automation/RunStore.java's entry): run (its hash), id, automation (its hash; a
-- transactional push: its run again), automationId ('' for a push), trigger, subs (JSON list of
-- subscription ids), cart ('' for none), data (JSON), at (occurredAt, epoch ms), due (when step 1
-- is due: `at` and the first step's delay, epoch ms), reentry (once a run of this key ended:
-- 'emptied' — only after one ended by an emptied cart —, 'never', or the ms that must pass since
-- the last one started), cartMarker (the cart's order marker, '' for none), markers (the customer's
-- and subscriptions' order markers: an order at or after `at` blocks), indexes (the run index sets
-- it joins: the customer's and subscriptions'), def (a transactional push's definition, JSON; ''
-- for an automation's run).
-- Numbers are given and written as text: Lua formats a number for Redis at each call.
-- `due_set` the site's run due zset, `now` epoch ms (text), `keep` seconds the index sets are
-- kept, `count(hash, field, n)` moves the automation's counters.
-- Returns 'started', 'refreshed', 'stale' (older than what the live run holds), 'live' (a run of
-- a once-only key is under way: nothing changes), 'ordered' (an order came after it) or 'closed'
-- (re-entry refused).
local function enter_run(e, due_set, now, keep, count)
  local run, at = e.run, tonumber(e.at)
  local markers, first = e.markers, 1 -- read with one MGET: the cart's (any order blocks), then the others
  if e.cartMarker ~= '' then markers, first = { e.cartMarker, unpack(e.markers) }, 2 end
  if #markers > 0 then
    local ordered = redis.call('MGET', unpack(markers))
    if first == 2 and ordered[1] then return 'ordered' end
    for i = first, #ordered do
      if ordered[i] and tonumber(ordered[i]) >= at then return 'ordered' end
    end
  end
  local v = redis.call('HMGET', run, 'status', 'reason', 'startedAt', 'dataAt', 'phase', 'step', 'gen')
  if v[1] == RUN_LIVE then
    if e.reentry == 'never' then return 'live' end -- once per key: a repeat changes nothing
    if tonumber(v[4]) > at then return 'stale' end
    redis.call('HSET', run, 'data', e.data, 'dataAt', e.at, 'subs', e.subs)
    if v[5] == 'waiting' and v[6] == '1' then
      redis.call('ZADD', due_set, e.due, e.id) -- step 1 is due its delay after the last update
    end
    return 'refreshed'
  end
  if v[1] == RUN_ENDED then
    local open = (e.reentry == 'emptied' and v[2] == 'emptied')
      or (tonumber(e.reentry) ~= nil and tonumber(now) - tonumber(v[3]) >= tonumber(e.reentry))
    if not open then return 'closed' end
    -- A new generation: the old one's message states are dropped with it.
    for _, f in ipairs(redis.call('HKEYS', run)) do
      if string.find(f, ':', 1, true) then redis.call('HDEL', run, f) end
    end
    redis.call('HDEL', run, 'reason', 'endedAt')
    redis.call('PERSIST', run)
  end
  redis.call('HSET', run, 'automation', e.automationId, 'trigger', e.trigger, 'status', RUN_LIVE,
    'gen', v[7] and tostring(tonumber(v[7]) + 1) or '1', 'step', '1', 'phase', 'waiting', 'subs', e.subs,
    'cart', e.cart, 'data', e.data, 'dataAt', e.at, 'startedAt', now)
  if e.def ~= '' then redis.call('HSET', run, 'def', e.def) end
  redis.call('ZADD', due_set, e.due, e.id)
  for _, index in ipairs(e.indexes) do
    redis.call('SADD', index, e.id)
    redis.call('EXPIRE', index, keep)
  end
  count(e.automation, 'stat:entered', 1)
  count(e.automation, 'stat:active', 1)
  return 'started'
end

-- The score of the zset's first member (the next due time of a schedule or retry set), -1 when empty.
local function head_score(zset)
  local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  if #first == 0 then return -1 end
  return tonumber(first[2])
end

-- The consumer work unit `id` of `stream` is pending with, or nil when it is not pending (acknowledged).
local function pending_with(stream, group, id)
  local p = redis.call('XPENDING', stream, group, id, id, 1)
  return p[1] and p[1][2]
end

-- Whether work unit `id` of `stream` is still pending with `consumer`: nobody took it over.
local function owns(stream, group, consumer, id)
  return pending_with(stream, group, id) == consumer
end

-- Acknowledges and deletes a work unit, so the stream stays as small as the work left.
local function ack(stream, group, id)
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end

-- Takes a campaign's waves out of the site's schedule (`waves`: the campaign's JSON list of them).
local function unschedule(schedule, campaignId, waves)
  for i = 1, #cjson.decode(waves or '[]') do redis.call('ZREM', schedule, campaignId .. ':' .. (i - 1)) end
end

-- Subscriber indexes (docs/redis-keys.md, "Audience bitmaps"): each subscription has a dense
-- ordinal `n` (its hash field), its id is kept at that ordinal in the site's id table, and it has
-- its bit set in one bitmap per indexed value it carries. The memberships are worked out here only.
local ID_WIDTH = 22 -- subscription ids: 128 bits, base64url without padding
local TIME_BITS = 20 -- hours since 1970 in 20 bit slices: up to 2089
local NUMBER_BITS = 24 -- numbers as 24-bit order-keeping buckets (number_bucket)
-- Custom attributes: the first ATTRIBUTE_KEYS_MAX keys a site uses are indexed, and of each the
-- first ATTRIBUTE_VALUES_MAX string values (a bitmap each); others are checked member by member.
local ATTRIBUTE_KEYS_MAX, ATTRIBUTE_VALUES_MAX = 20, 32
-- Attributes not indexed as custom ones: the time zone has its own bitmaps. Attributes whose
-- values are not indexed (only their presence): the linked customer's id, which must not be
-- kept in a key name or a registry after the customer is erased.
local UNINDEXED_ATTRIBUTES = { timezone = true }
local UNINDEXED_VALUES = { customerId = true }
-- Time fields indexed as bit slices: rule name -> hash field.
local TIME_FIELDS = { subscribedAt = 'createdAt', lastSeenAt = 'lastSeen', lastDeliveredAt = 'lastDeliveredAt',
  lastClickedAt = 'lastClickedAt', lastCartAt = 'lastCartAt', lastOrderAt = 'lastOrderAt',
  lastViewedProductAt = 'lastViewedProductAt' }
-- Number fields indexed as order-keeping buckets (number_bucket): rule name = hash field.
local NUMBER_FIELDS = { 'orderCount' }
-- Fields indexed by value: a bitmap per value, and one of those having any value.
local VALUE_FIELDS = { 'browser', 'os', 'deviceType', 'country' }
-- The hash fields memberships() reads, in this order.
local INDEXED_FIELDS = { 'tags', 'attributes', 'browser', 'os', 'deviceType', 'country', 'createdAt', 'lastSeen',
  'lastDeliveredAt', 'lastClickedAt', 'lastCartAt', 'lastOrderAt', 'lastViewedProductAt', 'orderCount' }

-- Hours since 1970-01-01T00:00Z of an ISO-8601 instant as Instant.toString() writes it (UTC), nil if not one.
local function epoch_hour(iso)
  local y, m, d, h = string.match(iso or '', '^(%d%d%d%d)-(%d%d)-(%d%d)T(%d%d)')
  if not y then return nil end
  y, m, d, h = tonumber(y), tonumber(m), tonumber(d), tonumber(h)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  local hour = (era * 146097 + doe - 719468) * 24 + h
  if hour < 0 then return 0 end
  return math.min(hour, 2 ^ TIME_BITS - 1)
end

-- A number's bucket in [0, 2^24): never smaller for a larger number (segment/NumberBuckets.java
-- computes the same). Zero is 2^23; a positive x = m * 2^e (m in [0.5, 1)) is above it by
-- 1 + (e + 63) * 2^16 + the first 16 bits of m after its leading one; a negative one mirrors it below.
-- Exponents outside -63..63 share the end buckets.
local function number_bucket(x)
  if x == 0 then return 2 ^ 23 end
  local m, e = math.frexp(math.abs(x))
  local code
  if e < -63 then code = 0
  elseif e > 63 then code = 126 * 65536 + 65535
  else code = (e + 63) * 65536 + math.floor((m - 0.5) * 131072) end
  if x > 0 then return 2 ^ 23 + 1 + code end
  return 2 ^ 23 - 1 - code
end

-- Bits 0..bits-1 of `value` as memberships of slices `prefix .. i`. (The slice numbers are
-- written out: turning a number into text is most of what a slice name costs in Lua.)
local SLICE = { [0] = '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17',
  '18', '19', '20', '21', '22', '23' }
local function slices(m, prefix, value, bits)
  for i = 0, bits - 1 do
    local bit = value % 2
    m[prefix .. SLICE[i]] = bit
    value = (value - bit) / 2
  end
end

-- A built-in field's bit-sliced index: `has:<name>` and the slices `<kind><name>:<i>`.
local function sliced(m, name, kind, value, bits)
  m['has:' .. name] = 1
  slices(m, kind .. name .. ':', value, bits)
end

-- Which custom attributes and values are indexed: `ctx` is {index = the site's attribute-key
-- hash, values = the prefix of its value sets, register = whether this write may index new ones,
-- pending = {keys = {}, nkeys = 0, values = {}}, reads = {} (every registry key read or written)}.
local function attribute_indexed(ctx, k)
  ctx.reads[ctx.index] = true
  if ctx.pending.keys[k] or redis.call('HEXISTS', ctx.index, k) == 1 then return true end
  if not ctx.register or redis.call('HLEN', ctx.index) + ctx.pending.nkeys >= ATTRIBUTE_KEYS_MAX then return false end
  ctx.pending.keys[k] = true
  ctx.pending.nkeys = ctx.pending.nkeys + 1
  return true
end

-- A string value of an indexed attribute gets a bitmap while its value set has room. Once a value
-- found it full, the set is closed for good (registry value '2'): a value met then has members
-- without bits, so it may never be indexed later. Values whose last member left are taken out
-- (prune_values), so an erased customer's values do not stay in the registry.
local function value_indexed(ctx, k, v)
  if UNINDEXED_VALUES[k] then return false end
  local set = ctx.values .. k
  ctx.reads[set] = true
  local pending = ctx.pending.values[set]
  if (pending and pending[v]) or redis.call('SISMEMBER', set, v) == 1 then return true end
  if not ctx.register or ctx.pending.closed[k] or redis.call('HGET', ctx.index, k) == '2' then return false end
  local count = 0
  if pending then for _ in pairs(pending) do count = count + 1 end end
  if redis.call('SCARD', set) + count >= ATTRIBUTE_VALUES_MAX then
    ctx.pending.closed[k] = true
    return false
  end
  pending = pending or {}
  pending[v] = true
  ctx.pending.values[set] = pending
  return true
end

-- Writes what `ctx` decided to index.
local function register_attributes(ctx)
  for k in pairs(ctx.pending.keys) do redis.call('HSET', ctx.index, k, '1') end
  for k in pairs(ctx.pending.closed) do redis.call('HSET', ctx.index, k, '2') end
  for set, values in pairs(ctx.pending.values) do
    for v in pairs(values) do redis.call('SADD', set, v) end
  end
end

-- A registry context for the site whose attribute-key hash is `index` (its value sets are named
-- `index .. ':' .. key`).
local function attribute_registry(index, register)
  return { index = index, values = index .. ':', register = register,
    pending = { keys = {}, nkeys = 0, values = {}, closed = {} }, reads = {} }
end

-- The bit-sliced memberships (time and number facts) of hash fields `v`, into `m`; fields in
-- `same` (and absent ones) are left out.
local function fact_memberships(m, v, same)
  for name, field in pairs(TIME_FIELDS) do
    local hour = not same[field] and epoch_hour(v[field])
    if hour then sliced(m, name, 't:', hour, TIME_BITS) end
  end
  for _, f in ipairs(NUMBER_FIELDS) do
    local value = not same[f] and tonumber(v[f])
    if value then sliced(m, f, 'n:', number_bucket(value), NUMBER_BITS) end
  end
  return m
end

-- The bitmaps (names after the site's bitmap prefix) a subscription whose hash fields are
-- `v` (a table by INDEXED_FIELDS name) belongs in, name -> bit (bit slices name their 0 bits too).
-- Empty for a subscription that does not exist. `ctx` says which custom attributes are indexed;
-- without it custom attributes are left out. `same` (optional) names hash fields a write leaves
-- as they are: their bitmaps are left out too (both sides of a change leave them out alike, and
-- a write that only moves lastSeen then works out 21 bitmaps, not every one).
local function memberships(v, ctx, same)
  local m = {}
  same = same or {}
  if not v.tags and not v.attributes then return m end
  m['all'] = 1
  if not same.tags then
    for _, t in ipairs(cjson.decode(v.tags or '[]')) do m['tag:' .. t] = 1 end
  end
  for _, f in ipairs(VALUE_FIELDS) do
    if v[f] and not same[f] then
      m[f .. ':' .. v[f]] = 1
      m['has:' .. f] = 1
    end
  end
  fact_memberships(m, v, same)
  if same.attributes then return m end
  local attributes = cjson.decode(v.attributes or '{}')
  local zone = attributes.timezone
  if type(zone) ~= 'string' then zone = '' end
  m['zone:' .. zone] = 1
  if not ctx then return m end
  local keys = {}
  for k in pairs(attributes) do keys[#keys + 1] = k end
  table.sort(keys) -- the first keys registered do not depend on a table's order
  for _, k in ipairs(keys) do
    local value, kind = attributes[k], type(attributes[k])
    if not UNINDEXED_ATTRIBUTES[k] and (kind == 'number' or kind == 'string' or kind == 'boolean')
        and attribute_indexed(ctx, k) then
      m['has:a:' .. k] = 1
      if kind == 'number' then
        m['has:a:n:' .. k] = 1
        slices(m, 'a:n:' .. k .. ':', number_bucket(value), NUMBER_BITS)
      elseif kind == 'boolean' then
        m['a:b:' .. k .. '=' .. tostring(value)] = 1
      else
        m['has:a:s:' .. k] = 1
        if value_indexed(ctx, k, value) then m['a:s:' .. k .. '=' .. value] = 1 end
      end
    end
  end
  return m
end

-- Reads the indexed fields of subscription hash `key` into a table for memberships().
local function indexed_fields(key)
  local values = redis.call('HMGET', key, unpack(INDEXED_FIELDS))
  local v = {}
  for i, f in ipairs(INDEXED_FIELDS) do v[f] = values[i] or nil end
  return v
end

-- The bitmaps whose bit for a subscription differs between memberships `old` and `new`:
-- a list of {name, bit}, sorted by name.
local function membership_changes(old, new)
  local names, bits = {}, {}
  for name, bit in pairs(new) do
    if (old[name] or 0) ~= bit then
      names[#names + 1] = name
      bits[name] = bit
    end
  end
  for name, bit in pairs(old) do
    if new[name] == nil and bit ~= 0 then
      names[#names + 1] = name
      bits[name] = 0
    end
  end
  table.sort(names) -- strings compared in C: a Lua comparator costs about as much as the rest
  local changes = {}
  for i, name in ipairs(names) do changes[i] = { name, bits[name] } end
  return changes
end

-- The set of the keys a script was given (KEYS), for checking many writes against it.
local function declared_keys()
  local declared = {}
  for _, k in ipairs(KEYS) do declared[k] = true end
  return declared
end

-- The keys a write needs and was not given (a script must be given every key it touches): the
-- bitmaps among `changes` (names after `prefix`) and the registry keys `ctx` read. `declared`:
-- declared_keys(), made once by a script that checks several writes (else made here).
local function undeclared(prefix, changes, ctx, declared)
  local missing = {}
  declared = declared or declared_keys()
  for _, c in ipairs(changes) do
    if not declared[prefix .. c[1]] then missing[#missing + 1] = prefix .. c[1] end
  end
  for k in pairs(ctx and ctx.reads or {}) do
    if not declared[k] then missing[#missing + 1] = k end
  end
  return missing
end

-- The set of the customer a subscription with attributes JSON `attributes` is linked to
-- (`prefix` .. customerId), nil when it is linked to none.
local function customer_set(prefix, attributes)
  local c = cjson.decode(attributes or '{}').customerId
  if type(c) == 'string' and c ~= '' then return prefix .. c end
  return nil
end

-- The reply of a write not given every key it needs ({-2, key, ...}, for DeclaredKeys to run it
-- again with them), or nil when it has them all: see undeclared().
local function missing_keys(prefix, changes, ctx, declared)
  local missing = undeclared(prefix, changes, ctx, declared)
  if #missing == 0 then return nil end
  table.insert(missing, 1, -2)
  return missing
end

-- Bits of many subscriptions set by one script call, written at its end with one BITFIELD per
-- bitmap (and per 500 bits): one command, and one fed to the AOF and the replicas, instead of a
-- SETBIT a bit. Nothing may read the bitmaps before write(). Returns set(key, n, bit), write().
local function bit_batch()
  local ops, order = {}, {}
  local function set(key, n, bit)
    local o = ops[key]
    if not o then
      o = {}
      ops[key] = o
      order[#order + 1] = key
    end
    o[#o + 1] = 'SET'
    o[#o + 1] = 'u1'
    o[#o + 1] = n
    o[#o + 1] = bit
  end
  local function write()
    for _, key in ipairs(order) do
      local o = ops[key]
      for from = 1, #o, 2000 do redis.call('BITFIELD', key, unpack(o, from, math.min(#o, from + 1999))) end
    end
  end
  return set, write
end

-- Applies `changes` at ordinal `n`; with a registry `ctx`, a string value whose last member left
-- loses its bitmap and its place in the attribute's value set.
local function apply_memberships(prefix, changes, n, ctx)
  for _, c in ipairs(changes) do
    local key = prefix .. c[1]
    redis.call('SETBIT', key, n, c[2])
    if ctx and c[2] == 0 then
      local attribute, value = string.match(c[1], '^a:s:([^=]+)=(.*)$')
      if attribute and redis.call('BITCOUNT', key) == 0 then
        redis.call('DEL', key)
        redis.call('SREM', ctx.values .. attribute, value)
      end
    end
  end
end

-- A fact field's bit-sliced index (as fact_memberships names it): {has = its `has:` bitmap, slices =
-- the names of its slices from bit 0, code(value) = the sliced number of a stored value, nil when
-- it has none}; names after the site's bitmap prefix `prefix`, made once per script call and field.
local FACT_SLICES = {}
local BIT = { [0] = '0', [1] = '1' }
local function fact_slices(prefix, field)
  local cached = FACT_SLICES[prefix .. field]
  if cached then return cached end
  local name, kind, bits, code
  for rule, f in pairs(TIME_FIELDS) do
    if f == field then name, kind, bits, code = rule, 't:', TIME_BITS, epoch_hour end
  end
  if not name then
    name, kind, bits = field, 'n:', NUMBER_BITS
    code = function(v)
      local x = tonumber(v)
      return x and number_bucket(x)
    end
  end
  local slices = {}
  for i = 0, bits - 1 do slices[i] = prefix .. kind .. name .. ':' .. SLICE[i] end
  cached = { has = prefix .. 'has:' .. name, slices = slices, bits = bits, code = code }
  FACT_SLICES[prefix .. field] = cached
  return cached
end

-- Stamps facts (time and number fields, `fields`) on subscription hash `key`, its bitmaps with
-- them: `update(old)` gets the stored values of `fields` and returns the new ones. Only those
-- fields are read and compared: no other membership moves with them. A fact's bits are worked out
-- from its old and new sliced numbers (what fact_memberships would name, without building and
-- sorting the names of both sides: that was most of a stamp's cost). Returns a function that
-- writes the change, or nil and the reply naming the bitmaps the script was not given (nothing
-- written; see missing_keys, `declared` as there). `set(key, n, bit)` (bit_batch's) may take the
-- bits to write later; else each is a SETBIT. `stored` (optional): the hash's 'n' and `fields`,
-- as the caller read them (HMGET key n fields...).
local function stamp_facts(key, prefix, fields, update, declared, set, stored)
  stored = stored or redis.call('HMGET', key, 'n', unpack(fields))
  local old = {}
  for i, f in ipairs(fields) do old[f] = stored[i + 1] or nil end
  local new, n = update(old), stored[1] -- as text: a number would be formatted again for each bit
  local changes, missing = {}, { -2 }
  local function change(bitmap, bit)
    if declared and not declared[bitmap] then missing[#missing + 1] = bitmap end
    changes[#changes + 1] = { bitmap, bit }
  end
  for _, f in ipairs(n and fields or {}) do
    if new[f] ~= old[f] then
      local index = fact_slices(prefix, f)
      local before, after = index.code(old[f]), index.code(new[f])
      if (before == nil) ~= (after == nil) then change(index.has, after and '1' or '0') end
      if before ~= after then
        before, after = before or 0, after or 0
        for i = 0, index.bits - 1 do
          local b, a = before % 2, after % 2
          if a ~= b then change(index.slices[i], BIT[a]) end
          before, after = (before - b) / 2, (after - a) / 2
        end
      end
    end
  end
  if not declared then
    declared = declared_keys()
    for _, c in ipairs(changes) do
      if not declared[c[1]] then missing[#missing + 1] = c[1] end
    end
  end
  if #missing > 1 then return nil, missing end
  return function()
    local writes = {}
    for _, f in ipairs(fields) do
      if new[f] ~= old[f] then
        writes[#writes + 1] = f
        writes[#writes + 1] = new[f]
      end
    end
    if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
    for _, c in ipairs(changes) do
      if set then set(c[1], n, c[2]) else redis.call('SETBIT', c[1], n, c[2]) end
    end
  end
end

-- The ordinal of subscription hash `sub`, given one if it has none: a freed one first, else the
-- next never used. `ord` is {seq, free, ids}: the site's ordinal counter, its list of freed
-- ordinals and its id table; `id` is written at the ordinal.
local function ordinal_of(sub, ord, id)
  local n = redis.call('HGET', sub, 'n')
  if n then return tonumber(n) end
  n = redis.call('LPOP', ord[2])
  if n then n = tonumber(n) else n = redis.call('INCR', ord[1]) - 1 end
  redis.call('SETRANGE', ord[3], n * ID_WIDTH, id)
  redis.call('HSET', sub, 'n', n)
  return n
end

-- Frees ordinal `n` (its subscription is gone; its bits must be cleared already).
local function free_ordinal(ord, n)
  redis.call('SETRANGE', ord[3], n * ID_WIDTH, string.rep(' ', ID_WIDTH))
  redis.call('RPUSH', ord[2], n)
end
