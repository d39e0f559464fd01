-- wrk script for bench/exchange_delivery.sh: one single-record delivery per
-- request, GET /v1/exchange/resources/101001/000002/records?gmsfhm=…, cycling
-- through the identity numbers in the file named by its first argument (one a
-- line), each thread from its own starting point. The Authorization header
-- comes from wrk's -H.
--   wrk ... -s bench/exchange_delivery.lua URL -- KEYS_FILE
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = "/v1/exchange/resources/101001/000002/records?gmsfhm=" .. line
    end
  end
  if #paths == 0 then
    error("no identity numbers in " .. tostring(args[1]))
  end
  i = ((id or 1) - 1) * 499 % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
