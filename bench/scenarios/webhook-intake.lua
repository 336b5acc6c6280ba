-- POST Evolution API webhooks (messages.upsert, text) to one provider's webhook URL, each with a new message id,
-- from 1,000 contacts. Measures intake: the answer comes once the webhook is stored in PostgreSQL.
local report = dofile(os.getenv("BENCH_REPORT"))
local path = os.getenv("WEBHOOK_PATH") or error("run through bench/run, which runs webhook-intake.setup.sh")
local counter = 0
local prefix

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  prefix = string.format("%08X", math.random(0, 0x7FFFFFFF))
end

local template = '{"event":"messages.upsert","instance":"bench","data":{"key":{"remoteJid":"55119%08d@s.whatsapp.net",'
  .. '"fromMe":false,"id":"3EB0%s%d"},"pushName":"Bench","status":"DELIVERY_ACK","message":{"conversation":"hello %d"},'
  .. '"messageType":"conversation","messageTimestamp":1717689097},"date_time":"2024-06-06T13:38:17.123Z",'
  .. '"sender":"5511888888888@s.whatsapp.net","server_url":"https://evolution.example.com"}'

request = function()
  counter = counter + 1
  local body = string.format(template, counter % 1000, prefix, counter, counter)
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end

if report.paced then delay = report.delay end
done = report.done
