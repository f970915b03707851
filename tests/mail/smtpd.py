#!/usr/bin/python3
"""SMTP test server for sspr's mail integration tests (aiosmtpd based).

Run it with Debian's interpreter, which has python3-aiosmtpd 1.4.3:

    /usr/bin/python3 tests/mail/smtpd.py --port 0 --port-file RUN/port \\
        --spool RUN/spool [options] &

It listens on 127.0.0.1 (see --host).  With --port 0 the kernel picks a free
port; the port number is written to --port-file (atomically: the file appears
complete) once the socket is listening, so a test waits for that file, e.g.

    for _ in $(seq 100); do [ -s RUN/port ] && break; sleep 0.1; done
    port=$(cat RUN/port)

A stale --port-file is removed at start-up.  SIGTERM (or SIGINT) makes it exit
0 after closing the listener and open connections.  Nothing is printed on
stdout; errors (bad options, unexpected exceptions) go to stderr.

Options
  --port N            0 = pick a free port (default 0)
  --port-file FILE    write the listening port here (decimal + newline)
  --host ADDR         address to bind (default 127.0.0.1)
  --hostname NAME     name used in the greeting/EHLO (default localhost)
  --spool DIR         every accepted message is stored as DIR/<n>.json,
                      n = 1, 2, ... (first unused number), written before the
                      250 reply to the final dot, via a rename (never partial;
                      without --spool the final dot is answered 451):
                        {"mail_from": "a@b", "rcpt_tos": ["c@d", ...],
                         "data": "<message as received, CRLF kept, dot-
                                  unstuffed, without the final .CRLF;
                                  decoded UTF-8, bad bytes -> U+FFFD>",
                         "data_b64": "<the same bytes, base64>",
                         "peer": "127.0.0.1:54321", "tls": true|false,
                         "tls_version": "TLSv1.3"|null,
                         "client_cert_subject": "CN=..."|null,
                         "auth_user": "user"|null, "helo": "...",
                         "mail_options": [...], "rcpt_options": [...],
                         "received_at": 1700000000.123}
  --tls-cert F        server certificate chain (PEM); offers STARTTLS
  --tls-key F         its private key (default: taken from --tls-cert)
  --require-starttls  refuse everything except EHLO/NOOP/STARTTLS/QUIT before
                      STARTTLS: "530 Must issue a STARTTLS command first"
                      (note: HELO, AUTH and RSET are refused too)
  --implicit-tls      TLS from the first byte (smtps://); STARTTLS is then not
                      offered.  Needs --tls-cert.
  --client-ca F       TLS requires a client certificate signed by a CA in F;
                      a handshake without one (or with another CA's) fails
                      and the connection is closed (nothing is replied).
  --auth USER:PASS    offer AUTH PLAIN and LOGIN and require it before MAIL:
                      "530 5.7.0 Authentication required"; bad credentials:
                      "535 5.7.8 Authentication credentials invalid"; good:
                      "235 2.7.0 Authentication successful".  AUTH is only
                      offered/accepted on a TLS connection (plaintext AUTH is
                      answered "538 5.7.11 Encryption required for requested
                      authentication mechanism").  Without --auth no AUTH is
                      offered ("AUTH x" gets 538 in plaintext, 504 on TLS).
  --auth-plaintext    also allow AUTH on a plaintext connection (negative tests)
  --control DIR       fault injection; these files are (re)read at every
                      command, so a test can change them while the server runs.
                      Absent or empty file = normal behaviour.  The content is
                      sent as the reply (several lines -> multi-line reply, the
                      test writes "550-..." / "550 ..." itself).  A reply whose
                      (last) code is 421 also closes the connection, as real
                      servers do.
                        mail_reply      reply to MAIL FROM (sender not taken)
                        rcpt_reply      reply to RCPT TO (recipient not taken)
                        data_reply      reply to the final dot (not stored)
                        drop_in_data    present: after "354", read the first
                                        data line (or N bytes if the file holds
                                        a number N) and close the connection
                                        without a reply; nothing is stored
                        greeting_reply  send this instead of the 220 greeting
                                        and close the connection
  --log FILE          appends one line per SMTP command line received, verbatim
                      (CRLF stripped), e.g. "RCPT TO:<a@b>"; AUTH initial
                      responses are masked ("AUTH PLAIN ********"), AUTH
                      continuation lines (LOGIN user/password, PLAIN without
                      initial response) and DATA content are not logged.
                      Lines starting with "#" are events: "# connect PEER tls=0|1",
                      "# starttls PEER", "# tls-failed REASON", "# stored N",
                      "# dropped-in-data PEER", "# greeting-reply PEER".
                      So `grep -c '^RCPT ' FILE` counts RCPT commands.
  --timeout S         idle timeout per connection (default 300, aiosmtpd's)
  --smtputf8          advertise SMTPUTF8 (default: off, non-ASCII in commands
                      gets "500 Error: strict ASCII mode")
  --max-size N        SIZE limit in bytes (default 33554432)
  -v, --verbose       aiosmtpd's own session log on stderr

Typical replies (aiosmtpd 1.4.3): greeting "220 localhost Python SMTP 1.4.3",
MAIL/RCPT "250 OK", DATA "354 End data with <CR><LF>.<CR><LF>", stored message
"250 OK: queued as <n>", QUIT "221 Bye", MAIL before HELO/EHLO "503 Error: send
HELO first", DATA without RCPT "503 Error: need RCPT command".

Behaviour of aiosmtpd 1.4.3 worth knowing when writing assertions:
  - The idle timeout (--timeout) closes the connection silently (no 421).
  - EHLO (and HELO) reset the transaction: a MAIL before it is forgotten.
  - After STARTTLS the session starts afresh (EHLO again, AUTH again).
  - After HELO (not EHLO) "AUTH" is answered "500 Error: command 'AUTH' not
    recognized".
  - A DATA line longer than 1001 bytes (incl. CRLF) is answered, after the
    final dot, "500 Line too long (see RFC5321 4.5.3.1.6)"; more than
    --max-size bytes: "552 Error: Too much mail data"; nothing is stored.
  - A client certificate failure (--client-ca) closes the connection during
    the handshake; the client gets a TLS alert/EOF, never an SMTP reply.
  - Many concurrent connections are fine (one asyncio loop, no threads).
"""

