"""seclib.py - the client side of the security tests: raw HTTP/1.1 requests
to the `sspr serve` under test on loopback, from a chosen source address
(the whole 127.0.0.0/8 is local on Linux, so every request can come from
an address of its own), and the check counter the shell side adds up.

Every request has a time limit; nothing here loops without a bound.
"""
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse

PORT = int(os.environ["PORT"])
HOST = "127.0.0.1"
SSPR = os.environ["SSPR"]

# What the tests enroll their users with: a PIN and three answers.
PIN = "583920"
ANS = {"Q01": "Rex the dog", "Q02": "Lindenberg", "Q03": "Hannelore"}
QS = [{"question": q, "answer": v} for q, v in ANS.items()]

_passed = 0
_failed = 0
_lock = threading.Lock()


def check(name, cond, detail=""):
    """Count one check; print it (a failure with its detail)."""
    global _passed, _failed
    with _lock:
        if cond:
            _passed += 1
            print("ok   " + name)
        else:
            _failed += 1
            print("FAIL " + name + (": " + detail if detail else ""))
    sys.stdout.flush()
    return bool(cond)


def note(text):
    print("     " + text)
    sys.stdout.flush()


def finish():
    """The last line, read by tests/security/lib.sh."""
    print("RESULT passed=%d failed=%d" % (_passed, _failed))
    sys.stdout.flush()
    sys.exit(0)


class Addr:
    """Source addresses 127.NET.x.y, each handed out once."""

    def __init__(self, net):
        self.net = net
        self.n = 0
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            self.n += 1
            n = self.n
        return "127.%d.%d.%d" % (self.net, n // 250, n % 250 + 1)


class Resp:
    def __init__(self, status, headers, body, ms):
        self.status = status
        self.headers = headers  # [(name, value)] in order
        self.body = body
        self.ms = ms

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                nv = v.split(";", 1)[0]
                if "=" in nv:
                    a, b = nv.split("=", 1)
                    out[a] = b
        return out

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")


def request(method, path, body=None, headers=None, src=None, timeout=30,
            ctype="application/json"):
    """One request on a new connection from src; a Resp, or a Resp with
    status 0 and the error as body when the connection failed."""
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection(
            HOST, PORT, timeout=timeout,
            source_address=(src, 0) if src else None)
        h = {"Connection": "close"}
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            h["Content-Type"] = ctype
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        ms = (time.monotonic() - t0) * 1000.0
        hdrs = list(r.getheaders())
        c.close()
        return Resp(r.status, hdrs, data, ms)
    except (OSError, http.client.HTTPException) as e:
        return Resp(0, [], repr(e).encode(), (time.monotonic() - t0) * 1000.0)


def api(path, obj, src=None, **kw):
    return request("POST", path, obj, src=src, **kw)


def form(path, fields, cookies, src=None, **kw):
    """A same-origin form POST with the given cookies."""
    h = {"Origin": "http://127.0.0.1",  # the tests' base_url
         "Sec-Fetch-Site": "same-origin",
         "Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())}
    return request("POST", path, urllib.parse.urlencode(fields), headers=h,
                   src=src, ctype="application/x-www-form-urlencoded", **kw)


def page_csrf(path, src=None, cookies=None):
    """GET a form page: (csrf token, cookies to send back)."""
    h = {}
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    r = request("GET", path, headers=h, src=src)
    m = re.search(rb'name="csrf" value="([^"]+)"', r.body)
    jar = dict(cookies or {})
    jar.update(r.cookies())
    return (m.group(1).decode() if m else ""), jar


VOLATILE_HEADERS = ("date",)


def normalise(r, extra=()):
    """Status, headers and body with only the volatile values replaced:
    the Date header's value, cookie values, CSRF and flow tokens, and the
    strings in extra (the user ID the request itself named)."""
    hs = []
    for k, v in r.headers:
        if k.lower() in VOLATILE_HEADERS:
            v = "<date>"
        elif k.lower() == "content-length":
            v = "<length>"  # the bodies are compared themselves
        elif k.lower() == "set-cookie":
            v = re.sub(r"^([^=;]+)=[^;]*", lambda m: m.group(1) + "=<v>"
                       if m.group(0) != m.group(1) + "=" else m.group(0), v)
        hs.append("%s: %s" % (k, v))
    b = r.text()
    b = re.sub(r'"flow":"[^"]*"', '"flow":"<flow>"', b)
    b = re.sub(r'name="csrf" value="[^"]*"', 'name="csrf" value="<csrf>"', b)
    b = re.sub(r'name="flow" value="[^"]*"', 'name="flow" value="<flow>"', b)
    for s in extra:
        if s:
            b = re.sub(r"\b(%s|%s)\b" % (re.escape(s), re.escape(s.lower())),
                       "<uid>", b)
    return "status %d\n%s\n\n%s" % (r.status, "\n".join(hs), b)


def diff(a, b):
    import difflib
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(),
                                          lineterm="", n=1))


def listuser(db, user):
    """`sspr esm --db db LISTUSER user CSDATA`: the ESM's own view of a
    user, custom fields included."""
    import subprocess
    r = subprocess.run([SSPR, "esm", "--db", db,
                        "LISTUSER %s CSDATA" % user],
                       capture_output=True, text=True, timeout=30)
    return r.stdout


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def parallel(fns, timeout=120):
    """Run the callables at once (one thread each); their results in
    order (None for one that did not finish within timeout)."""
    out = [None] * len(fns)
    start = threading.Barrier(len(fns))

    def one(i, f):
        try:
            start.wait(10)
        except threading.BrokenBarrierError:
            pass
        out[i] = f()

    ts = [threading.Thread(target=one, args=(i, f), daemon=True)
          for i, f in enumerate(fns)]
    for t in ts:
        t.start()
    end = time.monotonic() + timeout
    for t in ts:
        t.join(max(0.0, end - time.monotonic()))
    return out


def healthy(src=None):
    r = request("GET", "/healthz", src=src, timeout=5)
    return r.status == 200 and b'"ok"' in r.body, r


def latest_code(maildir, to, after=()):
    """The newest access code mailed to `to` in files not in after."""
    import glob
    files = [f for f in glob.glob(os.path.join(maildir, "*.eml"))
             if os.path.basename(f) not in after]
    for f in sorted(files, key=os.path.getmtime, reverse=True):
        t = open(f, encoding="utf-8", errors="replace").read().replace(
            "\r\n", "\n")
        if not re.search(r"^To: .*" + re.escape(to), t, re.M | re.I):
            continue
        m = re.search(r"^    ([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8})$", t,
                      re.M)
        if m:
            return m.group(1)
    return None


def wait_code(maildir, to, after=(), seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        c = latest_code(maildir, to, after)
        if c:
            return c
        time.sleep(0.1)
    return None


def mails(maildir):
    return set(os.listdir(maildir))
