-- POST /api/v1/accounts/{a}/cards/{c}/move: a random card of 250 to the end of a random one of
-- 5 stages, as an account admin. Each move locks the card and the target stage, computes the
-- rank after the stage's last card, writes the card's row and a history entry, and publishes
-- the live event through Redis after commit. No If-Match: concurrent moves of one card queue.
local report = dofile(os.getenv("BENCH_REPORT"))

local function split(text)
  local parts = {}
  for part in string.gmatch(text or "", "[^,]+") do parts[#parts + 1] = part end
  return parts
end

local cards = split(os.getenv("CARD_IDS"))
local stages = split(os.getenv("STAGE_IDS"))
local base = "/api/v1/accounts/" .. os.getenv("ACCOUNT_ID") .. "/cards/"
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  ["Content-Type"] = "application/json",
}

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local card = cards[math.random(#cards)]
  local stage = stages[math.random(#stages)]
  return wrk.format("POST", base .. card .. "/move", headers, '{"stage_id":"' .. stage .. '"}')
end

report.pace()
done = report.done
