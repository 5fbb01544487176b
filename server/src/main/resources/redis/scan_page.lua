-- Reads one page of an audience's driver set with SSCAN, safely across Redis processes.
-- An SSCAN cursor means something only inside the process that made it: each redis-server picks
-- its own hash seed, so a cursor resumed after a restart, on a promoted replica or after a slot
-- moved skips some members and repeats others. The cursor is therefore kept with the run_id of
-- the process that made it, and a cursor of another process restarts the scan of this set from 0;
-- commit_scan.lua drops the members met twice, so the restart costs time, never a subscriber.
-- KEYS[1] the driver set; ARGV[1] cursor, [2] run_id it was made by ('' with cursor 0), [3] COUNT
-- Returns {next cursor, members, this process's run_id, 1 when the scan was restarted else 0}.
local info = redis.call('INFO', 'server')
local run = string.match(info, 'run_id:(%x+)')
local cursor = ARGV[1]
local restarted = 0
if cursor ~= '0' and ARGV[2] ~= run then
  cursor = '0'
  restarted = 1
end
local page = redis.call('SSCAN', KEYS[1], cursor, 'COUNT', ARGV[3])
return {page[1], page[2], run, restarted}
