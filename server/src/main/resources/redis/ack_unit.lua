-- Acknowledges and deletes a work unit, only if this consumer still owns it: a unit taken over by
-- another instance (this one stalled past the claim time) is that instance's to finish, and
-- deleting it under it would strand the messages it has yet to send.
-- KEYS[1] work stream; ARGV[1] group, [2] consumer, [3] entry id
-- Returns 1 when acknowledged, 0 when the unit is not (or no longer) this consumer's.
if not owns(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
ack(KEYS[1], ARGV[1], ARGV[3])
return 1
