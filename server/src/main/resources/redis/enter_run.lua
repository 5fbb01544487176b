-- Starts an automation run, or refreshes the live one (lib.lua's enter_run), for one entry: a
-- welcome, a price drop or restock, a transactional push. (Commerce events enter theirs in
-- record_events.lua.)
-- KEYS[1] the site's run due zset, then every key the entry names (its run, automation, order
-- markers and index sets)
-- ARGV[1] the entry (JSON, as lib.lua's enter_run reads it), [2] now epoch ms, [3] seconds the
-- index sets are kept
-- Returns what enter_run returns.
return enter_run(cjson.decode(ARGV[1]), KEYS[1], ARGV[2], ARGV[3], function(hash, field, n)
  redis.call('HINCRBY', hash, field, n)
end)
