-- wrk script for the load runs over a stream of distinct tokens (nginx/tests/run.py, 90-load):
-- `wrk -s stream.lua URL -- FILE`, FILE holding one token per line. Each wrk thread sends its
-- own half of the tokens, one after another, so a token comes back only after every other
-- token of the file has been sent once.
local threads = 0

function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end

function init(args)
    local all = {}
    for line in io.lines(args[1]) do
        all[#all + 1] = line
    end
    mine = {}
    for i = id + 1, #all, 2 do
        mine[#mine + 1] = "Bearer " .. all[i]
    end
    n = 0
end

function request()
    n = n % #mine + 1
    return wrk.format(nil, nil, { Authorization = mine[n] })
end
