-- wrk script for bench/case_submission.sh: one case (办件) submitted per request,
-- POST /v1/services/cases with submit: true, by a self-service kiosk of 青川市
-- (its API key from wrk's -H), for the identity numbers in the file named by the
-- first argument (one a line), each thread from its own starting point. The
-- item's two materials are fetched through the exchange by the node.
--   wrk ... -s bench/case_submission.lua URL -- KEYS_FILE ITEM
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      bodies[#bodies + 1] = '{"item":"' .. args[2] .. '","channel":"kiosk","submit":true,' ..
        '"applicant":{"kind":"citizen","id_number":"' .. line .. '","name":"压测申请人",' ..
        '"identity_checked":true}}'
    end
  end
  if #bodies == 0 then
    error("no identity numbers in " .. tostring(args[1]))
  end
  i = ((id or 1) - 1) * 499 % #bodies
  -- wrk.format replaces wrk's headers (the -H Authorization) with the ones given.
  headers = {}
  for k, v in pairs(wrk.headers) do
    headers[k] = v
  end
  headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/services/cases", headers, bodies[i])
end
