-- Charges one request to every layer of token buckets it belongs to, in one round trip.
-- KEYS: the buckets, in order. ARGV[1]: the caller's clock in ms; then per bucket: capacity,
-- period in ms, cost (1 takes a token, -1 gives one back). Each bucket refills greedily
-- (capacity tokens spread evenly over the period). Stops at the first bucket that refuses, as
-- the layers are checked one after the other. Answers four integers per bucket consulted:
-- allowed (1/0), tokens remaining, ms until full, ms until the next token.
local now = tonumber(ARGV[1])
local answer = {}
for i, key in ipairs(KEYS) do
    local capacity = tonumber(ARGV[3 * i - 1])
    local period = tonumber(ARGV[3 * i])
    local cost = tonumber(ARGV[3 * i + 1])
    local state = redis.call('HMGET', key, 't', 'at')
    local tokens = tonumber(state[1])
    local at = tonumber(state[2])
    if tokens == nil or at == nil then
        tokens = capacity
        at = now
    elseif now > at then
        tokens = math.min(capacity, tokens + (now - at) / period * capacity)
        at = now
    end
    local allowed = 0
    if tokens >= cost then
        tokens = math.min(capacity, tokens - cost)
        allowed = 1
    end
    local untilFull = math.ceil((capacity - tokens) / capacity * period)
    local untilNext = 0
    if allowed == 0 then
        untilNext = math.ceil((cost - tokens) / capacity * period)
    end
    redis.call('HSET', key, 't', string.format('%.17g', tokens), 'at', string.format('%d', at))
    redis.call('PEXPIRE', key, untilFull + 10000)
    answer[#answer + 1] = allowed
    answer[#answer + 1] = math.floor(tokens)
    answer[#answer + 1] = untilFull
    answer[#answer + 1] = untilNext
    if allowed == 0 then
        break
    end
end
return answer
