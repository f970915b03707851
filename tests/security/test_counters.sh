#!/usr/bin/env bash
# test_counters.sh - every counter of the reset flow under concurrency,
# against the real `sspr serve`:
#   (a) 3, 6 and 10 wrong access codes at once on one flow: afterwards the
#       right code is refused (three wrong tries burn a code), and the
#       user's failure count (the SSPRFAIL field) is exactly the number sent
#       below reset.max_failures; at it the user is locked (a request that
#       read the state before the lock may still add its failure);
#   (b) N wrong PINs at once for one user: the failure count is exactly N;
#       N = reset.max_failures locks the user (the right PIN is refused),
#       N = max_failures - 1 does not;
#   (c) the right code twice at once (a double submit): both 200, one of
#       them recognised as a replay, nothing counted;
#   (d) the right code 50 times at once: every answer that is not load
#       shedding is 200 and exactly one moved the state (the audit log has
#       one "ok" without reason, the rest "replay"); then the completion
#       raced 10-way succeeds exactly once.
# Every request comes from an address of its own (the per-address budget
# is test_fairness.sh's), and the server has enough workers that the
# hashing queue holds 50 requests.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
source "$SSPR_SRC/tests/security/lib.sh"

http_esm_init
for id in CA3 CA6 CA10 CB7 CB8 CC CD; do
	run "add $id" 0 esm "ADDUSER $id NAME('$id')"
	run "pw $id" 0 esm "ALTUSER $id PASSWORD(PASSA12) NOEXPIRED"
done
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "reset": {"max_failures": 8}}
CFG
sec_serve 13

pycheck "counters" <<'PY'
import subprocess
from seclib import *
a = Addr(6)
MAXF = 8

def field(u, name):
    m = re.search(r"^\s*%s=\s*(\S*)\s*$" % name, listuser("prod.db", u), re.M)
    return m.group(1) if m else ""

def fails(u):
    v = field(u, "SSPRFAIL")
    m = re.match(r"F1\$(\d+)\$", v)
    return int(m.group(1)) if m else 0

def locked(u):
    m = re.match(r"F1\$\d+\$\d+\$(\d+)", field(u, "SSPRFAIL"))
    return bool(m) and int(m.group(1)) > time.time()

def hist(rs):
    h = {}
    for r in rs:
        k = r.status if r is not None else "none"
        h[k] = h.get(k, 0) + 1
    return h

def enroll(u):
    r = api("/api/v1/enroll", {"userid": u, "password": "PASSA12",
        "email": u.lower() + "@example.com", "pin": PIN,
        "questions": [{"question": q, "answer": v} for q, v in ANS.items()]}, src=a.next())
    check("enroll " + u, r.status == 200, r.text())

def to_code(u):
    """A flow of u at the code step: (token, code mailed)."""
    s = a.next()
    before = mails("mail")
    f = (api("/api/v1/reset", {"userid": u}, src=s).json() or {}).get("flow", "")
    r = api("/api/v1/reset/pin", {"flow": f, "pin": PIN}, src=s)
    check("%s: right PIN -> code step" % u, r.status == 200 and
          (r.json() or {}).get("step") == "code", "%d %s" % (r.status, r.text()))
    code = wait_code("mail", u.lower() + "@example.com", before)
    check("%s: code mailed" % u, code is not None)
    return (r.json() or {}).get("flow", ""), code

for u in ["CA3", "CA6", "CA10", "CB7", "CB8", "CC", "CD"]:
    enroll(u)

# (a) concurrent wrong codes burn the code, every one counted
for u, k in (("CA3", 3), ("CA6", 6), ("CA10", 10)):
    flow, code = to_code(u)
    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    rs = parallel([lambda s=a.next(): api("/api/v1/reset/code", {"flow": flow, "code": wrong}, src=s)
                   for _ in range(k)], timeout=60)
    h = hist(rs)
    note("(a) %d wrong codes at once for %s: statuses %s; SSPRFAIL %s; SSPRCODE %s" %
         (k, u, h, field(u, "SSPRFAIL"), field(u, "SSPRCODE")))
    check("(a) %s: all %d wrong codes refused with 403" % (u, k), h == {403: k}, str(h))
    if k < MAXF:
        check("(a) %s: failure count exactly %d" % (u, k), fails(u) == k, "count %d" % fails(u))
    else:
        # At max_failures the user is locked; requests that read the
        # state before the lock may still add theirs.
        check("(a) %s: failure count %d..%d and locked" % (u, MAXF, k),
              MAXF <= fails(u) <= k and locked(u), field(u, "SSPRFAIL"))
    r = api("/api/v1/reset/code", {"flow": flow, "code": code or "-"}, src=a.next())
    check("(a) %s: the right code is refused afterwards (burned)" % u, r.status == 403,
          "%d %s" % (r.status, r.text()))

# (b) concurrent wrong PINs: an exact count, the lock at max_failures
for u, n in (("CB7", MAXF - 1), ("CB8", MAXF)):
    fl = []
    for _ in range(n):
        s = a.next()
        fl.append(((api("/api/v1/reset", {"userid": u}, src=s).json() or {}).get("flow", ""), s))
    rs = parallel([lambda f=f, s=s: api("/api/v1/reset/pin", {"flow": f, "pin": "604938"}, src=s)
                   for f, s in fl], timeout=120)
    h = hist(rs)
    note("(b) %d wrong PINs at once for %s: statuses %s; SSPRFAIL %s" % (n, u, h, field(u, "SSPRFAIL")))
    check("(b) %s: all %d wrong PINs refused with 403" % (u, n), h == {403: n}, str(h))
    check("(b) %s: failure count exactly %d" % (u, n), fails(u) == n, "count %d" % fails(u))
    check("(b) %s: locked iff %d >= max_failures" % (u, n), locked(u) == (n >= MAXF),
          field(u, "SSPRFAIL"))
    s = a.next()
    f = (api("/api/v1/reset", {"userid": u}, src=s).json() or {}).get("flow", "")
    r = api("/api/v1/reset/pin", {"flow": f, "pin": PIN}, src=s)
    if n >= MAXF:
        check("(b) %s: locked after %d = max_failures: the right PIN is refused" % (u, n),
              r.status == 403, "%d %s" % (r.status, r.text()))
    else:
        check("(b) %s: not locked after %d < max_failures: the right PIN goes on" % (u, n),
              r.status == 200, "%d %s" % (r.status, r.text()))

