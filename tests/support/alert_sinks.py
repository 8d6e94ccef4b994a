"""Real receivers for the alert tests: an SMTP server (aiosmtpd, Debian's
python3-aiosmtpd) or an HTTP server (the standard library's http.server)
that write each message they receive to DIR as one JSON file, with the
time it arrived. Usage: alert_sinks.py smtp|http DIR PORT [HOST] (HOST
defaults to 127.0.0.1; the SMTP server offers AUTH without TLS, as a
careless server would). Prints "ready"
once listening; runs until killed."""

import json
import os
import sys
import time
import warnings

# aiosmtpd 1.4 warns of its own deprecations on every AUTH.
warnings.filterwarnings("ignore")


def save(directory, record):
    record["received_at"] = time.time()
    name = "%d-%d.json" % (time.time_ns(), os.getpid())
    tmp = os.path.join(directory, "." + name)
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
    os.rename(tmp, os.path.join(directory, name))


def smtp(directory, port, host):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            save(
                directory,
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "data": envelope.content.decode("utf-8", "replace"),
                },
            )
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        save(directory, {"auth": mechanism})
        return AuthResult(success=True)

    c = Controller(
        Handler(),
        hostname=host,
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    c.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


def http(directory, port, host):
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode("utf-8", "replace")
            headers = {k: v for k, v in self.headers.items()}
            save(directory, {"path": self.path, "headers": headers, "body": body})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    s = HTTPServer((host, port), Handler)
    print("ready", flush=True)
    s.serve_forever()


if __name__ == "__main__":
    kind, directory, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
    {"smtp": smtp, "http": http}[kind](directory, port, host)
