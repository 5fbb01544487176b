-- Counts a service-worker receipt (delivered, clicked, closed) once per subscription and campaign,
-- and only for a subscription the campaign targeted (its progress hash knows it), so receipts
-- cannot be inflated with made-up ids.
-- A counted delivery or click is also stamped on the subscription (lastDeliveredAt,
-- lastClickedAt), if it still exists, for segments on engagement, and its time bitmaps follow; a
-- click also becomes its lastClick, for attributing orders.
-- An automation step's receipt is counted the same way into the automation's step counters:
-- once per run and subscription when it names its run (the run's message state must exist), else
-- once per step and subscription. A variant's receipt also counts for its variant: a campaign's as
-- its progress recorded it, an automation step's as the message said.
-- KEYS[1] campaign (or automation, or transactional push's run) hash, KEYS[2] its receipts set
-- (or the run hash, which then keeps them: KEYS[2] = KEYS[3]), KEYS[3] the hash that knows whom it
-- was sent to (the campaign's progress, the run; an automation without its run: KEYS[1], whose
-- step must have been sent), KEYS[4] the subscription hash, KEYS[5]
-- the site's report hash of the day, KEYS[6..] the bitmaps the stamp may change (its time
-- slices), as the caller guessed them
-- ARGV[1] stat name (delivered|clicked|closed), [2] subscription id, [3] now (ISO-8601),
-- [4] the site's bitmap prefix, [5] the counter's prefix ('stat:', or 'step:<n>:'), [6] the field
-- of KEYS[3] that must exist (the subscription's progress; a run's message state
-- '<generation>.<step>:<sub>'; for an automation 'step:<n>:sent' — and the subscription must
-- exist), [7] its report source ('c:<id>', 'a:<id>', 't'), [8] the variant an
-- automation step's message carried, as the service worker reports it ('' for none; counted only
-- for a variant of that step that was sent)
-- Returns 1 when counted, 0 for a repeat, -1 when there is no such campaign, -2 when the
-- campaign did not target this subscription, or {-2, key, ...} (changing nothing) naming the
-- bitmaps to add to KEYS.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local sent = redis.call('HGET', KEYS[3], ARGV[6])
if not sent then return -2 end
if KEYS[3] == KEYS[1] and redis.call('EXISTS', KEYS[4]) == 0 then return -2 end
-- A run keeps its receipts in its own hash, next to the message's state ('<field>|<stat>'): once
-- per run and device, gone with the run (or its generation).
local member = ARGV[5] .. ARGV[1] .. ':' .. ARGV[2]
if ARGV[5] == 'stat:' then member = ARGV[1] .. ':' .. ARGV[2] end
local in_run = KEYS[2] == KEYS[3]
if in_run then member = ARGV[6] .. '|' .. ARGV[1] end
if (in_run and redis.call('HEXISTS', KEYS[2], member) or redis.call('SISMEMBER', KEYS[2], member)) == 1 then return 0 end
local stamp = ({ delivered = 'lastDeliveredAt', clicked = 'lastClickedAt' })[ARGV[1]]
if stamp and redis.call('EXISTS', KEYS[4]) == 1 then
  local write, missing = stamp_facts(KEYS[4], ARGV[4], { stamp }, function() return { [stamp] = ARGV[3] } end)
  if missing then return missing end
  write()
end
if in_run then redis.call('HSET', KEYS[2], member, '1') else redis.call('SADD', KEYS[2], member) end
redis.call('HINCRBY', KEYS[1], ARGV[5] .. ARGV[1], 1)
-- A campaign variant's message keeps its variant with its outcome ('accepted:<variant>',
-- record_outcomes.lua): the receipt counts for that variant too.
local variant = string.match(sent, '^%a+:([%w_-]+)$')
if not variant and ARGV[8] ~= '' and redis.call('HEXISTS', KEYS[1], ARGV[5] .. 'v:' .. ARGV[8] .. ':accepted') == 1 then
  variant = ARGV[8]
end
if variant then redis.call('HINCRBY', KEYS[1], ARGV[5] .. 'v:' .. variant .. ':' .. ARGV[1], 1) end
if ARGV[1] ~= 'closed' then report(KEYS[5], ARGV[7], ARGV[1], 1) end
-- The last click is what an order is attributed to (engagement/Attribution.java): when, the
-- counters it credits, their prefix, the variant and the report source.
if ARGV[1] == 'clicked' and redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HSET', KEYS[4], 'lastClick', ARGV[3] .. '|' .. KEYS[1] .. '|' .. ARGV[5] .. '|' .. (variant or '') .. '|' .. ARGV[7])
end
return 1
