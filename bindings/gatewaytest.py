"""What the gateway bindings' test runners share (bindings/lua/t/run.py,
bindings/haproxy/t/run.py): counted checks, a loopback request, tokens minted now, the
conformance file's cases, and a wrk run."""
import http.client
import os
import re
import subprocess
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
MINT = os.path.join(ROOT, "target", "release", "examples", "mint_token")


class Checks:
    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def __call__(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"    ok  {what}")
        else:
            self.failed += 1
            print(f"    FAIL {what}" + (f"\n{detail}" if detail else ""))

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


def request(port, path, headers=()):
    """GET path on loopback: (status, {lower-case header: value}, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in headers:
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), body


def mint(claims, header='{"alg":"RS256","typ":"JWT","kid":"rsa-2024"}'):
    """A token signed now by the sample keys ({now+3600} and {now-3600} in the claims)."""
    now = int(time.time())
    claims = claims.replace("{now+3600}", str(now + 3600)).replace("{now-3600}", str(now - 3600))
    return subprocess.run([MINT, header, claims], check=True, capture_output=True,
                          text=True).stdout.strip()


def sample_tokens():
    """The tokens both example configurations are tested with, by name."""
    claims = ('{"iss":"https://issuer.example","sub":"user_24601","aud":"api.example",'
              '"azp":"https://app.example","exp":{now+3600},"user_data":{"name":"Jean Valjean"},'
              '"permissions":["leagues:read"]}')
    return {
        "valid": mint(claims),
        "admin": mint(claims.replace('["leagues:read"]', '["leagues:read","leagues:write"]')),
        "expired": mint(claims.replace("{now+3600}", "{now-3600}")),
        "wrong_aud": mint(claims.replace("api.example", "other.example")),
        "newline": mint(claims.replace("Jean Valjean", "Jean\\r\\nX-Injected: 1")),
    }


def example_cases(t):
    """The rows both example configurations answer alike, as (path, headers, status, texts,
    name) for run_cases, over sample_tokens() `t`: claims reach the upstream, forged claim
    headers (with a token or without one) never do, and each refusal has its status and
    RFC 6750 challenge."""
    bearer = lambda name: [("Authorization", f"Bearer {t[name]}")]
    return [
        ("/api/x", bearer("valid"), 200, ["sub=[user_24601] name=[Jean Valjean]"],
         "a valid token: the claims reach the upstream as headers"),
        ("/api/x", bearer("valid") + [("X-User-Id", "admin"), ("X-User-Name", "Javert")],
         200, ["sub=[user_24601] name=[Jean Valjean]"], "forged claim headers are replaced"),
        ("/api/x", [("X-User-Id", "admin")], 401, ['www-authenticate: Bearer realm="api"'],
         "no token: 401 without an error code (and the forged header goes nowhere)"),
        ("/api/x", bearer("newline"), 200, ["name=[]"], "a claim with CR LF is not passed"),
        ("/api/x", [("Authorization", "Basic dXNlcg==")], 401, ['www-authenticate: Bearer realm="api"'],
         "another scheme"),
        ("/api/x", [("Authorization", "Bearer a b")], 400, ['error="invalid_request"'], "a malformed header"),
        ("/api/x", bearer("expired"), 401,
         ['error="invalid_token", error_description="Token has expired"'], "expired"),
        ("/api/x", bearer("wrong_aud"), 401, ['error_description="Invalid audience."'], "wrong audience"),
        ("/admin/x", bearer("valid"), 403, ['error="insufficient_scope"'], "a missing permission: 403"),
        ("/admin/x", bearer("admin"), 200, ["sub=[user_24601]"], "with the permission"),
    ]


def conformance_cases():
    """(name, policy, status, token) for every case of tests/conformance/cases.txt."""
    out = []
    for line in open(os.path.join(ROOT, "tests", "conformance", "cases.txt")):
        line = line.rstrip("\n")
        if line and line[0] not in "#@":
            out.append(tuple(c.strip() for c in line.split(" | ")))
    return out


def run_cases(check, port, cases):
    """Each (path, headers, status, texts that must appear, name)."""
    for path, headers, want, must, name in cases:
        status, head, body = request(port, path, headers)
        text = "".join(f"{k}: {v}\n" for k, v in head.items()) + body
        missing = [m for m in must if m not in text]
        check(f"{name}: {status}", status == want and not missing, f"want {want}, lacks {missing}\n{text}")


def wrk(url, token, script_dir):
    """wrk -t2 -c32 for WRK_SECONDS (10) with the token: (requests/s or None, the output, ok)."""
    seconds = os.environ.get("WRK_SECONDS", "10")
    script = os.path.join(script_dir, "wrk-token.lua")
    with open(script, "w") as f:
        f.write(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", script, url],
                         capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out) or re.search(r"Socket errors: .*", out)
    return (rps.group(1) if rps else None), out, rps is not None and bad is None
