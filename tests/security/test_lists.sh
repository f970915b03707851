#!/usr/bin/env bash
# test_lists.sh - every list a request can carry, sent with repeats (exact
# and in another case), with over-long and unknown names, too long and
# empty, against a two-system server (PROD, DR):
#   enroll "systems" and "questions", reset/complete "systems",
#   reset/answers "answers", helpdesk replicate "to".
# Each bad request is sent 20 times (ten one after the other, ten at once)
# and must be refused the same way every time: 400 naming the member (the
# API's documented answer to a malformed member, web/api.c), with nothing
# changed in either ESM.  Afterwards /healthz and a normal request of the
# same kind must still work.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
source "$SSPR_SRC/tests/security/lib.sh"

http_esm_init
dr() { "$SSPR" esm --db dr.db "$@"; }
http_esm_more dr.db
run "dr rules" 0 dr "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
for g in USERS SSPRHELP; do
	run "group $g" 0 esm "ADDGROUP $g"
	run "group $g dr" 0 dr "ADDGROUP $g"
done
for id in LU1 LU2 TGT HELP01; do
	run "add $id" 0 esm "ADDUSER $id NAME('$id') DFLTGRP(USERS)"
	run "pw $id" 0 esm "ALTUSER $id PASSWORD(${id:0:4}A12) NOEXPIRED"
	run "add $id dr" 0 dr "ADDUSER $id NAME('$id') DFLTGRP(USERS)"
	run "pw $id dr" 0 dr "ALTUSER $id PASSWORD(${id:0:4}A12) NOEXPIRED"
done
run "connect HELP01" 0 esm "CONNECT HELP01 GROUP(SSPRHELP)"
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "role": "primary", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "helpdesk": {"group": "SSPRHELP", "idle_minutes": 15, "max_hours": 8, "protected_groups": ["SYS1"]}}
CFG
sec_serve 2

pycheck "lists" <<'PY'
import subprocess
from seclib import *
a = Addr(5)
LONG = "X" * 300

def esm_state():
    """Both ESMs' view of the test users (fields and attributes)."""
    out = []
    for db in ("prod.db", "dr.db"):
        for u in ("LU1", "LU2", "TGT"):
            out.append(re.sub(r"LAST-ACCESS=.*", "", listuser(db, u)))
    return out

def enroll_body(u, **kw):
    b = {"userid": u, "password": u[:4] + "A12", "email": u.lower() + "@example.com",
         "pin": PIN, "questions": QS}
    b.update(kw)
    return b

def hammer(name, member, send, normal=None, page=False):
    """Send a bad request 20 times: ten in a row from one address, then
    ten at once from ten addresses.  Every answer must be the same 400
    naming the member (a 503 "busy" to one of the ten at once is the
    hashing queue shedding load, counted and shown, not a list answer);
    nothing changed; the server answers /healthz and, when given, a
    normal request afterwards."""
    before = esm_state()
    src = a.next()
    seq = [send(src) for _ in range(10)]
    conc = [r for r in parallel([lambda s=a.next(): send(s) for _ in range(10)], timeout=60)
            if r is not None]
    busy = [r for r in conc if r.status == 503 and b'"busy"' in r.body]
    rs = seq + [r for r in conc if r not in busy]
    sts = {}
    for r in seq + conc:
        sts[r.status] = sts.get(r.status, 0) + 1
    first = seq[0]
    note("%s: statuses %s (%d busy); answer %s" % (name, sts, len(busy), first.text()[:160]))
    for r in sorted(set((r.status, r.body) for r in rs if (r.status, r.body) != (first.status, first.body))):
        note("%s: also answered %d %s" % (name, r[0], r[1][:200].decode("utf-8", "replace")))
    check("%s: 20 answers" % name, len(seq) + len(conc) == 20, str(len(seq) + len(conc)))
    check("%s: refused every time (4xx)" % name,
          all(400 <= r.status < 500 for r in rs), str(sts))
    check("%s: the same answer every time" % name,
          len(set((r.status, r.body) for r in rs)) == 1, str(sts))
    if page:  # a page: the form's error page, 400
        check("%s: 400" % name, first.status == 400, "%d" % first.status)
    elif not check("%s: 400 naming '%s'" % (name, member),
                 first.status == 400 and ("'%s'" % member).encode() in first.body,
                 "%d %s" % (first.status, first.text())):
        note("STRICT: the request is refused (%d), but not with the 400 naming '%s' "
             "that a malformed member gets" % (first.status, member))
    check("%s: nothing changed in either ESM" % name, esm_state() == before)
    ok, h = healthy()
    check("%s: /healthz afterwards" % name, ok, "%d %s" % (h.status, h.text()))
    if normal:
        normal()

