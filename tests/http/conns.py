"""conns.py - connection fairness for test_connections.sh.

    conns.py PORT IDLE POLITE

Holds IDLE idle sockets from 127.0.0.1 (more than the per-address limit),
then, while they stay open, a polite client bound to 127.0.0.2 asks
/healthz POLITE times, one connection each.  At the same time a slow
sender trickles one header byte a second from 127.0.0.3, and a kept-alive
connection from 127.0.0.4 waits 12 s between two requests.  Prints one
"key=value" a line.
"""
import socket
import sys
import threading
import time

port, nidle, npolite = (int(a) for a in sys.argv[1:4])
res = {}


def connect(bind):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((bind, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def ask(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    got = b""
    while b'"ok"}' not in got:
        b = s.recv(4096)
        if not b:
            break
        got += b
    return got.startswith(b"HTTP/1.1 200")


def slow():
    s = connect("127.0.0.3")
    s.settimeout(1)
    t0 = time.monotonic()
    req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    for ch in req:
        try:
            s.send(bytes([ch]))
        except OSError:
            break
        try:
            if s.recv(4096) == b"":
                break
        except socket.timeout:
            pass
        except OSError:
            break
        if time.monotonic() - t0 > 60:
            break
    res["slow_cut_after_s"] = round(time.monotonic() - t0)


def keepalive():
    s = connect("127.0.0.4")
    first = ask(s)
    time.sleep(12)
    try:
        second = ask(s)
    except OSError:
        second = False
    res["keepalive_second_answer"] = "yes" if first and second else "no"


threads = [threading.Thread(target=slow), threading.Thread(target=keepalive)]
for t in threads:
    t.start()

idle, refused = [], 0
for _ in range(nidle):
    s = connect("127.0.0.1")
    idle.append(s)
time.sleep(1)
# the ones over the limit were closed by the server at once
for s in idle:
    s.settimeout(0.2)
    try:
        if s.recv(1) == b"":
            refused += 1
    except socket.timeout:
        pass
    except OSError:
        refused += 1
res["idle_opened"] = nidle
res["idle_closed_by_server"] = refused
res["idle_kept"] = nidle - refused

ok = 0
for _ in range(npolite):
    try:
        s = connect("127.0.0.2")
        ok += ask(s)
        s.close()
    except OSError:
        pass
res["polite_ok"] = ok
res["polite_rate_pct"] = 100 * ok // npolite
for t in threads:
    t.join()
for s in idle:
    s.close()
for k in sorted(res):
    print("%s=%s" % (k, res[k]))
