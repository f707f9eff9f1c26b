-- wrk script: cycle through the request paths of $PATHS (one per line, query string included),
-- sending Accept: $ACCEPT (default text/html). With DISTINCT=1 every request also gets a unique
-- trailing SPARQL comment ("# <nonce>t<thread>-<n>", for /sparql?query=… paths), so that no answer can
-- come from the endpoint's cache. $NONCE (one per wrk run) goes into that comment too: wrk's
-- counters restart at every run, and without it a later run would resend earlier texts.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local accept = os.getenv("ACCEPT") or "text/html"
local distinct = os.getenv("DISTINCT") == "1"
local nonce = os.getenv("NONCE") or ""
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

request = function()
  counter = counter + 1
  local path = paths[((counter + (tid or 0) * 7919) % #paths) + 1]
  if distinct then
    path = path .. "%0A%23%20" .. nonce .. "t" .. (tid or 0) .. "-" .. counter
  end
  return wrk.format("GET", path, {["Accept"] = accept})
end
