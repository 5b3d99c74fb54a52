-- wrk script: POST the same pre-built publish body over and over to a GRIP control endpoint.
--   BATCH=10 SIZE=64 CHANNEL=bench wrk -t1 -c8 -d10s -s publish.lua http://127.0.0.1:5561/publish/
-- Each body carries BATCH items, each with an http-stream and a ws-message format whose content is
-- SIZE bytes: the same shape and size as `gripcast bench --batch BATCH --size SIZE --no-ids`, so
-- the two are compared on equal bodies. Pushpin answers every publish with "Connection: close", so
-- wrk opens a connection per request, as gripcast must.
local batch = tonumber(os.getenv("BATCH") or "1")
local size = tonumber(os.getenv("SIZE") or "64")
local channel = os.getenv("CHANNEL") or "bench"
local items = {}
for i = 1, batch do
  local head = string.format("gcb wrk00000 %d 0 ", i)
  local text = head .. string.rep("x", math.max(0, size - 1 - #head)) .. "\\n"
  items[#items + 1] = string.format(
    '{"channel":"%s","formats":{"http-stream":{"content":"%s"},"ws-message":{"content":"%s"}}}',
    channel, text, text)
end
wrk.method = "POST"
wrk.body = '{"items":[' .. table.concat(items, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT batch=%d size=%d requests=%d errors_connect=%d errors_read=%d errors_status=%d req_per_s=%.1f items_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f body_bytes=%d\n",
    batch, size, summary.requests, summary.errors.connect, summary.errors.read, summary.errors.status,
    summary.requests / secs, summary.requests * batch / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, #wrk.body))
end
