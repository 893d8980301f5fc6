-- wrk script for every scenario of bench/scenarios.json. Its one argument is a data file that bench/run writes
-- from that file and the seeder's manifest (a Lua table: the scenarios, the scenario to run, users, slugs, tags...).
-- Each iteration draws its values once, then sends the scenario's requests in turn; a response whose status
-- is not 2xx/3xx counts as an error.

local data, pending, counter = nil, {}, 0
bad, statuses = 0, ""          -- globals, so done() can read them from the thread
local status_counts = {}

local function pick(list) return list[math.random(#list)] end

local function pick_weighted(mix)
  local r = math.random() * mix.total
  for _, choice in ipairs(mix) do
    r = r - choice.weight
    if r <= 0 then return choice.name end
  end
  return mix[#mix].name
end

-- the requests of one iteration of scenario `name`, already formatted
local function iteration(name)
  local s = data.scenarios[name]
  if s.mix then return iteration(pick_weighted(s.mix)) end
  counter = counter + 1
  local user = pick(data.users)
  local vars = {offset = tostring(pick(data.offsets)), search = pick(data.searches), slug = pick(data.slugs),
                tag = pick(data.tags),
                long_slug = pick(data.long_slugs),
                text = pick(data.texts), email = user.email, password = user.password,
                title = string.format("Bench article %d-%d-%d", data.stamp, counter, math.random(1e9))}
  local out = {}
  for i, r in ipairs(s.requests) do
    -- a web page's path is relative to the site's root, an API call's to the API's base
    local headers = {["Accept"] = r.site and "text/html" or "application/json"}
    if r.auth then headers["Authorization"] = "Token " .. user.token end
    local body = nil
    if r.body then
      headers["Content-Type"] = "application/json"
      body = r.body:gsub("{([%w_]+)}", vars)
    end
    local path = r.path:gsub("{([%w_]+)}", vars)
    out[i] = wrk.format(r.method, (r.site and data.site_prefix or data.prefix) .. path, headers, body)
  end
  return out
end

function init(args)
  data = dofile(args[1])
  math.randomseed(data.seed)
end

function request()
  if #pending == 0 then
    local reqs = iteration(data.scenario)
    for i = #reqs, 1, -1 do pending[#pending + 1] = reqs[i] end
  end
  return table.remove(pending)
end

function response(status, headers, body)
  if status < 200 or status >= 400 then
    bad = bad + 1
    status_counts[status] = (status_counts[status] or 0) + 1
    local parts = {}
    for code, n in pairs(status_counts) do parts[#parts + 1] = code .. ":" .. n end
    statuses = table.concat(parts, ",")
  end
end

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, requests)
  local bad_total, status_text = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    if t:get("statuses") ~= "" then status_text = status_text .. t:get("statuses") .. " " end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "bad_status": %d, "statuses": "%s", ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "p99_9": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, bad_total, status_text,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max))
end
