#!/usr/bin/env python3
"""The nginx module's tests (nginx/README.md): build the module against Debian's nginx-dev, then
run every scenario under nginx/tests/cases/ against Debian's nginx on loopback.

A scenario is a table (`*.cases`) and the configuration template it names (`conf/*.conf`). The
runner only knows how to read the table; what is tested is in the tables:

    @conf NAME.conf [workers=N]        the nginx configuration this table runs against
    @token NAME | HEADER | CLAIMS [| KEY]  a token, minted when first used ({now+60} in CLAIMS)
    STATUS | URL | HEADERS | MUST | NAME   one request and what its response must show
    @do ACTION ARGS...                 a step between requests (see Runner.do_*)

URL is a path on the gateway, or `PORT:/path` for another of the configuration's ports. HEADERS
and MUST are lists separated by `&&`; `bearer NAME` is `Authorization: Bearer <token NAME>`, and
a MUST entry starting with `!` must not appear in the response (status line, headers and body).
`{token:NAME}`, `{now}`, `{now+N}`, `{now-N}`, `{port:NAME}` and `{prefix}` are expanded
anywhere in a row. `bad.cases` lists configurations `nginx -t` must refuse, each with the
message it must give.

Usage: nginx/tests/run.py [--no-load] [--only NAME] [--module SO [--legacy]]
  --no-load     skip the wrk load runs (scripts/test.sh --pr)
  --only NAME   run the scenarios whose file name contains NAME
  --module SO   test a module built elsewhere (an older one, to show a regression test fails
                on it); --legacy drops the directives such a module does not know
Environment: JWTGUARD_NGINX_PORT (first of 16 ports, default 18480), WRK_SECONDS (default 10).
"""

import argparse
import base64
import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.join(ROOT, "nginx", "tests")
OUT = os.path.join(ROOT, "target", "nginx")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MINT = os.path.join(ROOT, "target", "release", "examples", "mint_token")

PORT_NAMES = ["gw", "up", "sparse", "idp", "idp_tls", "impostor", "idp_b", "hostile",
              "wrongname", "gw2", "gw3", "gw4", "idp_c"]

# Directives the module before issue 27 did not have (--legacy drops their lines).
NEW_DIRECTIVES = ["auth_jwtguard_key_zone", "auth_jwtguard_status", "auth_jwtguard_key_max_stale",
                  "auth_jwtguard_key_max_size"]


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---- the module --------------------------------------------------------------------------------

