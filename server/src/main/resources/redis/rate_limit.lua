-- Admits one browser request against two fixed-window counters of the same site and window:
-- KEYS[1] the client address's, KEYS[2] the site's (ratelimit.RateLimitStore).
-- ARGV[1] the address's limit, ARGV[2] the site's (0: that counter is not kept), ARGV[3] the
-- milliseconds a counter made now must live (to the window's end, and a little more).
-- Only admitted requests count: a refused one changes nothing, so an address over its limit
-- does not use up the site's allowance for everyone else.
-- Returns 0 when admitted, 1 when the address is over its limit, 2 when the site is.
-- Needs nothing of lib.lua and runs on every browser request, so it is sent without it.
local perAddress, perSite = tonumber(ARGV[1]), tonumber(ARGV[2])
if perAddress > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') >= perAddress then return 1 end
if perSite > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= perSite then return 2 end
for i, limit in ipairs({perAddress, perSite}) do
  if limit > 0 and redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return 0
