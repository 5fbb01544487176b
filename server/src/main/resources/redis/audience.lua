-- Evaluates an audience on the site's bitmaps (segment/AudienceProgram.java compiles it) and
-- counts it or reads one page of it. The program leaves two bitmaps: `sure`, the subscribers
-- certainly in the audience, and `maybe`, a superset of it (the rest of `maybe` must be checked
-- against the rule by the caller: custom attributes, the boundary hour of a time rule).
-- One evaluation for counting and for sending: a count is |sure| plus the members of
-- maybe - sure that pass the rule; a campaign's page is the same sets, read in ordinal order.
-- KEYS[1] the id table, KEYS[2..1+ARGV[4]] scratch keys (deleted before returning), the rest
-- the bitmaps the program reads
-- ARGV[1] mode: 'count' ({|sure|}), 'page' (members of maybe from ordinal ARGV[2], at most
-- ARGV[3]: {next ordinal or -1 at the end, sure ids, unsure ids}), 'unsure' (the same over
-- maybe - sure only: {next, {}, ids}); [2] from ordinal, [3] most members, [4] scratch keys,
-- [5..] the program: postfix tokens
--   k <i>        push KEYS[i]
--   none         push an empty bitmap
--   and <n>, or <n>  combine the top n
--   minus        a b -> a and not b
--   range <has> <slice0> <value> <gt|gte|eq|lt|lte> <bits>  the subscribers whose bit-sliced
--                field (KEYS[has] its presence, KEYS[slice0 + i] bit i of its value: a time field's
--                hour, orderCount's bucket) compares so with `value`
-- and the custom attribute tests, which depend on whether the site indexes the attribute (its
-- registry KEYS[reg]) and, for a string, the value (its value set KEYS[set]); when they cannot
-- tell, they push KEYS[fallback] (0: nobody):
-- (An attribute, or a string value, the registry does not list while it has room was never seen:
-- nobody has it.)
--   ahas <reg> <attribute> <has> <fallback>       the subscribers with a value (KEYS[has])
--   aval <reg> <attribute> <set|0> <value> <bitmap> <fallback>  those with that string or boolean
--   anum <reg> <attribute> <has> <slice0> <bucket> <mode> <fallback>  a number compared by bucket
local SCRATCH = tonumber(ARGV[4])
local stack = {}
local function slot(i)
  if i > SCRATCH then return error('audience.lua: the program needs more than ' .. SCRATCH .. ' scratch keys') end
  return KEYS[1 + i]
end
local function minus(dest, a, b, spare)
  redis.call('BITOP', 'AND', spare, a, b)
  redis.call('BITOP', 'XOR', dest, a, spare)
end
-- Bit-sliced comparison (O'Neil & Quass): walks the hour's bits from the highest, keeping
-- `gt` (already greater) and `eq` (equal so far).
local function range(has, slice0, hour, mode, h, bits)
  local gt, eq, spare = slot(h + 1), slot(h + 2), slot(h + 3)
  redis.call('DEL', gt)
  redis.call('BITOP', 'OR', eq, has)
  for i = bits - 1, 0, -1 do
    local s = KEYS[slice0 + i]
    if math.floor(hour / 2 ^ i) % 2 == 1 then
      redis.call('BITOP', 'AND', eq, eq, s)
    else
      redis.call('BITOP', 'AND', spare, eq, s)
      redis.call('BITOP', 'OR', gt, gt, spare)
      redis.call('BITOP', 'XOR', eq, eq, spare)
    end
  end
  if mode == 'gte' or mode == 'lt' then redis.call('BITOP', 'OR', gt, gt, eq) end
  if mode == 'eq' then redis.call('BITOP', 'OR', gt, eq) end
  if mode == 'lt' or mode == 'lte' then minus(gt, has, gt, spare) end
  return gt
end
local i = 5
while i <= #ARGV do
  local op = ARGV[i]
  local h = #stack
  if op == 'k' then
    stack[h + 1] = KEYS[tonumber(ARGV[i + 1])]
    i = i + 2
  elseif op == 'none' then
    redis.call('DEL', slot(h + 1))
    stack[h + 1] = slot(h + 1)
    i = i + 1
  elseif op == 'and' or op == 'or' then
    local n = tonumber(ARGV[i + 1])
    local args = {}
    for j = h - n + 1, h do
      args[#args + 1] = stack[j]
      stack[j] = nil
    end
    local dest = slot(h - n + 1)
    redis.call('BITOP', string.upper(op), dest, unpack(args))
    stack[h - n + 1] = dest
    i = i + 2
  elseif op == 'minus' then
    local dest = slot(h - 1)
    minus(dest, stack[h - 1], stack[h], slot(h + 1))
    stack[h] = nil
    stack[h - 1] = dest
    i = i + 1
  elseif op == 'range' then
    stack[h + 1] = range(KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4], h,
      tonumber(ARGV[i + 5]))
    i = i + 6
  elseif op == 'ahas' or op == 'aval' or op == 'anum' then
    local width = ({ ahas = 5, aval = 7, anum = 8 })[op]
    local reg, attribute, fallback = KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], tonumber(ARGV[i + width - 1])
    local result = nil
    if redis.call('HEXISTS', reg, attribute) == 1 then
      if op == 'ahas' then
        result = KEYS[tonumber(ARGV[i + 3])]
      elseif op == 'anum' then
        result = range(KEYS[tonumber(ARGV[i + 3])], tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5]), ARGV[i + 6], h, NUMBER_BITS)
      else
        local set = tonumber(ARGV[i + 3])
        if set == 0 or redis.call('SISMEMBER', KEYS[set], ARGV[i + 4]) == 1 then
          result = KEYS[tonumber(ARGV[i + 5])]
        elseif redis.call('HGET', reg, attribute) ~= '2' then
          fallback = 0 -- every value seen so far has a bitmap (the set never closed): nobody has this one
        end
      end
    elseif redis.call('HLEN', reg) < ATTRIBUTE_KEYS_MAX then
      fallback = 0 -- every attribute seen so far is indexed: nobody has this one
    end
    if not result then
      if fallback == 0 then
        result = slot(h + 1)
        redis.call('DEL', result)
      else
        result = KEYS[fallback]
      end
    end
    stack[h + 1] = result
    i = i + width
  else
    return error('audience.lua: unknown op ' .. op)
  end
