#!/usr/bin/env python3
"""Instructions per request in nginx with the module, under callgrind: steadier than requests/s
on a machine whose speed drifts, and with the functions that cost them.

One nginx process (`master_process off`) serves N and then 2N keep-alive requests with an
RS256 token; the difference of the two runs' totals over N is the cost of a request, start-up
taken out. Each location of the configuration below is measured in turn: the module off (the
token sent, not read), a verify per request, and the verify cache (a hit per request).

Usage: nginx/tests/profile.py [--requests N] [--keep DIR]
  Needs the module built by nginx/tests/run.py (target/nginx/src/objs) and valgrind.
  --keep DIR   keep the callgrind files there (callgrind_annotate --inclusive=yes FILE).

Valgrind does not run SHA-NI or the AVX-512 IFMA kernel: SHA-256 and the RSA arithmetic take
their portable code here (SHA-256's software rounds are about 3,300 instructions a block), so
each row also gives its instructions outside SHA-256's compressions; compare rows and
functions, not totals with a native run.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODULE = os.path.join(ROOT, "target", "nginx", "src", "objs", "ngx_http_auth_jwtguard_module.so")
MINT = os.path.join(ROOT, "target", "release", "examples", "mint_token")


def free_port():
    """A loopback port nothing listens on now (the tests' fixed ports are left alone)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()

CONF = """load_module {module};
worker_processes 1;
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp; uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
    auth_jwtguard_issuer https://issuer.example;
    auth_jwtguard_audience api.example;
    auth_jwtguard_authorized_party https://app.example;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/html;
        auth_jwtguard_jwks {jwks};
        auth_jwtguard on;
        auth_jwtguard_claim_header X-Jwt-Sub sub;
        auth_jwtguard_claim_header X-Jwt-Name user_data.name;
        auth_jwtguard_claim_header X-Jwt-Email email;
        location /open/ {{ auth_jwtguard off; }}
        location /verify/ {{ }}
        location /cached/ {{ auth_jwtguard_cache zone=verified:2m; }}
    }}
}}
"""

LOCATIONS = [("module off, the token sent", "/open/"), ("a verify per request", "/verify/"),
             ("the cache, a hit per request", "/cached/")]


def total(prefix, path, n, token, out):
    """callgrind's instruction total for nginx serving N requests to PATH."""
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "nginx", "-p", prefix,
           "-c", "nginx.conf"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                conn.connect()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    sys.exit("nginx did not start under valgrind (see error.log in --keep)")
                time.sleep(0.2)
        for _ in range(n):
            conn.request("GET", path + "index.txt", headers={"Authorization": "Bearer " + token})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                sys.exit(f"{path}: {resp.status}")
        conn.close()
    finally:
        # SIGQUIT, nginx's graceful stop, so callgrind writes its file.
        # A SIGQUIT that lands while valgrind runs nginx's event loop is sometimes not acted
        # on (seen with a few hundred requests): it is sent again each second until nginx goes.
        for _ in range(60):
            try:
                os.kill(proc.pid, signal.SIGQUIT)
                proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                continue
            except OSError:
                break
        else:
            proc.kill()
            sys.exit(f"nginx under valgrind did not stop on SIGQUIT ({out} is incomplete)")
    m = re.search(r"^summary: (\d+)", open(out).read(), re.M)
    return int(m.group(1)), inclusive(out, "sha2::sha256::compress256")


def inclusive(out, function):
    """The instructions spent in FUNCTION and what it calls, by callgrind_annotate."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True,
                          text=True).stdout
    for line in text.splitlines():
        if re.search(r":" + re.escape(function) + r"( |$)", line):
            return int(line.split()[0].replace(",", ""))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--keep")
    args = ap.parse_args()
    for need in (MODULE, MINT):
        if not os.path.exists(need):
            sys.exit(f"{need} is missing: run nginx/tests/run.py first, which builds it")
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is missing (apt-get install valgrind)")
    prefix = args.keep or tempfile.mkdtemp(prefix="jwtguard-profile.")
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    for _, path in LOCATIONS:
        os.makedirs(os.path.join(prefix, "html", path.strip("/")), exist_ok=True)
        with open(os.path.join(prefix, "html", path.strip("/"), "index.txt"), "w") as f:
            f.write("ok\n")
    # The key set the token minting tool signs for ("rsa-2024").
    jwks = os.path.join(ROOT, "examples", "data", "jwks.json")
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(CONF.format(module=MODULE, prefix=prefix, port=PORT, jwks=jwks))
    now = int(time.time())
    token = subprocess.run(
        [MINT, '{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}',
         '{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example",'
         f'"azp":"https://app.example","exp":{now + 3600},"email":"jv@example.org",'
         '"user_data":{"name":"Jean Valjean"},"permissions":["leagues:read"]}'],
        capture_output=True, text=True, check=True).stdout.strip()
    n = args.requests
    print(f"instructions per request under callgrind ({n} and {2 * n} requests, "
          f"a {len(token)}-byte RS256 token):")
    for label, path in LOCATIONS:
        name = path.strip("/")
        a, sha_a = total(prefix, path, n, token, os.path.join(prefix, f"callgrind.{name}.{n}"))
        b, sha_b = total(prefix, path, 2 * n, token,
                         os.path.join(prefix, f"callgrind.{name}.{2 * n}"))
        print(f"  {label}: {(b - a) / n:,.0f} ({(b - a - sha_b + sha_a) / n:,.0f} outside "
              "SHA-256's compressions)")
    if not args.keep:
        shutil.rmtree(prefix)


if __name__ == "__main__":
    main()
