-- wrk script: like publish.lua, but every item of every request carries a fresh 22-character id,
-- as gripcast's items do by default (idempotent retries).
--   BATCH=100 SIZE=40 CHANNEL=bench wrk -t1 -c8 -d3s -s publish-ids.lua http://127.0.0.1:5561/publish/
-- Why a second script: Pushpin's handler keeps every id it sees for id_cache_ttl (60 s) in a hash
-- and an expiry-ordered map (src/handler/sequencer.cpp), so an item with an id costs the handler
-- more than one without, and the ids it keeps slow it down until they expire. publish.lua posts
-- one pre-built body with no ids and pays none of that; this one puts the same cost on both sides.
-- Everything but the body (settings, result line) is publish.lua's, loaded from beside this file.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "publish.lua")

local batch = tonumber(os.getenv("BATCH") or "1")
local size = tonumber(os.getenv("SIZE") or "64")
local channel = os.getenv("CHANNEL") or "bench"
-- each item's text before and after its id, built once; the body is assembled per request
local heads, tails = {}, {}
for i = 1, batch do
  local head = string.format("gcb wrk00000 %d 0 ", i)
  local text = head .. string.rep("x", math.max(0, size - 1 - #head)) .. "\\n"
  heads[i] = string.format('{"channel":"%s","id":"', channel)
  tails[i] = string.format('","formats":{"http-stream":{"content":"%s"},"ws-message":{"content":"%s"}}}', text, text)
end

local counter = 0
local salt = string.format("%08x", math.floor(os.time() % 4294967296))
local parts = {}
request = function()
  counter = counter + 1
  for i = 1, batch do
    -- 8 + 8 + 6 = 22 characters, unique per run (salt), request and item
    parts[i] = heads[i] .. salt .. string.format("%08d%06d", counter, i) .. tails[i]
  end
  return wrk.format(nil, nil, nil, '{"items":[' .. table.concat(parts, ",", 1, batch) .. ']}')
end
