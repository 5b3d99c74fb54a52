-- wrk script: like publish.lua, but every item of every request carries a fresh 22-character id,
-- as gripcast's items do by default (idempotent retries).
--   BATCH=100 SIZE=40 CHANNEL=bench wrk -t1 -c8 -d3s -s publish-ids.lua http://127.0.0.1:5561/publish/
-- Why a second script: Pushpin's handler keeps every id it sees for id_cache_ttl (60 s) in a hash
-- and an expiry-ordered map (src/handler/sequencer.cpp), so an item with an id costs the handler
-- more than one without, and the ids it keeps slow it down until they expire. publish.lua posts
-- one pre-built body with no ids and pays none of that; this one puts the same cost on both sides.
-- The body is built per request from fixed parts, so wrk's own cost stays small.
local batch = tonumber(os.getenv("BATCH") or "1")
local size = tonumber(os.getenv("SIZE") or "64")
local channel = os.getenv("CHANNEL") or "bench"
local heads, tails = {}, {}
for i = 1, batch do
  local head = string.format("gcb wrk00000 %d 0 ", i)
  local text = head .. string.rep("x", math.max(0, size - 1 - #head)) .. "\\n"
  heads[i] = string.format('{"channel":"%s","id":"', channel)
  tails[i] = string.format('","formats":{"http-stream":{"content":"%s"},"ws-message":{"content":"%s"}}}', text, text)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

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

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT batch=%d size=%d ids=fresh requests=%d errors_connect=%d errors_read=%d errors_status=%d req_per_s=%.1f items_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f\n",
    batch, size, summary.requests, summary.errors.connect, summary.errors.read, summary.errors.status,
    summary.requests / secs, summary.requests * batch / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
