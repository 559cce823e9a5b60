#!/usr/bin/env python3
"""The HAProxy module's tests: build bindings/haproxy/jwtguard.c against Debian's Lua 5.3 and
libjwtguard.a, run bindings/haproxy/example/haproxy.cfg as written under Debian's haproxy on
loopback (valid, expired, wrong audience, missing permissions, no token, a malformed header,
claims reaching the backend as headers, forged ones removed), the conformance file through the
module, bad configurations refused at start-up, then wrk against the module and HAProxy's own
jwt_verify on the same token (skipped with --no-load).

Usage: bindings/haproxy/t/run.py [--no-load]
Environment: JWTGUARD_HAPROXY_PORT (first of 5 ports, default 18540), WRK_SECONDS (default 10).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from gatewaytest import (ROOT, Checks, conformance_cases, example_cases, request, run_cases,  # noqa: E402
                         sample_tokens, wrk)

HERE = os.path.join(ROOT, "bindings", "haproxy")
OUT = os.path.join(ROOT, "target", "haproxy")
BASE = int(os.environ.get("JWTGUARD_HAPROXY_PORT", "18540"))
PORTS = {"api": BASE, "up": BASE + 1, "conformance": BASE + 2, "builtin": BASE + 3, "load": BASE + 4}
check = Checks("haproxy")


def build():
    print("==> building libjwtguard.a, the token minting tool and the Lua C module", flush=True)
    subprocess.run(["cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi"], cwd=ROOT,
                   check=True)
    subprocess.run(["cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi", "--example",
                    "mint_token"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    # The library's own symbols stay inside the module: only luaopen_jwtguard is exported.
    subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared",
                    "-I/usr/include/lua5.3", "-I" + os.path.join(ROOT, "include"),
                    os.path.join(HERE, "jwtguard.c"), os.path.join(ROOT, "target", "release", "libjwtguard.a"),
                    "-o", os.path.join(OUT, "jwtguard.so"), "-lpthread", "-ldl", "-lm",
                    "-Wl,--gc-sections,--exclude-libs,ALL", "-s"], check=True)


def render(prefix, global_extra="", lua_overrides=None):
    subst = {"MODULE_DIR": OUT, "KEYS": os.path.join(ROOT, "examples", "data"),
             "CONFORMANCE": os.path.join(ROOT, "tests", "conformance"), "EXAMPLE": prefix,
             "PORT": str(PORTS["api"]), "UPSTREAM": f"127.0.0.1:{PORTS['up']}",
             "PEM": os.path.join(ROOT, "crates", "jwtguard", "tests", "data", "rsa2048.pub.pem")}
    def fill(text):
        for k, v in subst.items():
            text = text.replace(f"@{k}@", v)
        return text
    lua = fill(open(os.path.join(HERE, "example", "jwtguard.lua")).read())
    for old, new in (lua_overrides or {}).items():
        lua = lua.replace(old, new)
    open(os.path.join(prefix, "jwtguard.lua"), "w").write(lua)
    open(os.path.join(prefix, "conformance.lua"), "w").write(
        fill(open(os.path.join(HERE, "t", "conformance.lua")).read()))
    extra = f"""
# (The test's own frontends: the app, the conformance file, and the load runs.)
frontend upstream
    bind 127.0.0.1:{PORTS['up']}
    http-request return status 200 content-type text/plain lf-string "sub=[%[req.hdr(x-user-id)]] name=[%[req.hdr(x-user-name)]]\\n"

frontend conformance
    bind 127.0.0.1:{PORTS['conformance']}
    http-request lua.jwtguard_conformance_base if {{ path_beg /base/ }}
    http-request lua.jwtguard_conformance_access if {{ path_beg /access/ }}
    http-request lua.jwtguard_conformance_ab if {{ path_beg /ab/ }}
    http-request return status 200 content-type text/plain lf-string "%[var(txn.jwtguard_status)]\\n"

frontend builtin_jwt_verify
    bind 127.0.0.1:{PORTS['builtin']}
    http-request set-var(txn.bearer) http_auth_bearer
    http-request return status 401 if !{{ var(txn.bearer),jwt_verify("RS256","@PEM@") -m int 1 }}
    http-request return status 200 content-type text/plain string "ok\\n"

