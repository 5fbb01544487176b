-- Claims, for one run of one send unit, the subscribers it may send to, and returns what is
-- needed to send to them, in one round trip. Claimed: those queued by the scan ('q', attempt 1)
-- or waiting for exactly this attempt ('r<attempt>': a retry, or a message deferred while its
-- push service asked us to back off), and those this same unit had already claimed (a re-run
-- after its instance died: their messages may or may not have gone out). Each is marked
-- 's<attempt>:<unit entry id>' while its message is in flight.
-- Nothing is claimed unless the campaign is sending: once cancelled, no new message goes out.
-- KEYS[1] campaign hash, KEYS[2] campaign progress hash, KEYS[3..] the subscription hashes, in
-- the order of the ids
-- ARGV[1] attempt, [2] unit entry id, [3] more subscription fields to return (space-separated:
-- those a personalized message reads; '' for none), [4..] subscription ids
-- Returns, for each claimed id, six values and then those fields' ('' when absent): id,
-- endpoint, p256dh, auth ('' for those three when the subscription no longer exists), the
-- VAPID public key it was made with ('' when it was stored before keys were recorded), and '1'
-- when the message is not counted against the frequency caps yet (lib.lua's uncounted), else ''.
if redis.call('HGET', KEYS[1], 'status') ~= STATUS.sending then return {} end
local attempt = ARGV[1]
local mark = 's' .. attempt .. ':' .. ARGV[2]
local fields = { 'endpoint', 'p256dh', 'auth', 'vapidKey' }
for f in string.gmatch(ARGV[3], '%S+') do fields[#fields + 1] = f end
local out = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local state = redis.call('HGET', KEYS[2], id)
  if claimable(state, attempt, mark) then
    redis.call('HSET', KEYS[2], id, mark)
    local sub = redis.call('HMGET', KEYS[i - 1], unpack(fields))
    out[#out + 1] = id
    for j = 1, 4 do out[#out + 1] = sub[j] or '' end
    out[#out + 1] = uncounted(state, mark) and '1' or ''
    for j = 5, #fields do out[#out + 1] = sub[j] or '' end
  end
end
return out
