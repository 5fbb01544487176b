-- Ends one run for a reason outside its events: its automation was deleted or lost the step it
-- waits for ('stopped'), or its customer is being erased ('erased'). lib.lua's end_run moves the
-- automation's counters, if the automation still exists.
-- KEYS[1] run hash, [2] automation hash (a transactional push: its run), [3] the site's run due zset
-- ARGV[1] run id, [2] reason, [3] now epoch millis
-- Returns 1 when it ended the run, 0 when it was not live.
return end_run(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3]) and 1 or 0
