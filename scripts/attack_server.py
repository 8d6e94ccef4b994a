#!/usr/bin/env python3
"""A hostile platform for scripts/measure.sh: proxies every request to a real
`lotwatch serve` (UPSTREAM) except the snapshot and the feed, which, after
the first snapshot went through, get one transport attack:

  gzip    a gzip bomb: 40 MiB of blanks in ~40 kB, sent with its length
  chunks  a chunked body of blanks that never ends
  header  an answer with a 1 MiB header
  body    a Content-Length of 50 MB, then blanks for as long as it is read

Usage: attack_server.py PORT UPSTREAM MODE
"""
import gzip
import http.server
import sys
import urllib.error
import urllib.request

PORT, UPSTREAM, MODE = int(sys.argv[1]), sys.argv[2].rstrip("/"), sys.argv[3]
BOMB = gzip.compress(b" " * (40 << 20), 9)
BLANKS = b" " * (64 << 10)
snapshots = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        global snapshots
        path = self.path.split("?")[0]
        attacked = path in ("/api/v1/lots", "/api/v1/events", "/api/v1/stream")
        if path == "/api/v1/lots":
            snapshots += 1
            attacked = snapshots > 1
        try:
            if attacked:
                self.attack()
            else:
                self.proxy()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def proxy(self):
        req = urllib.request.Request(UPSTREAM + self.path)
        for h in ("Authorization", "If-None-Match"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            r = urllib.request.urlopen(req, timeout=60)
            status, headers, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, body = e.code, e.headers, e.read()
        self.send_response(status)
        for h in ("Content-Type", "ETag", "Date", "Cache-Control"):
            if headers.get(h):
                self.send_header(h, headers[h])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def attack(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if MODE == "gzip":
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(BOMB)))
            self.end_headers()
            self.wfile.write(BOMB)
        elif MODE == "chunks":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while True:
                self.wfile.write(b"%x\r\n" % len(BLANKS) + BLANKS + b"\r\n")
        elif MODE == "header":
            self.send_header("X-Big", "a" * (1 << 20))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
        elif MODE == "body":
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            while True:
                self.wfile.write(BLANKS)
        else:
            raise SystemExit(f"unknown mode {MODE}")


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