def build_module():
    print("==> building libjwtguard.a and the token minting tool", flush=True)
    sh("cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi", cwd=ROOT)
    sh("cargo", "build", "-q", "--release", "--locked", "-p", "jwtguard-ffi", "--example",
       "mint_token", cwd=ROOT)
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "nginx-dev"],
                             capture_output=True, text=True).stdout or "?"
    print(f"==> building the module against nginx-dev {version}", flush=True)
    src = os.path.join(OUT, "src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree("/usr/share/nginx/src", src)
    log = os.path.join(OUT, "build.log")
    with open(log, "w") as f:
        script = ('. ./conf_flags && ./configure "${NGX_CONF_FLAGS[@]}" '
                  f'--add-dynamic-module={ROOT}/nginx && make -f objs/Makefile modules')
        if subprocess.run(["bash", "-c", script], cwd=src, stdout=f, stderr=f).returncode:
            print(open(log).read()[-4000:])
            sys.exit("the module did not build")
    module = os.path.join(src, "objs", "ngx_http_auth_jwtguard_module.so")
    print(f"built {module}")
    return module


# ---- loopback identity providers ----------------------------------------------------------------

def openssl(*args, cwd):
    sh("openssl", *args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pki(d):
    """A test CA; idp.example.com's certificate from it; an impostor's self-signed certificate
    for the same name; and the CA's certificate for another name."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=jwtguard test CA", "-keyout", "ca.key", "-out", "ca.crt", cwd=d)
    for name, cn in (("idp", "idp.example.com"), ("wrongname", "other.example.com")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}", "-keyout",
                f"{name}.key", "-out", f"{name}.csr", cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(f"subjectAltName=DNS:{cn}\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out",
                f"{name}.crt", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=idp.example.com", "-addext", "subjectAltName=DNS:idp.example.com", "-keyout",
            "impostor.key", "-out", "impostor.crt", cwd=d)


class Hostile(threading.Thread):
    """An identity provider that misbehaves, on its own port: a body cut short after a complete
    JWKS, a body over the size limit, a redirect to a key set, and a record of every request's
    headers."""

    def __init__(self, port, jwks):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.jwks = jwks
        self.seen = []  # (path, {header: value})

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
            path = head[0].split(" ")[1]
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            self.seen.append((path, headers))
            body = self.jwks.encode()
            if path == "/premature":
                # A complete key set, but the response promises more and the connection ends.
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % (len(body) + 100) + body)
            elif path == "/huge":
                pad = b" " * (300 * 1024)
                big = body[:-1] + pad + body[-1:]
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big)
            elif path == "/slow":
                time.sleep(3)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
            elif path == "/redirect":
                conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1/jwks\r\n"
                             b"Content-Length: 0\r\n\r\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def close(self):
        self.sock.close()


# ---- the runner ---------------------------------------------------------------------------------

class Failure(Exception):
    pass


class Runner:
    def __init__(self, args, module):
        self.args = args
        self.module = module
        base = int(os.environ.get("JWTGUARD_NGINX_PORT", "18480"))
        self.ports = {name: base + i for i, name in enumerate(PORT_NAMES)}
        os.makedirs(OUT, exist_ok=True)
        self.prefix = tempfile.mkdtemp(prefix="prefix.", dir=OUT)
        os.chmod(self.prefix, 0o755)
        for d in ("conf", "logs", "tmp", "idp", "idp_b", "idp_c", "keys",
                  "html/load", "html/open", "html/x", "html/cached-load", "html/churn-load"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        for d in ("load", "open", "x", "cached-load", "churn-load"):
            with open(os.path.join(self.prefix, "html", d, "index.txt"), "w") as f:
                f.write("ok\n")
        conf = os.path.join(self.prefix, "conf")
        for f in ("jwks.json", "hs256.secret"):
            shutil.copy(os.path.join(ROOT, "examples", "data", f), conf)
        for f in ("keys.jwks.json", "keys-a.jwks.json", "keys-b.jwks.json"):
            shutil.copy(os.path.join(ROOT, "tests", "conformance", f),
                        os.path.join(conf, "conformance." + f))
        shutil.copy(os.path.join(ROOT, "crates", "jwtguard", "tests", "data", "rsa2048.pub.pem"),
                    conf)
        for i in (1, 2, 3):
            with open(os.path.join(conf, f"decoy{i}.secret"), "w") as f:
                f.write(f"decoy-secret-{i}-0123456789-abcdefghijklmnop\n")
        for name, text in (("garbage.pem", "not a key\n"), ("short.secret", "short\n"),
                           ("empty.jwks", '{"keys":[]}\n'),
                           ("broken.jwks", '{"keys":[{"kty":"RSA","n":"AQAB"')):
            with open(os.path.join(conf, name), "w") as f:
                f.write(text)
        print("==> test PKI and identity provider keys", flush=True)
        make_pki(conf)
        self.keyfiles = {}
        for kid, alg in (("a1", "rsa"), ("a2", "rsa"), ("a3", "rsa"), ("b1", "ec"), ("b2", "ec"),
                         ("b3", "ec"), ("c1", "ec"), ("ed1", "ed25519")):
            path = os.path.join(self.prefix, "keys", f"{kid}.pem")
            if alg == "rsa":
                openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                        "-out", path, cwd=self.prefix)
            elif alg == "ec":
                openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", path, cwd=self.prefix)
            else:
                openssl("genpkey", "-algorithm", "ED25519", "-out", path, cwd=self.prefix)
            # Its public key, for auth_jwtguard_key_pem (keys/KID.pub.pem).
            openssl("pkey", "-in", path, "-pubout", "-out",
                    os.path.join(self.prefix, "keys", f"{kid}.pub.pem"), cwd=self.prefix)
            self.keyfiles[kid] = path
        self.jwks = {}
        for line in open(os.path.join(ROOT, "examples", "data", "jwks.json")):
            m = re.search(r'"kid":"([^"]+)"', line)
            if m:
                self.jwks[m.group(1)] = line.strip().rstrip(",")
        for kid, path in self.keyfiles.items():
            if kid.startswith("ed"):
                continue  # (published by no test identity provider)
            self.jwks[kid] = subprocess.run([MINT, "--jwk", path, kid], check=True,
                                            capture_output=True, text=True).stdout.strip()
        # A hostile IdP's key set: its own key, and a secret anyone can read.
        hostile_set = '{"keys":[%s,{"kty":"oct","kid":"hmac-1","alg":"HS256","k":"%s"}]}' % (
            self.jwks["c1"], "MjMxYTU4YjAwNjMyYzljNGQ4YWMwMmIyNjhjYTRjYWY4ZGQ0OGZkMDIwZTNkZmZhNzI2NjY1MjNkODYwOTg4Zg")
        self.hostile = Hostile(self.ports["hostile"], hostile_set)
        self.hostile.start()
        self.now = int(time.time())
        self.tokens = {}
        self.token_specs = {}
        self.passed = 0
        self.failed = 0
        self.master = None
        self.conf_name = None
        self.marks = {}
        self.figures = []

    # ---- expansion and tokens --------------------------------------------------------------

    def expand(self, text):
        def one(m):
            key = m.group(1)
            if key.startswith("token:"):
                return self.token(key[6:])
            if key.startswith("port:"):
                return str(self.ports[key[5:]])
            if key == "prefix":
                return self.prefix
            if key.startswith("groups:"):
                # A Keycloak-like list of group paths, for tokens of about 16 KB.
                return ",".join('"/acme/department-%03d/team-%04d"' % (i // 9, i)
                                for i in range(int(key[7:])))
            m2 = re.fullmatch(r"now([+-]\d+)?", key)
            if m2:
                return str(self.now + int(m2.group(1) or 0))
            return m.group(0)
        return re.sub(r"\{([a-z_0-9:+\-]+)\}", one, text)

    def token(self, name):
        if name not in self.tokens:
            if name not in self.token_specs:
                raise Failure(f"no @token {name}")
            header, claims, key = self.token_specs[name]
            if header.startswith("tamper:"):
                # Another token's header and signature around these claims.
                h, _, sig = self.token(header[7:]).split(".")
                body = base64.urlsafe_b64encode(self.expand(claims).encode()).rstrip(b"=")
                self.tokens[name] = f"{h}.{body.decode()}.{sig}"
                return self.tokens[name]
            cmd = [MINT]
            if key:
                cmd += ["--key", self.keyfiles.get(key, os.path.join(self.prefix, "conf", key))]
            cmd += [self.expand(header), self.expand(claims)]
            self.tokens[name] = subprocess.run(cmd, check=True, capture_output=True,
                                               text=True).stdout.strip()
        return self.tokens[name]

    # ---- nginx ------------------------------------------------------------------------------

    def readme_example(self, name):
        """A README example marked `<!-- nginx/tests: NAME ... -->`, as an operator copies it:
        the trusted CA file is the test CA's, the upstream app the test's, and its first server
        listens on the gateway port. Nothing it says about trust is changed."""
        text = open(self.args.readme).read()
        m = re.search(r"<!-- nginx/tests: " + name + r"[^>]*-->\s*```nginx\n(.*?)```", text, re.S)
        if not m:
            raise Failure(f"{self.args.readme} has no {name} example")
        example = m.group(1).replace("/etc/ssl/certs/ca-certificates.crt",
                                     os.path.join(self.prefix, "conf", "ca.crt"))
        example = re.sub(r"\bserver \{", "server {\n    listen 127.0.0.1:@PORT_GW@;", example, 1)
        return example

    def render(self, name, extra=None):
        text = open(os.path.join(HERE, "conf", name)).read()
        values = {"MODULE": self.module, "PREFIX": self.prefix, "ROOT": ROOT,
                  "WORKERS": str(self.nworkers)}
        for name in re.findall(r"@(README_[A-Z_]+)@", text):
            text = text.replace(f"@{name}@", self.readme_example(name))
        values.update({f"PORT_{k.upper()}": str(v) for k, v in self.ports.items()})
        values.update(extra or {})
        text = re.sub(r"@([A-Z_0-9]+)@", lambda m: values.get(m.group(1), m.group(0)), text)
        if self.args.legacy:
            text = "\n".join(l for l in text.split("\n")
                             if not any(d in l for d in NEW_DIRECTIVES))
        path = os.path.join(self.prefix, "conf",
                            re.sub(r"\.(conf|inc)$", r".run.\1", name))
        with open(path, "w") as f:
            f.write(text)
        return os.path.relpath(path, self.prefix)

    def nginx(self, conf, *args):
        return subprocess.run([NGINX, "-p", self.prefix, "-c", conf, *args], capture_output=True,
                              text=True)

    def start(self, conf):
        for inc in glob.glob(os.path.join(HERE, "conf", "*.inc")):
            self.render(os.path.basename(inc))
        t = self.nginx(conf, "-t")
        if t.returncode:
            raise Failure(f"nginx -t refused {conf}:\n{t.stderr}")
        for f in ("error.log",):
            open(os.path.join(self.prefix, "logs", f), "w").close()
        r = self.nginx(conf)
        if r.returncode:
            raise Failure(f"nginx did not start:\n{r.stderr}")
        self.conf_name = conf
        self.master = int(open(os.path.join(self.prefix, "logs", "nginx.pid")).read())
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.ports["gw"]), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise Failure("nginx does not answer")

    def stop(self):
        if self.master:
            try:
                os.kill(self.master, signal.SIGTERM)
            except ProcessLookupError:
                pass
            for _ in range(100):
                try:
                    os.kill(self.master, 0)
                    time.sleep(0.05)
                except ProcessLookupError:
                    break
            self.master = None

    def workers(self):
        out = []
        for st in glob.glob("/proc/[0-9]*/status"):
            try:
                text = open(st).read()
            except OSError:
                continue
            m = re.search(r"^PPid:\s+(\d+)", text, re.M)
            if m and int(m.group(1)) == self.master:
                out.append(int(st.split("/")[2]))
        return sorted(out)

    def rss(self):
        total = 0
        for pid in self.workers():
            try:
                m = re.search(r"^VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read(), re.M)
                total += int(m.group(1)) if m else 0
            except OSError:
                pass
        return total

    def cpu_ticks(self):
        """The workers' CPU time so far (user and system), in clock ticks."""
        total = 0
        for pid in self.workers():
            try:
                # Fields 14 and 15 (utime, stime), counted after the command's closing paren.
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total

    # ---- requests -----------------------------------------------------------------------------

    def request(self, url, headers, timeout=20):
        port = self.ports["gw"]
        m = re.match(r"([a-z_0-9]+):(/.*)", url)
        if m:
            port, url = self.ports[m.group(1)], m.group(2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.putrequest("GET", url, skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        head = "".join(f"{k}: {v}\r\n" for k, v in resp.getheaders())
        conn.close()
        return resp.status, f"HTTP/1.1 {resp.status} {resp.reason}\r\n{head}\r\n{body}", resp

    def parse_headers(self, text):
        out = []
        for h in filter(None, (x.strip() for x in text.split("&&"))):
            if h.startswith("bearer "):
                out.append(("Authorization", "Bearer " + self.token(h[7:].strip())))
            else:
                k, _, v = h.partition(":")
                out.append((k.strip(), self.expand(v.strip())))
        return out

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"    ok  {name}", flush=True)
        else:
            self.failed += 1
            print(f"    FAIL {name}{': ' + detail if detail else ''}", flush=True)

    def row(self, cols):
        want, url, headers, must, name = (cols + [""] * 5)[:5]
        try:
            got, text, _ = self.request(self.expand(url), self.parse_headers(headers))
        except (OSError, http.client.HTTPException) as e:
            self.check(name, False, f"request failed: {e}")
            return
        missing = []
        for m in filter(None, (x.strip() for x in must.split("&&"))):
            m = self.expand(m)
            if m.startswith("!"):
                if m[1:] in text:
                    missing.append(f"has {m[1:]!r}")
            elif m not in text:
                missing.append(f"lacks {m!r}")
        ok = str(got) == want.strip() and not missing
        detail = f"got {got}, want {want.strip()}; " + "; ".join(missing)
        if not ok:
            detail += "\n" + "\n".join("        " + l for l in text.splitlines()[:25])
        self.check(f"{name}: {got}", ok, detail)

    # ---- actions ---------------------------------------------------------------------------

    def idp_dir(self, name):
        return os.path.join(self.prefix, {"a": "idp", "b": "idp_b", "c": "idp_c"}[name])

    def do_sleep(self, seconds):
        time.sleep(float(seconds))

    def do_idp(self, name, *kids):
        """The identity provider NAME (a, b or c) publishes these keys from now on."""
        doc = '{"keys":[%s]}\n' % ",".join(self.jwks[k] for k in kids)
        self.write_idp(name, doc)

    def do_idp_raw(self, name, *text):
        self.write_idp(name, " ".join(text))

    def write_idp(self, name, doc):
        tmp = os.path.join(self.idp_dir(name), "jwks.tmp")
        with open(tmp, "w") as f:
            f.write(doc)
        os.replace(tmp, os.path.join(self.idp_dir(name), "jwks.json"))

    def idp_log(self):
        try:
            return open(os.path.join(self.prefix, "logs", "idp.log")).read().splitlines()
        except OSError:
            return []

    def do_mark(self, label="default"):
        self.marks[label] = len(self.idp_log())

    def hits(self, path, label="default"):
        return [l for l in self.idp_log()[self.marks.get(label, 0):] if f" {path} " in l or
                l.startswith(path + "|") or f"GET {path}" in l]

    def do_hits(self, path, op, n, *name):
        """The IdPs' access log has OP N requests for PATH since the last mark."""
        got = len(self.hits(path))
        ok = {"==": got == int(n), "<=": got <= int(n), ">=": got >= int(n)}[op]
        self.check(" ".join(name) or f"{path}: {op} {n} fetches", ok, f"{got} fetches")

    def do_idp_saw(self, path, *checks):
        """Every request the IdPs got for PATH since the mark: FIELD=VALUE (the log format's
        fields: request, authorization, cookie, range, accept, xff, query)."""
        lines = self.hits(path)
        fields = ["request", "authorization", "cookie", "range", "accept", "xff", "query",
                  "leak"]
        ok, detail = bool(lines), "no request" if not lines else ""
        for line in lines:
            # (nginx logs an empty value as "-")
            values = {k: "" if v == "-" else v for k, v in zip(fields, line.split("|"))}
            for c in checks:
                k, _, v = c.partition("=")
                if values.get(k, "?") != v:
                    ok, detail = False, f"{k} was {values.get(k)!r} in {line!r}"
        self.check(f"the IdP got {len(lines)} request(s) for {path} with " + ", ".join(checks),
                   ok, detail)

    def do_hostile_header(self, path, name, value=""):
        """Every request the hostile IdP got for PATH had header NAME equal to VALUE."""
        seen = [h.get(name.lower(), "") for p, h in self.hostile.seen if p == path]
        self.check(f"the hostile IdP's requests for {path} had {name}: {value!r}",
                   seen and all(v == value for v in seen), f"it got {seen}")

    def do_hostile_saw(self, path, *absent):
        """The hostile IdP's requests for PATH carried none of these headers."""
        seen = [h for p, h in self.hostile.seen if p == path]
        bad = [f"{a}: {h[a]}" for h in seen for a in absent if a in h]
        self.check(f"the hostile IdP's requests for {path} ({len(seen)}) carry none of "
                   + ", ".join(absent), seen and not bad, "; ".join(bad) or "no request")

    def do_log_has(self, *text):
        t = " ".join(text)
        log = open(os.path.join(self.prefix, "logs", "error.log")).read()
        self.check(f"the error log says {t!r}", re.search(t, log) is not None)

    def do_log_lacks(self, *text):
        t = " ".join(text)
        log = open(os.path.join(self.prefix, "logs", "error.log")).read()
        self.check(f"the error log never says {t!r}", re.search(t, log) is None)

    def do_file_is(self, path, *lines):
        """A log file (under the prefix) holds exactly these lines, in any order (workers log
        as they finish, not in the order requests were sent), then is emptied. `~` in a line
        stands for a space."""
        full = os.path.join(self.prefix, path)
        time.sleep(0.2)
        got = open(full).read().splitlines()
        want = [l.replace("~", " ") for l in lines]
        self.check(f"{path} holds {want}", sorted(got) == sorted(want), f"it holds {got}")
        open(full, "w").close()

    def do_reload(self):
        old = set(self.workers())
        r = self.nginx(self.conf_name, "-s", "reload")
        if r.returncode:
            raise Failure(r.stderr)
        for _ in range(200):
            now = set(self.workers())
            if now and not (old & now):
                return
            time.sleep(0.05)
        raise Failure("the old workers did not exit")

    def do_copy(self, src, dst):
        shutil.copy(os.path.join(self.prefix, src), os.path.join(self.prefix, dst))

    def do_drop_kid(self, path, kid):
        """Rewrite the JWKS file PATH without the key KID."""
        full = os.path.join(self.prefix, path)
        lines = [l for l in open(full).read().splitlines() if f'"kid":"{kid}"' not in l]
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")

    def do_flood(self, url, n, refresh_s):
        """N tokens with random kids: at most one fetch per refresh time started during them."""
        tokens = [subprocess.run([MINT, '{"alg":"RS256","kid":"random-%d-%d"}' % (i, os.getpid()),
                                  '{"sub":"x"}'], check=True, capture_output=True,
                                 text=True).stdout.strip() for i in range(int(n))]
        self.do_mark("flood")
        start = time.time()
        for t in tokens:
            self.request(url, [("Authorization", "Bearer " + t)])
        elapsed = time.time() - start
        got = len([l for l in self.idp_log()[self.marks["flood"]:] if "jwks" in l])
        allowed = int(elapsed / float(refresh_s)) + 1
        self.check(f"{n} unknown kids in {elapsed * 1000:.0f} ms: {got} fetch(es), at most {allowed}",
                   1 <= got <= allowed)

    def do_burst(self, url, n, status, source):
        """N requests back to back, the token in a cookie (`cookie:TOKEN`) or none (`-`): at
        least one is answered STATUS (a rate limit that applies)."""
        headers = [] if source == "-" else [("Cookie", "__session=" + source.split(":", 1)[1])]
        codes = [self.request(url, headers)[0] for _ in range(int(n))]
        what = "no token" if source == "-" else "one token"
        self.check(f"{n} requests with {what}: {codes.count(int(status))} answered {status}",
                   int(status) in codes, f"codes: {sorted(set(codes))}")

    def do_spread(self, url, token, n, *want):
        """N requests on fresh connections: all 200, served by at least 2 workers."""
        pids, codes = set(), []
        threads = []

        def one():
            got, _, resp = self.request(url, [("Authorization", "Bearer " + self.token(token))])
            codes.append(got)
            pids.add(resp.getheader("X-Worker"))
        for _ in range(int(n)):
            th = threading.Thread(target=one)
            th.start()
            threads.append(th)
        for th in threads:
            th.join()
        bad = [c for c in codes if c != 200]
        self.check(f"{n} requests on fresh connections: {len(codes) - len(bad)} x 200, served by "
                   f"{len(pids)} workers", not bad and len(pids) >= 2, f"statuses {sorted(set(codes))}")

    def do_status(self, url, *checks):
        """The status location's JSON: PATH OP VALUE, PATH a dotted path (list indexes too, and
        `key_sets@URI` for the key set of that URI)."""
        got, text, _ = self.request(url, [])
        try:
            doc = json.loads(text.split("\r\n\r\n", 1)[1])
        except (ValueError, IndexError):
            self.check(f"{url} answers JSON", False, text[:300])
            return
        for c in checks:
            m = re.fullmatch(r"([^<>=!]+)(==|>=|<=|!=)(.*)", c)
            path, op, want = m.group(1), m.group(2), m.group(3)
            value = doc
            for part in path.split("."):
                key, _, uri = part.partition("@")
                value = value[int(key)] if isinstance(value, list) else (value or {}).get(key)
                if uri:  # key_sets@/_jwks: the key set of that URI
                    value = next((x for x in value or [] if x.get("uri") == uri), None)
            want_v = json.loads(want) if want not in ("", "null") else None
            ok = {"==": value == want_v, "!=": value != want_v,
                  ">=": value is not None and value >= want_v,
                  "<=": value is not None and value <= want_v}[op]
            self.check(f"status {path} {op} {want} (it is {value!r})", ok)

    def do_conformance(self, url_prefix="/"):
        """tests/conformance/cases.txt: each token in an X-Token header to the location named
        after its policy, and $jwtguard_error (the X-Jwtguard-Error response header) must be
        the status the file names."""
        path = os.path.join(ROOT, "tests", "conformance", "cases.txt")
        wrong, n = [], 0
        for line in open(path):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("@"):
                continue
            name, policy, want, token = [c.strip() for c in line.split(" | ")]
            _, _, resp = self.request(f"{url_prefix}{policy}/x", [("X-Token", token)])
            got = resp.getheader("X-Jwtguard-Error") or ""
            n += 1
            if got != want:
                wrong.append(f"{name}: {got or 'no status'}, want {want}")
        self.check(f"conformance: {n} cases give the file's status through $jwtguard_error",
                   n >= 50 and not wrong, "\n".join(wrong))

    def do_secret_scan(self, file):
        """No worker's memory holds the secret file's first line (issue 14)."""
        needle = open(os.path.join(self.prefix, "conf", file)).readline().strip().encode()
        for pid in self.workers():
            found = 0
            with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
                for line in maps:
                    fields = line.split()
                    if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]",
                                                                                   "[vsyscall]")):
                        continue
                    lo, hi = (int(x, 16) for x in fields[0].split("-"))
                    try:
                        mem.seek(lo)
                        found += mem.read(hi - lo).count(needle)
                    except (OSError, ValueError, OverflowError):
                        pass
            self.check(f"worker {pid} holds no copy of the HS256 secret", found == 0,
                       f"{found} copies")

    def stream(self, name, count):
        """COUNT distinct tokens of the @token NAME (its claims plus a `jti` each), minted once
        into a file, one per line, for stream.lua."""
        path = os.path.join(self.prefix, f"stream-{name}-{count}.txt")
        if not os.path.exists(path):
            header, claims, key = self.token_specs[name]
            base = json.loads(self.expand(claims))

            def mint(i):
                cmd = [MINT]
                if key:
                    cmd += ["--key", self.keyfiles.get(key, os.path.join(self.prefix, "conf", key))]
                c = json.dumps(dict(base, jti=f"stream-{i}"), separators=(",", ":"))
                return subprocess.run(cmd + [self.expand(header), c], check=True,
                                      capture_output=True, text=True).stdout.strip()
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
                tokens = list(pool.map(mint, range(count)))
            with open(path, "w") as f:
                f.write("\n".join(tokens) + "\n")
        return path

    def wrk(self, url, token, seconds, conns=32):
        port = self.ports["gw"]
        m = re.match(r"([a-z_0-9]+):(/.*)", url)
        if m:
            port, url = self.ports[m.group(1)], m.group(2)
        cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", f"http://127.0.0.1:{port}{url}"]
        stream = re.fullmatch(r"(\w+)\*(\d+)", token or "")
        if stream:
            # NAME*COUNT: COUNT distinct tokens in turn (stream.lua), not one token again.
            cmd += ["-s", os.path.join(HERE, "conf", "stream.lua"), "--",
                    self.stream(stream.group(1), int(stream.group(2)))]
        elif token:
            cmd[1:1] = ["-H", "Authorization: Bearer " + self.token(token)]
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
        sock = sum(int(x) for x in (re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
            or [0, "0", "0", "0", "0"])[1:5]) if "Socket errors" in out else 0
        return rps, non2xx + sock, out

    def do_stream_cached(self, url, stream, most, *name):
        """After a load over NAME*COUNT: every token of the stream sent once more to URL, and
        those answered from the cache (X-Keys-Tried 0, where a verify says 1) counted: at most
        MOST, the zone's entries, so the stream did not fit in it. The count goes with the load
        figures. No-op with --no-load."""
        if self.args.no_load:
            return
        m = re.fullmatch(r"(\w+)\*(\d+)", stream)
        with open(self.stream(m.group(1), int(m.group(2)))) as f:
            tokens = [line.strip() for line in f if line.strip()]
        tried = [self.request(url, [("Authorization", "Bearer " + t)])[2].getheader("X-Keys-Tried")
                 for t in tokens]
        cached = tried.count("0")
        self.figures.append(f"  after it, {cached} of the {len(tokens)} tokens answered from "
                            f"the cache (at most {most} fit)")
        self.check(" ".join(name) or f"{url}: at most {most} tokens cached",
                   cached <= int(most) and tried.count("1") + cached == len(tokens),
                   f"{cached} answered from the cache; X-Keys-Tried values {sorted(set(tried))}")

    def do_load(self, label, url, token, *rotate):
        """wrk on URL (with TOKEN, or `-` for none, or NAME*COUNT for COUNT distinct tokens in
        turn) for WRK_SECONDS; 0 errors and worker RSS
        growth under 2 MiB. `rotate` names IdPs whose key sets change every second during it
        (each alternates its extra key; the token's key stays)."""
        if self.args.no_load:
            return
        seconds = int(os.environ.get("WRK_SECONDS", "10"))
        token = None if token == "-" else token
        self.wrk(url, token, 1, 4)
        before = self.rss()
        stop = threading.Event()

        def rotator():
            i = 0
            while not stop.wait(1.0):
                i += 1
                for spec in rotate:
                    idp, keep, a, b = spec.split(":")
                    self.do_idp(idp, keep, a if i % 2 else b)
        th = threading.Thread(target=rotator, daemon=True)
        th.start()
        self.do_mark("load")
        ticks = self.cpu_ticks()
        rps, errors, out = self.wrk(url, token, seconds)
        ticks = self.cpu_ticks() - ticks
        stop.set()
        th.join()
        after = self.rss()
        # The workers' CPU per request: what the module costs nginx, steadier than requests/s
        # on a machine whose speed drifts (wrk's share of the two cores is not in it).
        done = re.search(r"(\d+) requests in", out)
        cpu = (f", {ticks * 1e6 / os.sysconf('SC_CLK_TCK') / int(done.group(1)):.1f} µs of "
               "worker CPU per request") if done and int(done.group(1)) else ""
        fetches = len([l for l in self.idp_log()[self.marks["load"]:] if "jwks" in l])
        label = label.replace("~", " ")
        line = (f"{label}: {rps:,.0f} requests/s, {errors} errors, worker RSS {before} -> "
                f"{after} KiB{cpu}" + (f", {fetches} key fetches during the run" if rotate else ""))
        self.figures.append(line)
        ok = errors == 0 and after - before <= 2048 and (not rotate or fetches >= 2 * len(rotate))
        self.check(line, ok, out)

    # ---- tables -----------------------------------------------------------------------------

    def run_table(self, path):
        name = os.path.basename(path)
        rows = [l.rstrip("\n") for l in open(path)]
        print(f"==> {name}", flush=True)
        self.token_specs = {}
        self.tokens = {}
        self.now = int(time.time())
        started = False
        try:
            for line in rows:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("@token "):
                    n, rest = line[7:].split("|", 1)
                    parts = [p.strip() for p in rest.split("|")]
                    self.token_specs[n.strip()] = (parts[0], parts[1],
                                                   parts[2] if len(parts) > 2 else "")
                elif line.startswith("@conf "):
                    words = self.expand(line[6:]).split()
                    self.nworkers = 2
                    extra = {}
                    for w in words[1:]:
                        k, _, v = w.partition("=")
                        if k == "workers":
                            self.nworkers = int(v)
                        else:
                            extra[k.upper()] = v
                    self.stop()
                    self.start(self.render(words[0], extra))
                    started = True
                elif line.startswith("@do "):
                    words = self.expand(line[4:]).split()
                    getattr(self, "do_" + words[0].replace("-", "_"))(*words[1:])
                elif line.startswith("@"):
                    raise Failure(f"unknown row: {line}")
                else:
                    self.row([c.strip() for c in line.split("|")])
        except Failure as e:
            self.check(f"{name}", False, str(e))
        finally:
            if started:
                self.stop()

    def run_bad(self, path):
        """Configurations nginx -t must refuse: MESSAGE | HTTP-LEVEL LINES | NAME."""
        print(f"==> {os.path.basename(path)}: nginx -t refuses bad configurations", flush=True)
        for line in open(path):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            want, snippet, name = [c.strip() for c in line.split("|")]
            conf = self.render("bad.conf", {"HTTP": snippet.replace(" ;; ", "\n    ")})
            t = self.nginx(conf, "-t")
            if t.returncode == 0:
                self.check(name, False, "nginx -t accepted it")
            else:
                hit = [l for l in t.stderr.splitlines() if want in l]
                self.check(f"{name}: {hit[0].replace('nginx: ', '') if hit else ''}", bool(hit),
                           t.stderr)

    def run_good(self, path):
        """Configurations nginx -t must accept: HTTP-LEVEL LINES | NAME."""
        print(f"==> {os.path.basename(path)}: nginx -t accepts good configurations", flush=True)
        for line in open(path):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            snippet, name = [c.strip() for c in line.split("|")]
            conf = self.render("bad.conf", {"HTTP": snippet.replace(" ;; ", "\n    ")})
            t = self.nginx(conf, "-t")
            self.check(f"accepted: {name}", t.returncode == 0, t.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--module")
    ap.add_argument("--legacy", action="store_true")
    ap.add_argument("--readme", default=os.path.join(ROOT, "nginx", "README.md"))
    args = ap.parse_args()
    module = os.path.realpath(args.module) if args.module else build_module()
    runner = Runner(args, module)
    runner.nworkers = 2
    try:
        for path in sorted(glob.glob(os.path.join(HERE, "cases", "*.cases"))):
            if args.only not in os.path.basename(path):
                continue
            base = os.path.basename(path)
            if base == "bad.cases":
                runner.run_bad(path)
            elif base == "good.cases":
                runner.run_good(path)
            else:
                runner.run_table(path)
    finally:
        runner.stop()
        runner.hostile.close()
        if runner.failed == 0:
            shutil.rmtree(runner.prefix, ignore_errors=True)
        else:
            print(f"(the prefix is kept for a look: {runner.prefix})")
    if runner.figures:
        figures = os.path.join(OUT, "load-figures.txt")
        with open(figures, "w") as f:
            f.write(f"nginx module load figures ({time.strftime('%Y-%m-%d', time.gmtime())}, "
                    f"wrk -t2 -c32 on loopback, {os.cpu_count()} cores shared by wrk and nginx):\n")
            for line in runner.figures:
                f.write(f"  {line}\n")
        print(open(figures).read())
    print(f"responses and checks: {runner.passed} passed, {runner.failed} failed")
    sys.exit(1 if runner.failed else 0)


if __name__ == "__main__":
    main()
