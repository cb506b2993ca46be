-- Spreads wrk's requests evenly over many hostnames, round-robin:
--   wrk --script bench/spread.lua http://127.0.0.1:PORT/ -- label1 label2 ...
-- Each request goes to 127.0.0.1 with `Host: <label>.localhost`, as a browser would send it.
local hosts = {}
local next_host = 0

function init(args)
  for _, label in ipairs(args) do
    hosts[#hosts + 1] = label .. ".localhost"
  end
  -- Threads start at different places in the list so that together they still cover it evenly.
  next_host = math.random(#hosts) - 1
end

function request()
  next_host = next_host % #hosts + 1
  return wrk.format(nil, nil, { Host = hosts[next_host] })
end
