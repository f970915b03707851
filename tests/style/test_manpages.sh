#!/usr/bin/env bash
# test_manpages.sh - the manual pages say what the program does:
#
#   - every command and subcommand of `sspr --help` has an entry in
#     sspr.8, and every entry is a command; each lists exactly the options
#     its `--help` lists (both ways);
#   - sspr.json.5 describes exactly the keys of sspr/config.c's key tables,
#     nested objects included (both ways);
#   - mandoc -Tlint finds nothing at WARNING level or above (STYLE
#     messages are left out on purpose: ".Os sspr <version>" is how the
#     version gets into the pages, and sspr.json(5) is not in a manual
#     database while the pages are checked);
#   - the version is one string: CMake's project(VERSION) = `sspr version`
#     = debian/changelog's upstream version = the pages' .Os.
set -u
: "${SSPR:?SSPR must name the sspr binary}"
cd "${SSPR_SRC:?SSPR_SRC must name the source tree}"
status=0

if ! command -v mandoc >/dev/null; then
	echo "mandoc is missing (scripts/deps.sh test installs it)"
	exit 1
fi
for page in docs/man/sspr.8.in docs/man/sspr.json.5.in; do
	if ! out=$(mandoc -Tlint -Wwarning "$page" 2>&1) || [[ -n $out ]]; then
		echo "mandoc -Tlint $page:"
		printf '%s\n' "$out" | sed 's/^/    /'
		status=1
	fi
done

/usr/bin/python3 - "$SSPR" <<'PY' || status=1
import re, subprocess, sys

sspr = sys.argv[1]
bad = []
OPT = re.compile(r'(?<![\w-])(-[a-z]|--[a-z][a-z-]*)\b')

