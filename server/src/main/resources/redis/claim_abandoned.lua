-- Takes over units whose owner stopped heart-beating (XAUTOCLAIM), and parks those that have
-- been delivered too often: a unit that fails on every instance, or takes each one down with it,
-- must not run for ever. A parked unit leaves the stream for the site's parked hash with the
-- last failure noted for it; the caller then shows it on its campaign (parkedUnits,
-- parkedReason: WorkQueue.claimAbandoned), which cannot complete until an operator looks, while
-- every other unit goes on. (The campaign's key is known only from the unit, so it is written
-- by a second call rather than touched here undeclared.)
-- KEYS[1] work stream, KEYS[2] the site's parked-unit hash, KEYS[3] the site's unit-failure hash
-- ARGV[1] group, [2] consumer, [3] min idle millis, [4] count, [5] most deliveries before parking,
-- [6] now
-- Returns {the claimed entries as XAUTOCLAIM gives them ({id, {field, value, ...}}) less the
-- parked ones, {campaign id, reason, ...} of the parked ones}.
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])[2]
local out, parked = {}, {}
for _, entry in ipairs(claimed) do
  local id, fields = entry[1], entry[2]
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  local deliveries = #pending > 0 and tonumber(pending[1][4]) or 0
  if fields and deliveries > tonumber(ARGV[5]) then
    local unit = {}
    for i = 1, #fields, 2 do unit[fields[i]] = fields[i + 1] end
    local reason = redis.call('HGET', KEYS[3], id) or 'its instance stopped while running it'
    reason = 'delivered ' .. deliveries .. ' times without finishing; last failure: ' .. reason
    unit['reason'] = reason
    unit['parkedAt'] = ARGV[6]
    redis.call('HSET', KEYS[2], id, cjson.encode(unit))
    parked[#parked + 1] = unit['campaign'] or ''
    parked[#parked + 1] = reason
    redis.call('HDEL', KEYS[3], id)
    ack(KEYS[1], ARGV[1], id)
  else
    out[#out + 1] = entry
  end
end
return { out, parked }