# (c) a double submit of the right code
flow, code = to_code("CC")
f0 = fails("CC")
rs = parallel([lambda s=a.next(): api("/api/v1/reset/code", {"flow": flow, "code": code or "-"}, src=s)
               for _ in range(2)], timeout=60)
h = hist(rs)
note("(c) the right code twice at once: statuses %s; SSPRFAIL %r" % (h, field("CC", "SSPRFAIL")))
check("(c) both answered 200 (step questions)", h == {200: 2} and
      all((r.json() or {}).get("step") == "questions" for r in rs), str(h))
check("(c) nothing counted", fails("CC") == f0, "%d -> %d" % (f0, fails("CC")))

def audit(action, user):
    out = []
    try:
        for line in open("audit.log"):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("action") == action and e.get("user") == user:
                out.append(e)
    except OSError:
        pass
    return out

n0 = len(audit("reset.code", "CC"))
# The audit log has the two: one ok without reason, one replay.
time.sleep(0.5)
ev = audit("reset.code", "CC")
reasons = sorted(str(e.get("reason")) for e in ev if e.get("outcome") == "ok")
note("(c) audit reset.code for CC, outcome ok: reasons %s" % reasons)
check("(c) one moved the state, one was a replay", reasons == ["None", "replay"], str(reasons))

# (d) 50 right codes at once, then the completion raced 10-way
flow, code = to_code("CD")
f0 = fails("CD")
rs = parallel([lambda s=a.next(): api("/api/v1/reset/code", {"flow": flow, "code": code or "-"}, src=s)
               for _ in range(50)], timeout=120)
h = hist(rs)
busy = [r for r in rs if r is not None and r.status == 503 and b'"busy"' in r.body]
done = [r for r in rs if r is not None and r not in busy]
note("(d) the right code 50 times at once: statuses %s (%d busy)" % (h, len(busy)))
check("(d) every answer that is not load shedding is 200", all(r.status == 200 for r in done), str(h))
check("(d) at most 10 of 50 shed as busy", len(busy) <= 10, str(h))
time.sleep(0.5)
ev = [e for e in audit("reset.code", "CD") if e.get("outcome") == "ok"]
movers = [e for e in ev if e.get("reason") in (None, "")]
replays = [e for e in ev if e.get("reason") == "replay"]
note("(d) audit: %d ok without reason, %d replay, other records %s" % (
     len(movers), len(replays),
     sorted(set((e.get("outcome"), e.get("reason")) for e in audit("reset.code", "CD")) -
            {("ok", None), ("ok", "replay")})))
check("(d) exactly one request moved the state", len(movers) == 1, str(len(movers)))
check("(d) the others were replays", len(replays) == len(done) - 1,
      "%d replays for %d answered" % (len(replays), len(done)))
check("(d) nothing counted", fails("CD") == f0, "%d -> %d" % (f0, fails("CD")))
fq = (done[0].json() or {}) if done else {}
r = api("/api/v1/reset/answers", {"flow": fq.get("flow", ""),
        "answers": [ANS[q["id"]] for q in fq.get("questions", [])]}, src=a.next())
check("(d) right answers -> action step", r.status == 200 and
      (r.json() or {}).get("step") == "action", "%d %s" % (r.status, r.text()))
fact = (r.json() or {}).get("flow", "")
rs = parallel([lambda s=a.next(), i=i: api("/api/v1/reset/complete",
               {"flow": fact, "action": "password", "new": "NEWPW%03d" % i}, src=s)
               for i in range(10)], timeout=120)
h = hist(rs)
ok = [(i, r) for i, r in enumerate(rs) if r is not None and r.status == 200]
note("(d) the completion 10 times at once: statuses %s" % h)
check("(d) exactly one completion succeeds", len(ok) == 1, str(h))
check("(d) the others are refused (403) or shed (503 busy)",
      all(r.status == 403 or (r.status == 503 and b'"busy"' in r.body)
          for r in rs if r is not None and r.status != 200), str(h))
if len(ok) == 1:
    i = ok[0][0]
    v = subprocess.run([SSPR, "verify", "--db", "prod.db", "CD"], input="NEWPW%03d\n" % i,
                       capture_output=True, text=True, timeout=30)
    check("(d) the winner's password is the one set", '"resp":"NORMAL"' in v.stdout, v.stdout)
    others = [j for j in range(10) if j != i][:2]
    for j in others:
        v = subprocess.run([SSPR, "verify", "--db", "prod.db", "CD"], input="NEWPW%03d\n" % j,
                           capture_output=True, text=True, timeout=30)
        check("(d) a loser's password %d was not set" % j, '"resp":"NORMAL"' not in v.stdout, v.stdout)
ev = [e for e in audit("reset.complete", "CD") if e.get("outcome") == "ok"]
check("(d) one completion in the audit log", len(ev) == 1, str(len(ev)))
ok_, hz = healthy()
check("/healthz at the end", ok_)
finish()
PY
sec_finish