def helptext(*args):
    r = subprocess.run([sspr, *args, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        bad.append("sspr %s --help: exit %d" % (" ".join(args), r.returncode))
    return r.stdout

# --- the commands and their options, from --help -------------------------
top = helptext()
commands = re.findall(r'^  ([a-z]+)  ', top.split("commands:", 1)[1], re.M)
helpopts = {}     # "cmd" or "cmd sub" -> set of options

def synopses(cmd, text):
    """{"cmd [sub]": options of its synopsis}, and the options the help
    describes (indented lines that start with an option)."""
    blocks, cur = [], None
    for ln in text.splitlines():
        m = re.match(r'^(?:usage: |\s+)sspr %s\b(.*)' % cmd, ln)
        if m:
            cur = [m.group(1)]
            blocks.append(cur)
        elif cur is not None and ln.startswith("    ") and ln.strip():
            cur.append(ln)
        else:
            cur = None
    subs = {}
    for b in blocks:
        m = re.match(r'\s*([a-z]+)\b', b[0])
        key = cmd + (" " + m.group(1) if m else "")
        subs[key] = subs.get(key, set()) | set(OPT.findall(" ".join(b)))
    described = set()
    for ln in text.splitlines():
        m = re.match(r'^\s+(-[a-z]|--[a-z][a-z-]*)\b', ln)
        if m:
            described.add(m.group(1))
    return subs, described

for cmd in commands:
    text = helptext(cmd)
    subs, described = synopses(cmd, text)
    if not subs:
        bad.append("sspr %s --help: no usage line" % cmd)
        continue
    for key, opts in subs.items():
        if len(subs) == 1:
            opts = opts | described
        else:
            own = helptext(*key.split())
            if own != text:
                # the subcommand has a help of its own
                s2, d2 = synopses(cmd, own)
                opts = s2.get(key, set()) | d2
            # else one help shared by several subcommands: each synopsis
            # is compared, and every option described must be in one
        helpopts[key] = opts - {"-h", "--help"}
    if len(subs) > 1:
        extra = described - set().union(*subs.values()) - {"-h", "--help"}
        if extra:
            bad.append("sspr %s --help describes %s, in no synopsis"
                       % (cmd, sorted(extra)))

# --- the same from sspr.8 ------------------------------------------------
src = open("docs/man/sspr.8.in").read()
body = src.split("The commands are:", 1)[1].split(".Sh ENVIRONMENT", 1)[0]
# Each entry: the options of its synopsis (the ".It Cm" line) and those
# of its option list (the nested ".It Fl" items); both must be --help's.
mansyn, mandesc, cur = {}, {}, None
for ln in body.splitlines():
    m = re.match(r'^\.It Cm ([a-z]+(?: [a-z]+)?)(?=\s|$)(.*)', ln)
    if m:
        cur = m.group(1)
        mansyn[cur] = {"-" + f for f in
                       re.findall(r'\bFl\s+(-?[a-z][a-z-]*)', m.group(2))}
        mandesc[cur] = set()
        continue
    m = re.match(r'^\.It Fl\s+(-?[a-z][a-z-]*)', ln)
    if m and cur is not None:
        mandesc[cur].add("-" + m.group(1))

for key in sorted(set(helpopts) - set(mansyn)):
    bad.append("sspr.8: no entry for '%s' (sspr %s --help has it)" % (key, key))
for key in sorted(set(mansyn) - set(helpopts)):
    bad.append("sspr.8: entry '%s' is not a command of sspr --help" % key)
for key in sorted(set(helpopts) & set(mansyn)):
    for what, man in (("synopsis", mansyn[key]), ("option list", mandesc[key])):
        for o in sorted(helpopts[key] - man):
            bad.append("sspr.8: the %s of '%s' lacks %s (its --help lists it)"
                       % (what, key, o))
        for o in sorted(man - helpopts[key]):
            bad.append("sspr %s --help lacks %s (the %s in sspr.8 lists it)"
                       % (key, o, what))

# --- configuration keys --------------------------------------------------
cfg = open("sspr/config.c").read()
prefix = {"top": "", "helpdesk": "helpdesk.", "journal": "journal.",
          "inject": "inject.", "sys_inject": "systems[].inject.",
          "tls": "tls.", "system": "systems[].", "mail": "mail.",
          "reset": "reset.", "hash": "hash.", "limits": "limits.",
          "field": "reset.fields."}
codekeys = set()
for name, table in re.findall(
        r'static const struct cfg_key cfg_(\w+)_keys\[\] = \{(.*?)\};', cfg, re.S):
    if name not in prefix:
        bad.append("sspr/config.c: table cfg_%s_keys is new: add its path "
                   "to tests/style/test_manpages.sh and its keys to "
                   "sspr.json.5" % name)
        continue
    codekeys |= {prefix[name] + k for k in re.findall(r'\{"(\w+)",', table)}
m = re.search(r'cfg_field_keys\[CFG_FIELD_COUNT\] = \{(.*?)\};', cfg, re.S)
if m is None:
    bad.append("sspr/config.c: cfg_field_keys not found")
else:
    codekeys |= {prefix["field"] + k for k in re.findall(r'= "(\w+)"', m.group(1))}
if len(codekeys) < 40:
    bad.append("sspr/config.c: only %d keys found; has the table shape "
               "changed?" % len(codekeys))
mankeys = set()
for item in re.findall(r'^\.It Ic (.+?)(?: Pq .*)?$',
                       open("docs/man/sspr.json.5.in").read(), re.M):
    mankeys |= {k.strip() for k in item.split(" , ")}
for k in sorted(codekeys - mankeys):
    bad.append("sspr.json.5: key '%s' (sspr/config.c) is not described" % k)
for k in sorted(mankeys - codekeys):
    bad.append("sspr.json.5: key '%s' is not in sspr/config.c" % k)

# --- one version ---------------------------------------------------------
v_cmake = re.search(r'project\(sspr VERSION ([0-9.]+)',
                    open("CMakeLists.txt").read()).group(1)
v_bin = subprocess.run([sspr, "version"], capture_output=True,
                       text=True).stdout.strip()
m = re.match(r'sspr \(([0-9.]+)-[^)]+\)', open("debian/changelog").readline())
v_deb = m.group(1) if m else "(unreadable)"
if v_bin != "sspr " + v_cmake:
    bad.append("sspr version says '%s', CMakeLists.txt %s" % (v_bin, v_cmake))
if v_deb != v_cmake:
    bad.append("debian/changelog's upstream version %s, CMakeLists.txt %s"
               % (v_deb, v_cmake))
import os
built = os.path.join(os.path.dirname(os.path.abspath(sspr)), "man")
for page in ("sspr.8", "sspr.json.5"):
    if ".Os sspr @PROJECT_VERSION@\n" not in open("docs/man/%s.in" % page).read():
        bad.append("docs/man/%s.in: .Os must be 'sspr @PROJECT_VERSION@'" % page)
    out = os.path.join(built, page)
    if os.path.exists(out) and ".Os sspr %s\n" % v_cmake not in open(out).read():
        bad.append("%s: .Os is not 'sspr %s'" % (out, v_cmake))

for b in bad:
    print(b)
print("manpages: %d commands, %d configuration keys, version %s, %d problems"
      % (len(helpopts), len(codekeys), v_cmake, len(bad)))
sys.exit(1 if bad else 0)
PY
exit $status
