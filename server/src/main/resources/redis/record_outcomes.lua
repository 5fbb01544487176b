-- Records how messages of one campaign ended, idempotently: a subscriber's progress moves only
-- forward (lib.lua's advance), and a counter moves only with it, so an outcome recorded twice (a
-- unit re-run after a crash) counts once.
-- KEYS[1] campaign hash, KEYS[2] campaign progress hash, KEYS[3] the site's retry zset,
-- KEYS[4] the campaign's failure reasons hash, KEYS[5] the site's set of finished campaigns
-- ARGV[1] campaign id, [2] now (ISO-8601), then groups of five:
--   subscription id, outcome (accepted|failed|expired|lapsed|suppressed|retry|defer), attempt, due epoch millis
--   (retry, defer), reason. 'defer' is a message not sent because its push service asked us to
--   back off: it waits like a retry but keeps its attempt number. A 'suppressed' one (not sent:
--   its personalized message lacked data, or was too large) counts under 'suppressed:<reason>' too.
-- Returns the campaign status after recording.
local add, write = ledger()
local function count(stat) add(KEYS[1], 'stat:' .. stat, 1) end
for i = 3, #ARGV, 5 do
  local id, outcome, attempt, due, reason = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local stat = advance(KEYS[2], id, outcome, attempt, due, KEYS[3], ARGV[1], id)
  if stat then
    count(stat)
    if stat == 'failed' and reason ~= '' then redis.call('HINCRBY', KEYS[4], reason, 1) end
    if stat == 'suppressed' then count('suppressed:' .. reason) end
  end
end
write() -- one increment per counter and batch, not per message
return complete_if_done(KEYS[1], KEYS[5], ARGV[2])
