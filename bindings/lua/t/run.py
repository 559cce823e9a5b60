#!/usr/bin/env python3
"""lua-resty-jwtguard's tests: the module under plain LuaJIT (t/unit.lua: the API and the
conformance file), then bindings/lua/example/nginx.conf as written, under Debian's nginx with
libnginx-mod-http-lua on loopback: 200, 401, 403, 400, claims forwarded, forged headers
removed, the conformance file through OpenResty, and a wrk run (skipped with --no-load).

Usage: bindings/lua/t/run.py [--no-load]
Environment: JWTGUARD_LUA_PORT (default 18530), WRK_SECONDS (default 10).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from gatewaytest import (ROOT, Checks, conformance_cases, example_cases, request, run_cases,  # noqa: E402
                         sample_tokens, wrk)

HERE = os.path.join(ROOT, "bindings", "lua")
OUT = os.path.join(ROOT, "target", "lua")
LIB = os.path.join(ROOT, "target", "release", "libjwtguard.so")
PORT = int(os.environ.get("JWTGUARD_LUA_PORT", "18530"))
LUA_PATH = f"{HERE}/lib/?.lua;{HERE}/t/?.lua"
check = Checks("lua")


def main():
    no_load = "--no-load" in sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    print("==> building libjwtguard.so and the token minting tool", flush=True)
    subprocess.run(["cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi"],
                   cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi",
                    "--example", "mint_token"], cwd=ROOT, check=True)
    print("==> lua-resty-jwtguard's declarations match include/jwtguard.h", flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, "gen-cdef.py"), "--check"], check=True)

    print("==> plain LuaJIT: the API and the conformance file", flush=True)
    env = dict(os.environ, LUA_PATH=LUA_PATH + ";;", JWTGUARD_LIB=LIB)
    unit = subprocess.run(["luajit", os.path.join(HERE, "t", "unit.lua"),
                           os.path.join(ROOT, "tests", "conformance")],
                          env=env, capture_output=True, text=True)
    check(f"t/unit.lua: {unit.stdout.strip()}", unit.returncode == 0, unit.stderr)

    print("==> luarocks make installs the rockspec", flush=True)
    tree = tempfile.mkdtemp(prefix="rocks.", dir=OUT if os.path.isdir(OUT) else None)
    rock = subprocess.run(["luarocks", "make", "--tree", tree, "lua-resty-jwtguard-0.1.0-1.rockspec"],
                          cwd=HERE, capture_output=True, text=True)
    installed = subprocess.run(
        ["luajit", "-e", 'local j = require "resty.jwtguard"; assert(j.bearer("Bearer a.b.c") == "a.b.c")'],
        env=dict(os.environ, LUA_PATH=f"{tree}/share/lua/5.1/?.lua;;", JWTGUARD_LIB=LIB),
        capture_output=True, text=True)
    check("luarocks make installs resty.jwtguard, which loads from the tree",
          rock.returncode == 0 and installed.returncode == 0, rock.stderr + installed.stderr)
    shutil.rmtree(tree, ignore_errors=True)

    print("==> bindings/lua/example/nginx.conf under nginx with the Lua module", flush=True)
    os.makedirs(OUT, exist_ok=True)
    prefix = tempfile.mkdtemp(prefix="prefix.", dir=OUT)
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    os.chmod(prefix, 0o755)  # the workers (nobody) read the static file
    os.makedirs(os.path.join(prefix, "html", "load"), exist_ok=True)
    with open(os.path.join(prefix, "html", "load", "index.txt"), "w") as f:
        f.write("ok\n")
    extra = """
        # (The test's own locations.) The load run's: the access phase, then a static file, as
        # the nginx module's load run serves one.
        location /load/ {
            access_by_lua_block {
                require("resty.jwtguard").access(package.loaded.api_verifier, {
                    claim_headers = { ["X-User-Id"] = "sub" },
                })
            }
            root @PREFIX@/html;
        }
        location /echo/ { return 200 "sub=[$http_x_user_id] name=[$http_x_user_name]\\n"; }
        location /conformance/ {
            content_by_lua_block {
                local c = require "conformance"
                local vs = package.loaded.conformance_verifiers
                if not vs then
                    vs = c.verifiers("@CONFORMANCE@")
                    package.loaded.conformance_verifiers = vs
                end
                local policy = ngx.var.uri:match("^/conformance/([^/]+)")
                ngx.say(c.status(vs[policy], ngx.var.http_x_token))
            }
        }"""
    conf = open(os.path.join(HERE, "example", "nginx.conf")).read().replace("@EXTRA@", extra)
    for k, v in {"PREFIX": prefix, "LIB": LIB, "MODULES": "/usr/lib/nginx/modules", "LUA_PATH": LUA_PATH, "PORT": str(PORT),
                 "KEYS": os.path.join(ROOT, "examples", "data"),
                 "UPSTREAM": f"127.0.0.1:{PORT}/echo/",
                 "CONFORMANCE": os.path.join(ROOT, "tests", "conformance")}.items():
        conf = conf.replace(f"@{k}@", v)
    path = os.path.join(prefix, "nginx.conf")
    open(path, "w").write(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    t = subprocess.run([nginx, "-p", prefix, "-c", path, "-t"], capture_output=True, text=True)
    if t.returncode:
        check("nginx -t accepts the example", False, t.stderr)
        return check.finish()
    subprocess.run([nginx, "-p", prefix, "-c", path], check=True)
    try:
        for _ in range(50):
            try:
                request(PORT, "/echo/ready")
                break
            except OSError:
                time.sleep(0.1)
        run(prefix, no_load)
    finally:
        subprocess.run([nginx, "-p", prefix, "-c", path, "-s", "quit"])
        time.sleep(0.5)
    return check.finish()


def run(prefix, no_load):
    t = sample_tokens()
    bearer = lambda name: [("Authorization", f"Bearer {t[name]}")]
    run_cases(check, PORT, example_cases(t))

    # The conformance file through OpenResty.
    wrong, cases = [], conformance_cases()
    for name, policy, want, token in cases:
        _, _, body = request(PORT, f"/conformance/{policy}", [("X-Token", token)])
        if body.strip() != want:
            wrong.append(f"{name}: {body.strip()}, want {want}")
    check(f"conformance: {len(cases)} cases through OpenResty", len(cases) >= 60 and not wrong,
          "\n".join(wrong))

    errors = open(os.path.join(prefix, "error.log")).read()
    check("no Lua error in the log", "lua entry thread aborted" not in errors and "runtime error" not in errors,
          errors[-2000:])
    if no_load or not shutil.which("wrk"):
        return
    status, _, _ = request(PORT, "/load/index.txt", bearer("valid"))
    check(f"the load location serves a valid token: {status}", status == 200)
    rps, out, ok = wrk(f"http://127.0.0.1:{PORT}/load/index.txt", t["valid"], OUT)
    figure = (f"lua-resty-jwtguard, access_by_lua then a static file, 2 workers, RS256-2048: "
              f"{rps or '?'} requests/s")
    print("    " + figure)
    with open(os.path.join(OUT, "load-figures.txt"), "w") as f:
        f.write(figure + "\n")
    check("wrk: every response 200", ok, out)


if __name__ == "__main__":
    sys.exit(main())
