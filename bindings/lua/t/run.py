#!/usr/bin/env python3
"""lua-resty-jwtguard's tests: the module under plain LuaJIT (t/unit.lua: the API and the
conformance file), then bindings/lua/example/nginx.conf as written, under Debian's nginx with
libnginx-mod-http-lua on loopback: 200, 401, 403, 400, claims forwarded, forged headers
removed, the conformance file through OpenResty, and a wrk run (skipped with --no-load).

Usage: bindings/lua/t/run.py [--no-load]
Environment: JWTGUARD_LUA_PORT (default 18530), WRK_SECONDS (default 10).
"""
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HERE = os.path.join(ROOT, "bindings", "lua")
OUT = os.path.join(ROOT, "target", "lua")
LIB = os.path.join(ROOT, "target", "release", "libjwtguard.so")
MINT = os.path.join(ROOT, "target", "release", "examples", "mint_token")
PORT = int(os.environ.get("JWTGUARD_LUA_PORT", "18530"))
LUA_PATH = f"{HERE}/lib/?.lua;{HERE}/t/?.lua"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"    ok  {name}")
    else:
        failed += 1
        print(f"    FAIL {name}" + (f"\n{detail}" if detail else ""))


def request(path, headers=()):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in headers:
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), body


def mint(claims, header='{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}'):
    now = int(time.time())
    claims = claims.replace("{now+3600}", str(now + 3600)).replace("{now-3600}", str(now - 3600))
    return subprocess.run([MINT, header, claims], check=True, capture_output=True,
                          text=True).stdout.strip()


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
    extra = """
        # (The test's own locations.)
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
        return finish()
    subprocess.run([nginx, "-p", prefix, "-c", path], check=True)
    try:
        for _ in range(50):
            try:
                request("/echo/ready")
                break
            except OSError:
                time.sleep(0.1)
        run_cases(prefix, no_load)
    finally:
        subprocess.run([nginx, "-p", prefix, "-c", path, "-s", "quit"])
        time.sleep(0.5)
    return finish()


def run_cases(prefix, no_load):
    claims = ('{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example",'
              '"azp":"https://app.example","exp":{now+3600},"user_data":{"name":"Jean Valjean"},'
              '"permissions":["leagues:read"]}')
    valid = mint(claims)
    admin = mint(claims.replace('["leagues:read"]', '["leagues:read","leagues:write"]'))
    expired = mint(claims.replace("{now+3600}", "{now-3600}"))
    wrong_aud = mint(claims.replace("api.example", "other.example"))
    newline = mint(claims.replace("Jean Valjean", "Jean\\r\\nX-Injected: 1"))
    cases = [
        ("/api/x", [("Authorization", f"Bearer {valid}")], 200, ["sub=[user_24601] name=[Jean Valjean]"],
         "a valid token: the claims reach the upstream"),
        ("/api/x", [("Authorization", f"Bearer {valid}"), ("X-User-Id", "admin"), ("X_User_Name", "x")],
         200, ["sub=[user_24601] name=[Jean Valjean]"], "forged claim headers are replaced"),
        ("/api/x", [("Authorization", f"Bearer {newline}")], 200, ["name=[]"],
         "a claim with CR LF is not passed"),
        ("/api/x", [], 401, ['www-authenticate: Bearer realm="api"'], "no token: 401 without an error code"),
        ("/api/x", [("Authorization", "Basic dXNlcg==")], 401, ['www-authenticate: Bearer realm="api"'],
         "another scheme"),
        ("/api/x", [("Authorization", "Bearer a b")], 400, ['error="invalid_request"'], "a malformed header"),
        ("/api/x", [("Authorization", f"Bearer {expired}")], 401,
         ['error="invalid_token", error_description="Token has expired"'], "expired"),
        ("/api/x", [("Authorization", f"Bearer {wrong_aud}")], 401, ['error_description="Invalid audience."'],
         "wrong audience"),
        ("/admin/x", [("Authorization", f"Bearer {valid}")], 403, ['error="insufficient_scope"'],
         "a missing permission: 403"),
        ("/admin/x", [("Authorization", f"Bearer {admin}")], 200, ["sub=[user_24601]"], "with the permission"),
    ]
    for path, headers, want, must, name in cases:
        status, head, body = request(path, headers)
        text = "".join(f"{k}: {v}\n" for k, v in head.items()) + body
        missing = [m for m in must if m not in text]
        check(f"{name}: {status}", status == want and not missing, f"want {want}, lacks {missing}\n{text}")

    # The conformance file through OpenResty.
    wrong, n = [], 0
    for line in open(os.path.join(ROOT, "tests", "conformance", "cases.txt")):
        line = line.rstrip("\n")
        if not line or line[0] in "#@":
            continue
        name, policy, want, token = [c.strip() for c in line.split(" | ")]
        _, _, body = request(f"/conformance/{policy}", [("X-Token", token)])
        n += 1
        if body.strip() != want:
            wrong.append(f"{name}: {body.strip()}, want {want}")
    check(f"conformance: {n} cases through OpenResty", n >= 60 and not wrong, "\n".join(wrong))

    errors = open(os.path.join(prefix, "error.log")).read()
    check("no Lua error in the log", "lua entry thread aborted" not in errors and "runtime error" not in errors,
          errors[-2000:])
    if no_load or not shutil.which("wrk"):
        return
    seconds = os.environ.get("WRK_SECONDS", "10")
    lua = os.path.join(ROOT, "target", "lua", "wrk-token.lua")
    open(lua, "w").write(f'wrk.headers["Authorization"] = "Bearer {valid}"\n')
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", lua,
                          f"http://127.0.0.1:{PORT}/api/x"], capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: .*", out)
    figure = f"lua-resty-jwtguard, access_by_lua, 2 workers, RS256-2048: {rps.group(1) if rps else '?'} requests/s"
    print("    " + figure)
    with open(os.path.join(OUT, "load-figures.txt"), "w") as f:
        f.write(figure + "\n")
    check("wrk: every response 200", rps is not None and non2xx is None and errs is None, out)


def finish():
    print(f"lua: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
