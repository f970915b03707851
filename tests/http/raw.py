"""raw.py - one raw HTTP/1.1 exchange for the framing and connection tests.

    raw.py PORT [--bind ADDR] < REQUEST-TEXT

The text's last newline (a here-string's) is dropped and every other
newline becomes CRLF; \\r and \\t are not touched.

Sends the bytes as they are (no client library fixes them up), reads until
the server closes or 5 s pass, and prints: the status line of every answer
seen, "answers=N", and "closed=yes" when the server closed the connection
(an idle keep-alive connection shows "closed=no").
"""
import re
import socket
import sys

port = int(sys.argv[1])
bind = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--bind" else None
data = sys.stdin.buffer.read()
if data.endswith(b"\n"):
    data = data[:-1]
data = data.replace(b"\n", b"\r\n")
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
if bind:
    s.bind((bind, 0))
s.settimeout(5)
s.connect(("127.0.0.1", port))
s.sendall(data)
got, closed = b"", False
try:
    while True:
        b = s.recv(65536)
        if not b:
            closed = True
            break
        got += b
except socket.timeout:
    pass
except ConnectionResetError:
    closed = True
s.close()
lines = re.findall(rb"HTTP/1\.[01] \d{3}[^\r\n]*", got)
for l in lines:
    print(l.decode("latin-1"))
print("answers=%d" % len(lines))
print("closed=%s" % ("yes" if closed else "no"))
sys.stdout.write(got.decode("latin-1"))