# --- enroll: "systems" and "questions" ---
def enroll_ok(u):
    def f():
        r = api("/api/v1/enroll", enroll_body(u), src=a.next())
        check("normal enrollment of %s afterwards" % u, r.status == 200 and
              (r.json() or {}).get("systems") == {"PROD": "ok", "DR": "ok"},
              "%d %s" % (r.status, r.text()))
    return f

cases = [
    ("enroll systems PROD,DR,PROD", "systems", ["PROD", "DR", "PROD"]),
    ("enroll systems prod,PROD", "systems", ["prod", "PROD"]),
    ("enroll systems DR,dr", "systems", ["DR", "dr"]),
    ("enroll systems over-long name", "systems", ["PROD", LONG]),
    ("enroll systems unknown name", "systems", ["PROD", "NOSUCH"]),
    ("enroll systems empty name", "systems", [""]),
    ("enroll systems 20 names", "systems", ["PROD", "DR"] * 10),
]
for name, member, lst in cases:
    hammer(name, member, lambda src, lst=lst: api("/api/v1/enroll",
           enroll_body("LU2", systems=lst), src=src))
qcases = [
    ("enroll questions Q01,Q01,Q02", ["Q01", "Q01", "Q02"]),
    ("enroll questions q01,Q01,Q02", ["q01", "Q01", "Q02"]),
    ("enroll questions unknown id", ["Q01", "Q02", "Q99"]),
    ("enroll questions over-long id", ["Q01", "Q02", LONG]),
]
for name, ids in qcases:
    qs = [{"question": q, "answer": "answer %d" % i} for i, q in enumerate(ids)]
    hammer(name, "questions", lambda src, qs=qs: api("/api/v1/enroll",
           enroll_body("LU2", questions=qs), src=src))
hammer("enroll questions x4", "questions", lambda src: api("/api/v1/enroll",
       enroll_body("LU2", questions=QS + QS[:1]), src=src), normal=enroll_ok("LU2"))

# --- a reset of LU1 up to the action step ---
r = api("/api/v1/enroll", enroll_body("LU1"), src=a.next())
check("enroll LU1", r.status == 200, r.text())
s1 = a.next()
before = mails("mail")
f = api("/api/v1/reset", {"userid": "LU1"}, src=s1).json()["flow"]
r = api("/api/v1/reset/pin", {"flow": f, "pin": PIN}, src=s1)
check("LU1 pin", r.status == 200, r.text())
code = wait_code("mail", "lu1@example.com", before)
r = api("/api/v1/reset/code", {"flow": r.json().get("flow"), "code": code or "-"}, src=s1)
check("LU1 code", r.status == 200, r.text())
fans = (r.json() or {}).get("flow", "")
asked = [q["id"] for q in (r.json() or {}).get("questions", [])]

# reset/answers: "answers" too long, empty, not strings
for name, lst in [("answers x4", ["a", "b", "c", "d"]), ("answers empty", []),
                  ("answers not strings", [1] * len(asked)),
                  ("answers 20", ["a"] * 20)]:
    hammer("reset/answers " + name, "answers", lambda src, lst=lst: api(
        "/api/v1/reset/answers", {"flow": fans, "answers": lst}, src=src))
