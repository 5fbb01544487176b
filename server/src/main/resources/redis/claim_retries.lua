-- Moves retries whose time has come from the site's retry zset into its work stream as send
-- units (one per campaign and attempt), atomically, so each retry is enqueued exactly once
-- however many instances poll.
-- KEYS[1] retry zset, KEYS[2] work stream
-- ARGV[1] now epoch millis, [2] most entries to move
-- Returns {how many retries were moved, the due epoch millis of the next one left (-1: none)}.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return { 0, head_score(KEYS[1]) } end
local groups, order = {}, {}
for _, member in ipairs(due) do
  local campaign, id, attempt = string.match(member, '^([^|]+)|([^|]+)|([^|]+)$')
  local key = campaign .. '|' .. attempt
  if not groups[key] then
    groups[key] = { campaign = campaign, attempt = attempt, ids = {} }
    order[#order + 1] = key
  end
  table.insert(groups[key].ids, id)
end
for _, key in ipairs(order) do
  local g = groups[key]
  add_send_unit(KEYS[2], g.campaign, g.attempt, table.concat(g.ids, ','))
end
redis.call('ZREM', KEYS[1], unpack(due))
return { #due, head_score(KEYS[1]) }