frontend jwtguard_load
    bind 127.0.0.1:{PORTS['load']}
    http-request lua.jwtguard_api
    http-request return status 401 if !{{ var(txn.jwtguard_http) -m int 200 }}
    http-request return status 200 content-type text/plain string "ok\\n"
"""
    cfg = open(os.path.join(HERE, "example", "haproxy.cfg")).read()
    cfg = cfg.replace("@EXTRA@", extra).replace("@GLOBAL_EXTRA@", global_extra)
    cfg = fill(cfg)
    path = os.path.join(prefix, "haproxy.cfg")
    open(path, "w").write(cfg)
    return path


def main():
    no_load = "--no-load" in sys.argv[1:]
    build()
    prefix = tempfile.mkdtemp(prefix="prefix.", dir=OUT)
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"

    print("==> bad configurations stop HAProxy at start-up, naming the option", flush=True)
    for name, override, want in [
        ("an unknown option", ('leeway = 30,', 'leway = 30,'), "unknown option leway"),
        ("no audience", ('audiences = { "api.example" },', ''), "No audience is configured"),
        ("a JWKS file that is not one", ('"@KEYS@/jwks.json"'.replace("@KEYS@", os.path.join(ROOT, "examples", "data")),
                                         '"' + os.path.join(ROOT, "examples", "data", "hs256.secret") + '"'),
         "jwks_file:"),
    ]:
        path = render(prefix, lua_overrides=dict([override]))
        t = subprocess.run([haproxy, "-c", "-f", path], capture_output=True, text=True)
        check(f"refused: {name}", t.returncode != 0 and want in t.stdout + t.stderr, t.stdout + t.stderr)

    print("==> bindings/haproxy/example/haproxy.cfg under haproxy on loopback", flush=True)
    path = render(prefix, global_extra=f"    lua-load-per-thread {prefix}/conformance.lua")
    t = subprocess.run([haproxy, "-c", "-f", path], capture_output=True, text=True)
    if t.returncode:
        check("haproxy -c accepts the example", False, t.stdout + t.stderr)
        return check.finish()
    log = open(os.path.join(prefix, "haproxy.log"), "w")
    proc = subprocess.Popen([haproxy, "-db", "-f", path], stdout=log, stderr=log)
    try:
        for _ in range(50):
            try:
                request(PORTS["up"], "/")
                break
            except OSError:
                time.sleep(0.1)
        run(no_load)
    finally:
        proc.send_signal(signal.SIGUSR1)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    return check.finish()


def run(no_load):
    t = sample_tokens()
    bearer = lambda name: [("Authorization", f"Bearer {t[name]}")]
    run_cases(check, PORTS["api"], example_cases(t))

    wrong, cases = [], conformance_cases()
    for name, policy, want, token in cases:
        _, _, body = request(PORTS["conformance"], f"/{policy}/x", [("X-Token", token)])
        if body.strip() != want:
            wrong.append(f"{name}: {body.strip()}, want {want}")
    check(f"conformance: {len(cases)} cases through the HAProxy module", len(cases) >= 60 and not wrong,
          "\n".join(wrong))

    status, _, _ = request(PORTS["builtin"], "/", bearer("valid"))
    check(f"HAProxy's jwt_verify accepts the load token: {status}", status == 200)
    if no_load or not shutil.which("wrk"):
        return
    figures = []
    for label, port in (("jwtguard module (lua.jwtguard_api)", PORTS["load"]),
                        ("HAProxy's jwt_verify converter (signature only)", PORTS["builtin"])):
        rps, out, ok = wrk(f"http://127.0.0.1:{port}/", t["valid"], OUT)
        figures.append(f"haproxy {label}, RS256-2048: {rps or '?'} requests/s")
        print("    " + figures[-1])
        check(f"wrk {label}: every response 200", ok, out)
    with open(os.path.join(OUT, "load-figures.txt"), "w") as f:
        f.write("\n".join(figures) + "\n")


if __name__ == "__main__":
    sys.exit(main())
