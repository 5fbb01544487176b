-- Checks and counts the site's frequency caps for the messages of a unit about to be sent: each
-- subscription's check and count happen in this one atomic step, so two campaigns (or a campaign
-- and an automation) sending to the same people at once never take anyone past a cap.
-- KEYS the subscription hashes, one per message
-- ARGV[1] now epoch millis, [2] the caps as 'max:window millis' separated by spaces, then per
-- message '1' to count it whatever the caps say (ignoreCap), else ''
-- Returns per message 0 when counted (to be sent), or the epoch millis when the caps will have
-- room for it (not counted). A subscription that is gone is not counted (0).
local now = tonumber(ARGV[1])
local caps = {}
for max, window in string.gmatch(ARGV[2], '(%d+):(%d+)') do caps[#caps + 1] = { tonumber(max), tonumber(window) } end
local out = {}
for i, sub in ipairs(KEYS) do
  local free_at = nil
  if redis.call('EXISTS', sub) == 1 then free_at = take_cap(sub, caps, now, ARGV[2 + i] == '1') end
  out[i] = free_at or 0
end
return out
