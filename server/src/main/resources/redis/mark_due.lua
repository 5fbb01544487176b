-- Claims, for one run of one send unit, the subscribers it may send to: those queued by the
-- scan ('q', attempt 1) or waiting for exactly this attempt ('r<attempt>': a retry, or a message
-- deferred while its push service asked us to back off), and those this same
-- unit had already claimed (a re-run after its instance died: their messages may or may not
-- have gone out). Each is marked 's<attempt>:<unit entry id>' while its message is in flight.
-- KEYS[1] campaign progress hash
-- ARGV[1] attempt, [2] unit entry id, [3..] subscription ids
-- Returns the ids claimed.
local attempt = ARGV[1]
local mark = 's' .. attempt .. ':' .. ARGV[2]
local waiting = 'r' .. attempt
local claimed = {}
for i = 3, #ARGV do
  local state = redis.call('HGET', KEYS[1], ARGV[i])
  if state == waiting or state == mark or (state == 'q' and attempt == '1') then
    redis.call('HSET', KEYS[1], ARGV[i], mark)
    claimed[#claimed + 1] = ARGV[i]
  end
end
return claimed
