#!/usr/bin/env bash
# Counts the requests a monitor makes to the platform, by path and status,
# from the request log of `lotwatch serve` (one line per request on its
# stderr), in three runs (issue #13):
#   start  - a new journal against a day under way that keeps its whole
#            history, 8 s;
#   gone   - a feed that keeps only 3 events on a fast day (600x), so that
#            long-polls fall behind it and get 410s, 8 s;
#   restart - a restart whose journal cursor the feed no longer holds (the
#            feed keeps 50 events): the second run's 8 s are counted;
#   nofeed - a new journal against a platform without a change feed, 10 s.
# The monitor runs in a private tmux server (it needs a terminal).
#
# Usage: scripts/request_counts.sh [MONITOR_BIN]
#   MONITOR_BIN: the monitor to measure (default target/debug/lotwatch), e.g.
#   an older build to compare. SERVE_BIN (env): the simulator (default
#   target/debug/lotwatch; it needs `serve --history`).
set -euo pipefail
cd "$(dirname "$0")/.."
MON=${1:-target/debug/lotwatch}
SERVE=${SERVE_BIN:-target/debug/lotwatch}
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 2; }
[ -x "$MON" ] && [ -x "$SERVE" ] || { echo "build first: cargo build" >&2; exit 2; }
DIR=$(mktemp -d /tmp/lotwatch-requests.XXXXXX)
SOCK="lotwatch-req-$$"
SERVE_PID=
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_serve LOG ARGS... : starts the simulator, sets URL.
start_serve() {
    local log=$1; shift
    local port; port=$(free_port)
    "$SERVE" serve --addr "127.0.0.1:$port" --seed 7 "$@" >/dev/null 2>"$log" &
    SERVE_PID=$!
    URL="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        curl -s -o /dev/null "$URL/api/v1/auction" 2>/dev/null && return
        python3 -c "import urllib.request; urllib.request.urlopen('$URL/api/v1/auction')" 2>/dev/null && return
        sleep 0.1
    done
    echo "the simulator did not start" >&2; exit 1
}

stop_serve() { kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=; }

# run_monitor NAME SECONDS JOURNAL : runs the monitor, then quits it with q.
run_monitor() {
    tmux -L "$SOCK" new-session -d -s "$1" -x 120 -y 40 \
        "exec $MON --url $URL --journal $3 --log-file $DIR/$1.log"
    sleep "$2"
    tmux -L "$SOCK" send-keys -t "$1" q
    for _ in $(seq 50); do tmux -L "$SOCK" has-session -t "$1" 2>/dev/null || return 0; sleep 0.1; done
    tmux -L "$SOCK" kill-session -t "$1"
}

# tally NAME LOG [FROM_LINE] : requests by path and status (the health
# probes of this script are left out).
tally() {
    local from=${3:-1}
    echo "== $1"
    tail -n "+$from" "$2" | awk '
        $2 == "GET" {
            split($3, t, "?"); p = t[1]; q = t[2]
            key = p " " $4
            n[key]++; total++
            if (p == "/api/v1/events" && q ~ /(^|&)after=0(&|$)/) zero++
        }
        END {
            for (k in n) printf "  %-22s %s\n", n[k], k
            printf "  total %d; /events with after=0: %d\n", total, zero
        }' | sort -k2
}

start_serve "$DIR/start.log" --speed 30
sleep 5 # the day is under way: the snapshot's seq is above 0
skip=$(wc -l <"$DIR/start.log")
run_monitor start 8 "$DIR/start.sqlite"
tally start "$DIR/start.log" $((skip + 1))
stop_serve

start_serve "$DIR/gone.log" --speed 600 --history 3
sleep 3
skip=$(wc -l <"$DIR/gone.log")
run_monitor gone 8 "$DIR/gone.sqlite"
tally gone "$DIR/gone.log" $((skip + 1))
stop_serve

start_serve "$DIR/restart.log" --speed 300 --history 50
run_monitor restart1 4 "$DIR/restart.sqlite"
sleep 5 # more than 50 events pass: the journal's cursor is no longer held
skip=$(wc -l <"$DIR/restart.log")
run_monitor restart2 8 "$DIR/restart.sqlite"
tally "restart" "$DIR/restart.log" $((skip + 1))
stop_serve

start_serve "$DIR/nofeed.log" --speed 30 --no-feed
sleep 3
skip=$(wc -l <"$DIR/nofeed.log")
run_monitor nofeed 10 "$DIR/nofeed.sqlite"
tally nofeed "$DIR/nofeed.log" $((skip + 1))
stop_serve