end
if #stack ~= 2 then return error('audience.lua: the program left ' .. #stack .. ' bitmaps, not 2') end
local sure, maybe = stack[1], stack[2]

local function cleanup()
  for s = 1, SCRATCH do redis.call('DEL', KEYS[1 + s]) end
end

if ARGV[1] == 'count' then
  local n = redis.call('BITCOUNT', sure)
  cleanup()
  return { n }
end

local walked, classify = maybe, true
if ARGV[1] == 'unsure' then
  local dest = slot(3)
  if dest == sure or dest == maybe then return error('audience.lua: scratch overlap') end
  minus(dest, maybe, sure, slot(4))
  walked, classify = dest, false
end

-- Members of `walked` from ordinal `from`, at most `limit`, reading at most BUDGET bytes.
local WINDOW, BUDGET = 1024, 131072
local from, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local sureIds, unsureIds = {}, {}
local found, read, next = 0, 0, -1
local byte = math.floor(from / 8)
while true do
  local p = redis.call('BITPOS', walked, 1, byte)
  if p < 0 then next = -1; break end
  byte = math.floor(p / 8)
  local chunk = redis.call('GETRANGE', walked, byte, byte + WINDOW - 1)
  local sureChunk = classify and redis.call('GETRANGE', sure, byte, byte + WINDOW - 1) or ''
  local stop = nil
  for b = 1, #chunk do
    local v = string.byte(chunk, b)
    if v ~= 0 then
      local sv = string.byte(sureChunk, b) or 0
      for bit_ = 0, 7 do
        local mask = 2 ^ (7 - bit_)
        if math.floor(v / mask) % 2 == 1 then
          local n = (byte + b - 1) * 8 + bit_
          if n >= from then
            if found >= limit then stop = n; break end
            local id = redis.call('GETRANGE', KEYS[1], n * ID_WIDTH, n * ID_WIDTH + ID_WIDTH - 1)
            if #id == ID_WIDTH and string.sub(id, 1, 1) ~= ' ' then
              if classify and math.floor(sv / mask) % 2 == 1 then sureIds[#sureIds + 1] = id
              else unsureIds[#unsureIds + 1] = id end
            end
            found = found + 1
          end
        end
      end
      if stop then break end
    end
  end
  read = read + #chunk
  if stop then next = stop; break end
  byte = byte + #chunk
  if #chunk < WINDOW then next = -1; break end
  if read >= BUDGET then next = byte * 8; break end
end
cleanup()
return { next, sureIds, unsureIds }
