-- Records how messages of one campaign ended, idempotently: a subscriber's progress moves only
-- forward (lib.lua's advance), and a counter moves only with it, so an outcome recorded twice (a
-- unit re-run after a crash) counts once.
-- KEYS[1] campaign hash, KEYS[2] campaign progress hash, KEYS[3] the site's retry zset,
-- KEYS[4] the campaign's failure reasons hash, KEYS[5] the site's set of finished campaigns,
-- KEYS[6] the site's report hash of the day (its accepted messages count there as 'sent')
-- ARGV[1] campaign id, [2] now (ISO-8601), then groups of six:
--   subscription id, outcome (accepted|failed|expired|lapsed|suppressed|retry|defer|hold), attempt,
--   due epoch millis (retry, defer, hold), reason, variant ('' for none). 'defer' is a message not
--   sent because its push service asked us to back off: it waits like a retry but keeps its
--   attempt number; 'hold' one held back by quiet hours or a frequency cap. A 'suppressed' one (not
--   sent: its personalized message lacked data, was too large, or was capped) counts under
--   'suppressed:<reason>' too. A variant's message counts its final outcome under
--   'v:<variant>:<outcome>' as well, and its progress keeps the variant ('accepted:<variant>'),
--   for its receipts to count per variant (record_receipt.lua).
-- Returns the campaign status after recording.
local add, write = ledger()
local function count(stat) add(KEYS[1], 'stat:' .. stat, 1) end
local waiting = { retried = true, deferred = true, held = true }
local accepted = 0
for i = 3, #ARGV, 6 do
  local id, outcome, attempt, due, reason, variant = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local stat = advance(KEYS[2], id, outcome, attempt, due, KEYS[3], ARGV[1], id)
  if stat then
    count(stat)
    if stat == 'failed' and reason ~= '' then redis.call('HINCRBY', KEYS[4], reason, 1) end
    if stat == 'suppressed' then count('suppressed:' .. reason) end
    if stat == 'accepted' then accepted = accepted + 1 end
    if variant ~= '' and not waiting[stat] then
      count('v:' .. variant .. ':' .. stat)
      redis.call('HSET', KEYS[2], id, stat .. ':' .. variant)
    end
  end
end
write() -- one increment per counter and batch, not per message
report(KEYS[6], 'c:' .. ARGV[1], 'sent', accepted)
return complete_if_done(KEYS[1], KEYS[5], ARGV[2])