import argparse
import asyncio
import base64
import hmac
import json
import logging
import os
import signal
import ssl
import sys
import time
import traceback
import warnings
import weakref

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, TLSSetupException
except ImportError as e:  # pragma: no cover
    sys.stderr.write("smtpd.py: cannot import aiosmtpd (%s); run it with "
                     "/usr/bin/python3 (Debian python3-aiosmtpd)\n" % e)
    sys.exit(2)

# aiosmtpd warns (per connection) when AUTH is required without TLS; that is
# exactly what --auth-plaintext / --implicit-tls ask for.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

PROG = "smtpd.py"


def err(msg):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.stderr.flush()


def fmt_peer(peer):
    if isinstance(peer, (tuple, list)) and len(peer) >= 2:
        return "%s:%s" % (peer[0], peer[1])
    return str(peer)


class CommandLog:
    """The --log file: one line per command, plus '#' event lines."""

    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8", errors="backslashreplace") \
            if path else None

    def write(self, line):
        if self.f is None:
            return
        self.f.write(line + "\n")
        self.f.flush()


class CommandLogHandler(logging.Handler):
    """Picks aiosmtpd's per-command log record ('%r >> %r', peer, line).

    aiosmtpd 1.4.3 logs every command line it reads in _handle_client(),
    after masking AUTH initial responses (aiosmtpd.smtp.sanitize), and before
    any check (so refused and unknown commands are logged too).
    """

    def __init__(self, cmdlog):
        super().__init__(logging.DEBUG)
        self.cmdlog = cmdlog

    def emit(self, record):
        try:
            if record.msg != "%r >> %r" or not record.args \
                    or len(record.args) != 2:
                return
            line = record.args[1]
            if isinstance(line, bytes):
                line = line.decode("utf-8", "backslashreplace")
            line = str(line).rstrip("\r\n")
            if line:
                self.cmdlog.write(line)
        except Exception:  # never let logging break the server
            pass


class Control:
    """Fault-injection files in --control DIR, read on every use."""

    def __init__(self, directory):
        self.dir = directory

    def _path(self, name):
        return os.path.join(self.dir, name) if self.dir else None

    def exists(self, name):
        p = self._path(name)
        return bool(p) and os.path.exists(p)

    def read(self, name):
        p = self._path(name)
        if not p:
            return None
        try:
            with open(p, "r", encoding="utf-8", errors="replace") as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def reply(self, name):
        """File content as an SMTP reply (lines joined by CRLF), or None."""
        text = self.read(name)
        if text is None:
            return None
        lines = [ln.rstrip("\r") for ln in text.splitlines() if ln.strip()]
        if not lines:
            return None
        return "\r\n".join(lines)


def is_421(status):
    if isinstance(status, str):
        status = status.encode("utf-8", "replace")
    last = status.rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1]
    return last == b"421" or last.startswith(b"421 ")


