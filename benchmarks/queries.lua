-- wrk script: cycle through the URL-encoded queries of $QUERIES (one per line), GET $QPATH?query=…
-- With DISTINCT=1 every request also gets a unique trailing comment ("# t<thread>-<n>"), so no
-- two requests share a text and no answer can come from a cache: the class measures evaluation.
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do queries[#queries + 1] = line end
local path = os.getenv("QPATH") or "/sparql"
local distinct = os.getenv("DISTINCT") == "1"
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

request = function()
  counter = counter + 1
  local query = queries[((counter + (tid or 0) * 7919) % #queries) + 1]
  if distinct then
    query = query .. "%0A%23%20t" .. (tid or 0) .. "-" .. counter
  end
  return wrk.format("GET", path .. "?query=" .. query, {["Accept"] = "application/sparql-results+json"})
end