r = api("/api/v1/reset/answers", {"flow": fans, "answers": [ANS[q] for q in asked]}, src=s1)
check("LU1 right answers afterwards", r.status == 200 and (r.json() or {}).get("step") == "action",
      r.text())
fact = (r.json() or {}).get("flow", "")

# reset/complete: "systems"
for name, lst in [("PROD,DR,PROD", ["PROD", "DR", "PROD"]), ("prod,PROD", ["prod", "PROD"]),
                  ("over-long name", [LONG]), ("unknown name", ["NOSUCH"]),
                  ("20 names", ["DR"] * 20)]:
    hammer("reset/complete systems " + name, "systems", lambda src, lst=lst: api(
        "/api/v1/reset/complete", {"flow": fact, "action": "password", "new": "NEWPW123",
                                   "systems": lst}, src=src))
r = api("/api/v1/reset/complete", {"flow": fact, "action": "password", "new": "NEWPW123"}, src=s1)
check("LU1 reset completes afterwards", r.status == 200 and
      (r.json() or {}).get("systems") == {"PROD": "ok", "DR": "ok"}, "%d %s" % (r.status, r.text()))

# --- helpdesk replicate "to" ---
r = api("/api/v1/enroll", enroll_body("TGT", systems=["PROD"]), src=a.next())
check("enroll TGT on PROD", r.status == 200, r.text())
r = api("/api/v1/helpdesk/login", {"userid": "HELP01", "password": "HELPA12"}, src=a.next())
check("operator login", r.status == 200, r.text())
tok = (r.json() or {}).get("token", "")
hd = {"Authorization": "Bearer " + tok}
rep = lambda to, src: request("POST", "/api/v1/helpdesk/users/TGT/replicate",
                              {"from": "PROD", "to": to}, headers=hd, src=src)
for name, lst in [("DR,DR", ["DR", "DR"]), ("dr,DR", ["dr", "DR"]),
                  ("over-long name", ["DR", LONG]), ("unknown name", ["NOSUCH"]),
                  ("20 names", ["DR"] * 20)]:
    hammer("replicate to " + name, "to", lambda src, lst=lst: rep(lst, src))
r = rep(["DR"], a.next())
check("replicate to DR afterwards", r.status == 200 and
      (r.json() or {}).get("systems") == {"DR": "ok"}, "%d %s" % (r.status, r.text()))
# --- pages: a form's lists are fields named after the system (sys_prod,
# sys_dr) or the question (q1..q3); a repeated field is a malformed form.
def page_send(path, pairs, get="/reset", cookies=None):
    def f(src):
        csrf, jar = page_csrf(get, src=src)
        jar.update(cookies or {})
        body = "&".join("%s=%s" % kv for kv in [("csrf", csrf)] + pairs)
        h = {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "same-origin",
             "Cookie": "; ".join("%s=%s" % kv for kv in jar.items())}
        return request("POST", path, body, headers=h, src=src,
                       ctype="application/x-www-form-urlencoded")
    return f
flowc = {"__Host-flow": fact or "x"}
done = [("action", "password"), ("new", "NEWPW124"), ("confirm", "NEWPW124")]
hammer("page /reset/complete sys_prod twice", "sys_prod",
       page_send("/reset/complete", done + [("sys_prod", "1"), ("sys_prod", "1")], cookies=flowc),
       page=True)
hammer("page /reset/complete sys_PROD (case)", "sys_PROD",
       page_send("/reset/complete", done + [("sys_PROD", "1"), ("sys_prod", "1")], cookies=flowc),
       page=True)
eform = [("userid", "LU2"), ("password", "LU2A12"), ("email", "lu2@example.com"), ("pin", PIN),
         ("q1", "Q01"), ("a1", "x1"), ("q2", "Q02"), ("a2", "x2"), ("q3", "Q03"), ("a3", "x3")]
hammer("page /enroll q1 twice", "q1", page_send("/enroll", eform + [("q1", "Q04")], get="/enroll"),
       page=True)
ok, h = healthy()
check("/healthz at the end", ok)
finish()
PY
run "serve.log has no crash" 0 kill -0 "$server"
sec_finish