def tls_info(transport):
    """(tls, version, client cert subject) of a (possibly STARTTLS) transport."""
    if transport is None:
        return False, None, None
    sslobj = transport.get_extra_info("ssl_object")
    if sslobj is None:
        return False, None, None
    subject = None
    try:
        cert = sslobj.getpeercert()
        if cert:
            subject = ",".join("%s=%s" % kv for rdn in cert.get("subject", ())
                               for kv in rdn)
            subject = subject.replace("commonName=", "CN=")
    except Exception:
        pass
    try:
        version = sslobj.version()
    except Exception:
        version = None
    return True, version, subject


class TestSMTP(SMTP):
    """aiosmtpd's SMTP with the control-file behaviours and a command log."""

    def __init__(self, handler, *, control, cmdlog, **kwargs):
        self.control = control
        self.cmdlog = cmdlog
        super().__init__(handler, **kwargs)

    def is_tls(self):
        return tls_info(self.transport)[0]

    async def push(self, status):
        await super().push(status)
        if is_421(status) and self.transport is not None:
            # 421 = "closing transmission channel": behave like a real MTA.
            self.transport.close()
            if self._handler_coroutine is not None:
                self._handler_coroutine.cancel()

    async def _handle_client(self):
        peer = fmt_peer(self.session.peer)
        self.cmdlog.write("# connect %s tls=%d" % (peer, int(self.is_tls())))
        try:
            greeting = self.control.reply("greeting_reply")
            if greeting is not None:
                self.cmdlog.write("# greeting-reply %s" % peer)
                await self.push(greeting)
                if self.transport is not None:
                    self.transport.close()
                return
            await super()._handle_client()
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            # Client went away while we were replying: nothing to report.
            pass

    async def smtp_DATA(self, arg):
        # Same preconditions as aiosmtpd's smtp_DATA; if any fails, let it
        # produce its own error reply.
        if (self.control.exists("drop_in_data")
                and self.session.host_name
                and not (self._auth_required and not self.session.authenticated)
                and self.envelope.rcpt_tos
                and not arg):
            spec = (self.control.read("drop_in_data") or "").strip()
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            try:
                if spec.isdigit() and int(spec) > 0:
                    await asyncio.wait_for(
                        self._reader.readexactly(int(spec)), 30)
                else:
                    await asyncio.wait_for(self._reader.readuntil(b"\n"), 30)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    asyncio.TimeoutError, ConnectionError):
                pass
            self.cmdlog.write("# dropped-in-data %s" % fmt_peer(self.session.peer))
            self._set_post_data_state()
            if self.transport is not None:
                self.transport.close()
            self._handler_coroutine.cancel()
            return
        await super().smtp_DATA(arg)


class Handler:
    def __init__(self, opts, control, cmdlog):
        self.opts = opts
        self.control = control
        self.cmdlog = cmdlog
        self.spool = opts.spool

    # EHLO: hide the AUTH line when no --auth was given (aiosmtpd would
    # otherwise advertise its built-in mechanisms on every TLS connection).
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # required when this hook is defined
        if not self.opts.auth:
            responses = [r for r in responses if not r[4:].startswith("AUTH")]
        return responses

    def handle_STARTTLS(self, server, session, envelope):
        self.cmdlog.write("# starttls %s" % fmt_peer(session.peer))
        return True

    async def handle_MAIL(self, server, session, envelope, address, options):
        reply = self.control.reply("mail_reply")
        if reply is not None:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.control.reply("rcpt_reply")
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.control.reply("data_reply")
        if reply is not None:
            return reply
        n = self.store(server, session, envelope)
        if n is None:
            return "451 4.3.0 test server: no spool configured"
        self.cmdlog.write("# stored %d" % n)
        return "250 OK: queued as %d" % n

    async def handle_exception(self, error):
        if isinstance(error, TLSSetupException):
            cause = error.__cause__ or error
            self.cmdlog.write("# tls-failed %s" % str(cause).replace("\n", " "))
            return "554 TLS handshake failed"  # not sent: aiosmtpd closes
        err("exception in SMTP session:\n" + "".join(
            traceback.format_exception(type(error), error, error.__traceback__)))
        return "500 Error: (%s) %s" % (type(error).__name__, error)

    def store(self, server, session, envelope):
        if not self.spool:
            return None
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        tls, version, subject = tls_info(server.transport)
        auth_user = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": raw.decode("utf-8", "replace"),
            "data_b64": base64.b64encode(raw).decode("ascii"),
            "peer": fmt_peer(session.peer),
            "tls": tls,
            "tls_version": version,
            "client_cert_subject": subject,
            "auth_user": auth_user,
            "helo": session.host_name,
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "received_at": time.time(),
        }
        n = 1
        while os.path.exists(os.path.join(self.spool, "%d.json" % n)):
            n += 1
        tmp = os.path.join(self.spool, ".%d.json.tmp" % n)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
        os.rename(tmp, os.path.join(self.spool, "%d.json" % n))
        return n


