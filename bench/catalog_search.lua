-- wrk script for bench/catalog_search.sh: cycles through the request paths in
-- the file named by its first argument (one path per line), each thread from
-- its own starting point, so that every query is sent equally often. The
-- Authorization header comes from wrk's -H.
--   wrk ... -s bench/catalog_search.lua URL -- PATHS_FILE
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. tostring(args[1]))
  end
  i = ((id or 1) - 1) * 7 % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
