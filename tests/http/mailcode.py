"""mailcode.py - the access code in the newest mail of a spool directory.

usage: mailcode.py SPOOL USER SINCE

Prints the 8-character access code (the code alphabet, on a line of its
own indented by four spaces, as templates/mail words it) of the newest
.eml in SPOOL addressed to USER@example.com (any recipient when USER is
empty) and not named in the file SINCE (a listing of SPOOL taken before
the step; none when empty).  Prints nothing when there is none yet: the
sender delivers in the background, so callers poll (lib.sh mailed_code).
"""
import glob
import os
import re
import sys

spool, user, since = sys.argv[1:4]
old = set(open(since).read().split()) if since else set()
to = re.compile(r"^To: .*" + re.escape(user.lower() + "@example.com"), re.M | re.I)
code = re.compile(r"^    ([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8})$", re.M)
for f in sorted(glob.glob(os.path.join(spool, "*.eml")), key=os.path.getmtime, reverse=True):
    if os.path.basename(f) in old:
        continue
    t = open(f, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
    if user and not to.search(t):
        continue
    m = code.search(t)
    if m:
        print(m.group(1))
        break