def make_authenticator(user, password):
    user_b = user.encode("utf-8")
    pass_b = password.encode("utf-8")

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            ok_u = hmac.compare_digest(auth_data.login, user_b)
            ok_p = hmac.compare_digest(auth_data.password, pass_b)
            if ok_u and ok_p:
                return AuthResult(success=True, auth_data=auth_data)
        # handled=False: aiosmtpd sends "535 5.7.8 Authentication credentials invalid"
        return AuthResult(success=False, handled=False)
    return authenticator


def server_tls_context(opts):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(opts.tls_cert, opts.tls_key or None)
    if opts.client_ca:
        ctx.load_verify_locations(cafile=opts.client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def parse_args(argv):
    p = argparse.ArgumentParser(prog=PROG, description="SMTP test server "
                                "(see the module docstring)")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--hostname", default="localhost")
    p.add_argument("--spool")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--client-ca")
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--auth-plaintext", action="store_true")
    p.add_argument("--control")
    p.add_argument("--log")
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--max-size", type=int, default=2 ** 25)
    p.add_argument("-v", "--verbose", action="store_true")
    opts = p.parse_args(argv)
    if (opts.require_starttls or opts.implicit_tls or opts.client_ca
            or opts.tls_key) and not opts.tls_cert:
        p.error("--require-starttls/--implicit-tls/--client-ca/--tls-key "
                "need --tls-cert")
    if opts.implicit_tls and opts.require_starttls:
        p.error("--implicit-tls and --require-starttls exclude each other")
    if opts.auth is not None and ":" not in opts.auth:
        p.error("--auth wants USER:PASSWORD")
    if opts.auth_plaintext and opts.auth is None:
        p.error("--auth-plaintext needs --auth")
    for d in (opts.spool, opts.control):
        if d and not os.path.isdir(d):
            p.error("not a directory: %s" % d)
    return opts


def setup_logging(opts, cmdlog):
    mlog = logging.getLogger("mail.log")
    mlog.propagate = False
    mlog.setLevel(logging.DEBUG if opts.verbose else logging.INFO)
    mlog.addHandler(CommandLogHandler(cmdlog))
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter(PROG + ": %(message)s"))
    # aiosmtpd logs harmless warnings (deprecated login_data, CERT_REQUIRED
    # on the STARTTLS context, ...): only show them with -v.
    stderr.setLevel(logging.DEBUG if opts.verbose else logging.ERROR)
    mlog.addHandler(stderr)
    if not opts.verbose:
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)


async def serve(opts):
    loop = asyncio.get_running_loop()
    cmdlog = CommandLog(opts.log)
    setup_logging(opts, cmdlog)
    control = Control(opts.control)
    handler = Handler(opts, control, cmdlog)

    tls_ctx = server_tls_context(opts) if opts.tls_cert else None
    smtp_kwargs = dict(
        hostname=opts.hostname,
        data_size_limit=opts.max_size,
        enable_SMTPUTF8=opts.smtputf8,
        timeout=opts.timeout,
        loop=loop,
    )
    if tls_ctx is not None and not opts.implicit_tls:
        smtp_kwargs.update(tls_context=tls_ctx,
                           require_starttls=opts.require_starttls)
    if opts.auth is not None:
        user, _, password = opts.auth.partition(":")
        smtp_kwargs.update(
            authenticator=make_authenticator(user, password),
            auth_required=True,
            # aiosmtpd only knows STARTTLS as "TLS"; on an implicit-TLS
            # connection everything is encrypted already.
            auth_require_tls=not (opts.auth_plaintext or opts.implicit_tls),
        )
    else:
        smtp_kwargs.update(auth_exclude_mechanism=["PLAIN", "LOGIN"])

    connections = weakref.WeakSet()

    def factory():
        proto = TestSMTP(handler, control=control, cmdlog=cmdlog, **smtp_kwargs)
        connections.add(proto)
        return proto

    if opts.port_file:
        try:
            os.unlink(opts.port_file)
        except FileNotFoundError:
            pass

    server = await loop.create_server(
        factory, host=opts.host, port=opts.port,
        ssl=tls_ctx if opts.implicit_tls else None,
        reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, opts.port_file)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    # A test killed outright (a timeout's SIGKILL) cannot stop its
    # servers: each stops itself once its parent is gone.
    async def watch_parent(parent):
        while not stop.is_set():
            if os.getppid() != parent:
                stop.set()
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(watch_parent(os.getppid()))
    await stop.wait()
    watcher.cancel()

    server.close()
    for proto in list(connections):
        t = proto.transport
        if t is not None:
            t.close()
    await server.wait_closed()
    await asyncio.sleep(0.05)  # let connection_lost() callbacks run


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        asyncio.run(serve(opts))
    except (OSError, ssl.SSLError) as e:
        err(str(e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
