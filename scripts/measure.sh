#!/usr/bin/env bash
# Measures the real `lotwatch` binary in a pseudo-terminal (a private tmux
# server) against `lotwatch serve`, and the baseline a user would otherwise
# run, `watch -n1 'curl -s URL/api/v1/lots | jq .'`, over the same API.
#
# For each scenario (the demo day at real speed; a generated 10 000-lot day
# sped up to about 200 events/s; and, for lotwatch alone, "idle": the demo
# day held an hour before its first lot opens, so that no event ends a
# long-poll early: the platform load of a monitor with nothing happening;
# and the transport attacks "attack-gzip", "attack-chunks", "attack-header",
# "attack-body": the idle day behind scripts/attack_server.py, whose
# snapshot and feed turn hostile after the first snapshot: a gzip bomb,
# endless chunks, a 1 MiB header, a 50 MB body) and each client (lotwatch;
# "old", the same figures of another build of lotwatch, by default main's
# release binary copied to target/measure/main/lotwatch, so that each figure
# has the previous one beside it from the same run and machine; the watch
# loop):
#   - CPU: utime+stime (+ reaped children, for watch) from /proc/PID/stat over
#     a 60 s window that starts after a 5 s warm-up, as % of one core;
#   - peak memory: VmHWM from /proc/PID/status (for watch: the peak of the
#     summed VmRSS of watch and its children, sampled every 100 ms);
#   - platform load: requests and response bytes in the window, from the
#     simulator's request log (one line per request, with its body bytes);
#   - the event rate the simulator produced in the window (seq delta / s).
# Plus: start to the first frame showing lots for the embedded demo
# (`lotwatch` without --url), by polling the pane every 5 ms, median of 5.
#
# Usage: scripts/measure.sh [RUNS]   (RUNS repetitions, default 1; the
# report gives each run and, with RUNS > 1, the median.)
# Env: WINDOW (s, default 60), ATTACK_WINDOW (s, default 30), SCALE_LOTS
#      (10000), SCALE_SPEED (see below), BIN (default target/release/lotwatch;
#      built if missing), BIN_OLD (the build to compare with; default
#      target/measure/main/lotwatch when it exists), OUT (results dir),
#      SCENARIOS (default "demo scale idle" and the four attacks), CLIENTS
#      (default "old lotwatch watch", without "old" when there is no BIN_OLD),
#      FIRST_FRAME (1, default: time the start; 0: skip it).
#      E.g. SCENARIOS=scale CLIENTS=lotwatch FIRST_FRAME=0 scripts/measure.sh 3
set -euo pipefail

RUNS=${1:-1}
WINDOW=${WINDOW:-60}
WARMUP=${WARMUP:-5}
SCALE_LOTS=${SCALE_LOTS:-10000}
# At 600x the generated 10 000-lot day gives ~190-200 events/s (measured: seq
# rises ~1 900 per 10 s; 240x gives ~72/s).
SCALE_SPEED=${SCALE_SPEED:-600}
ATTACK_WINDOW=${ATTACK_WINDOW:-30}
SCENARIOS=${SCENARIOS:-demo scale idle attack-gzip attack-chunks attack-header attack-body}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/lotwatch}
if [ -z "${BIN_OLD+x}" ] && [ -x "$ROOT/target/measure/main/lotwatch" ]; then
    BIN_OLD=$ROOT/target/measure/main/lotwatch
fi
BIN_OLD=${BIN_OLD:-}
if [ -n "$BIN_OLD" ]; then CLIENTS=${CLIENTS:-old lotwatch watch}; else CLIENTS=${CLIENTS:-lotwatch watch}; fi
FIRST_FRAME=${FIRST_FRAME:-1}
for s in $SCENARIOS; do
    case $s in demo | scale | idle | attack-gzip | attack-chunks | attack-header | attack-body) ;;
    *) echo "unknown scenario: $s" >&2; exit 2 ;; esac
done
for c in $CLIENTS; do
    case $c in lotwatch | watch) ;;
    old) [ -x "$BIN_OLD" ] || { echo "client old: no BIN_OLD binary" >&2; exit 2; } ;;
    *) echo "unknown client: $c" >&2; exit 2 ;; esac
done
OUT=${OUT:-$ROOT/target/measure}
SOCK=lotwatch-measure-$$
HZ=$(getconf CLK_TCK)
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need tmux || missing+=(tmux)
need curl || missing+=(curl)
need jq || missing+=(jq)
need watch || missing+=(procps)
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release --bin lotwatch)
fi

cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    if [ -n "${SERVE_PID:-}" ]; then kill "$SERVE_PID" 2>/dev/null || true; fi
    if [ -n "${ATTACK_PID:-}" ]; then kill "$ATTACK_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# cpu ticks of PID: own, or own + reaped children ("all")
ticks() {
    local f; f=$(cut -d')' -f2- "/proc/$1/stat")
    # fields after "comm)": state=1 ... utime=12 stime=13 cutime=14 cstime=15
    if [ "$2" = all ]; then
        awk '{print $12+$13+$14+$15}' <<<"$f"
    else
        awk '{print $12+$13}' <<<"$f"
    fi
}
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }
# summed VmRSS (kB) of PID and all its descendants
tree_rss_kb() {
    local pids=($1) frontier=($1) next kids p
    while ((${#frontier[@]})); do
        next=()
        for p in "${frontier[@]}"; do
            kids=$(cat /proc/"$p"/task/*/children 2>/dev/null || true)
            for k in $kids; do next+=("$k"); pids+=("$k"); done
        done
        frontier=("${next[@]}")
    done
    # (a child may exit between listing and reading: not an error)
    for p in "${pids[@]}"; do awk '/^VmRSS/{print $2}' /proc/"$p"/status 2>/dev/null || true; done |
        awk '{s+=$1} END{print s+0}'
}
# the feed position now (a cheap request, tagged so the load count skips it;
# asked of the simulator itself, never of the attack server in front of it)
feed_seq() { curl -s "$1/api/v1/events?after=99999999999&wait=0&measure=1" | jq -r .last_seq; }

# start_serve NAME ARGS... : sets URL, SERVE_PID, SERVE_LOG
start_serve() {
    local name=$1; shift
    local port; port=$(free_port)
    SERVE_LOG=$OUT/serve-$name.log
    "$BIN" serve --addr "127.0.0.1:$port" "$@" >"$OUT/serve-$name.out" 2>"$SERVE_LOG" &
    SERVE_PID=$!
    URL=http://127.0.0.1:$port
    FEED_URL=$URL
    for _ in $(seq 200); do curl -sf "$URL/api/v1/auction" >/dev/null && return 0; sleep 0.05; done
    echo "serve did not start" >&2; exit 1
}
stop_serve() {
    kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=
    if [ -n "${ATTACK_PID:-}" ]; then
        kill "$ATTACK_PID" 2>/dev/null || true; wait "$ATTACK_PID" 2>/dev/null || true; ATTACK_PID=
    fi
}
# start_attack MODE: the idle day behind the attack server; sets URL to it
start_attack() {
    start_serve "attack-$1" --speed 1 --lead-ms 3600000
    local port; port=$(free_port)
    python3 "$ROOT/scripts/attack_server.py" "$port" "$URL" "$1" 2>"$OUT/attack-$1.log" &
    ATTACK_PID=$!
    local upstream=$URL
    URL=http://127.0.0.1:$port
    for _ in $(seq 200); do curl -sf "$URL/api/v1/auction" >/dev/null && return 0; sleep 0.05; done
    echo "the attack server (for $upstream) did not start" >&2; exit 1
}

# run_client NAME MODE CMD : runs CMD in tmux 200x50 for WARMUP+WINDOW s and
# prints "cpu_pct peak_mb requests bytes events_per_s"
run_client() {
    local name=$1 mode=$2 cmd=$3
    tmux -L "$SOCK" new-session -d -s "$name" -x 200 -y 50 -e TERM=xterm-256color "exec $cmd"
    local pid; pid=$(tmux -L "$SOCK" list-panes -t "$name" -F '#{pane_pid}')
    sleep "$WARMUP"
    local t0 l0 s0 peak=0 r window_s=${4:-$WINDOW}
    t0=$(ticks "$pid" "$mode"); l0=$(wc -l <"$SERVE_LOG"); s0=$(feed_seq "$FEED_URL")
    local end=$((SECONDS + window_s))
    while ((SECONDS < end)); do
        if [ "$mode" = all ]; then
            r=$(tree_rss_kb "$pid")
            if ((r > peak)); then peak=$r; fi
            sleep 0.1
        else
            sleep 1
        fi
    done
    local t1 l1 s1
    t1=$(ticks "$pid" "$mode"); l1=$(wc -l <"$SERVE_LOG"); s1=$(feed_seq "$FEED_URL")
    [ "$mode" = all ] || peak=$(hwm_kb "$pid")
    tmux -L "$SOCK" kill-session -t "$name"
    # the script's own feed-position reads are tagged: leave them out
    local window reqs bytes
    window=$(sed -n "$((l0 + 1)),${l1}p" "$SERVE_LOG" | grep ' GET ' | grep -v 'measure=1' || true)
    reqs=$(grep -c . <<<"$window" || true)
    bytes=$(awk '{sub("B$","",$NF); s+=$NF} END{print s+0}' <<<"$window")
    awk -v t=$((t1 - t0)) -v hz="$HZ" -v w="$window_s" -v pk="$peak" -v rq="$reqs" -v by="$bytes" \
        -v ds=$((s1 - s0)) \
        'BEGIN{printf "%.2f %.1f %d %d %.1f\n", 100*t/hz/w, pk/1024, rq, by, ds/w}'
}

# first_frame_ms: start the embedded demo and time the first frame with lots.
# Prints "drawn seen": from just before exec to the frame being written, as
# the binary logs it ("first frame with lots drawn", microsecond timestamps),
# and to the frame being seen in the pane by polling it every 5 ms (this one
# includes tmux's and the polling's own delays, large on a loaded machine).
first_frame_ms() {
    local bin=${1:-$BIN}
    local log=$OUT/first-frame.log t0f=$OUT/first-frame.t0 t0 t1 drawn
    : >"$log"
    rm -f "$t0f"
    tmux -L "$SOCK" new-session -d -s ff -x 200 -y 50 -e TERM=xterm-256color \
        "date +%s%N >$t0f; exec $bin --no-journal --log-file $log"
    while :; do
        if tmux -L "$SOCK" capture-pane -p -t ff 2>/dev/null | grep -qE '[1-9][0-9]*/[0-9]+ · sort'; then
            t1=$(date +%s%N); break
        fi
        if [ -s "$t0f" ] && (( ($(date +%s%N) - $(cat "$t0f")) > 10000000000 )); then t1=0; break; fi
        sleep 0.005
    done
    tmux -L "$SOCK" kill-session -t ff
    t0=$(cat "$t0f")
    drawn=$(grep -m1 'first frame with lots drawn' "$log" | cut -d' ' -f1 || true)
    if [ -n "$drawn" ]; then
        drawn=$((($(date -d "$drawn" +%s%N) - t0) / 1000000))
    else
        drawn=timeout
    fi
    if ((t1 == 0)); then echo "$drawn timeout"; else echo "$drawn $(((t1 - t0) / 1000000))"; fi
}

median() { sort -n | awk '{a[NR]=$1} END{if(NR==0){print "-"} else if(NR%2){print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }

RESULTS=$OUT/results.txt
: >"$RESULTS"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); load now: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
echo "window ${WINDOW}s after ${WARMUP}s warm-up; 200x50 tmux pane; runs: $RUNS" | tee -a "$RESULTS"

# One tmux server for the whole run (a session that only waits): starting
# the server is not part of lotwatch's start-up.
tmux -L "$SOCK" new-session -d -s keeper -x 80 -y 24 "sleep 100000"
if [ "$FIRST_FRAME" != 0 ]; then
    for client in $CLIENTS; do
        case $client in lotwatch) b=$BIN ;; old) b=$BIN_OLD ;; *) continue ;; esac
        drawn=() seen=()
        for i in $(seq 5); do
            read -r d s < <(first_frame_ms "$b")
            drawn+=("$d"); seen+=("$s")
        done
        echo "$client: start -> first frame with lots (embedded demo), ms, drawn (log): ${drawn[*]}; median $(printf '%s\n' "${drawn[@]}" | grep -v timeout | median)" | tee -a "$RESULTS"
        echo "$client: start -> first frame with lots (embedded demo), ms, seen in the pane: ${seen[*]}; median $(printf '%s\n' "${seen[@]}" | grep -v timeout | median)" | tee -a "$RESULTS"
    done
fi

printf '%-8s %-9s %4s %8s %8s %8s %10s %8s\n' scenario client run cpu% peak_MB req/min bytes/req ev/s | tee -a "$RESULTS"
for run in $(seq "$RUNS"); do
    for scen in $SCENARIOS; do
        clients=$CLIENTS
        case $scen in
        demo) start_serve demo --speed 1 ;;
        scale) start_serve scale --lots "$SCALE_LOTS" --speed "$SCALE_SPEED" --lead-ms 1000 ;;
        idle) start_serve idle --speed 1 --lead-ms 3600000; clients=$(tr ' ' '\n' <<<"$CLIENTS" | grep -v -x watch || true) ;;
        attack-*) start_attack "${scen#attack-}"; clients=$(tr ' ' '\n' <<<"$CLIENTS" | grep -v -x watch || true) ;;
        esac
        w=$WINDOW
        case $scen in attack-*) w=$ATTACK_WINDOW ;; esac
        for client in $clients; do
            if [ "$client" = lotwatch ] || [ "$client" = old ]; then
                b=$BIN
                [ "$client" = old ] && b=$BIN_OLD
                read -r cpu mb rq by ev < <(run_client "lw-$scen" own \
                    "$b --url $URL --no-journal --log-file $OUT/$client-$scen.log" "$w")
            else
                read -r cpu mb rq by ev < <(run_client "w-$scen" all \
                    "watch -n1 'curl -s $URL/api/v1/lots | jq .'")
            fi
            per=$(awk -v r="$rq" -v w="$w" 'BEGIN{printf "%.1f", r*60/w}')
            each=$(awk -v r="$rq" -v b="$by" 'BEGIN{if(r>0) printf "%d", b/r; else print 0}')
            printf '%-8s %-9s %4s %8s %8s %8s %10s %8s\n' "$scen" "$client" "$run" "$cpu" "$mb" "$per" "$each" "$ev" | tee -a "$RESULTS"
        done
        stop_serve
    done
done

if ((RUNS > 1)); then
    echo "medians over $RUNS runs:" | tee -a "$RESULTS"
    for scen in $SCENARIOS; do
        for client in $CLIENTS; do
            case $scen in idle | attack-*) [ "$client" = watch ] && continue ;; esac
            rows=$(awk -v s="$scen" -v c="$client" '$1==s && $2==c' "$RESULTS")
            line="$scen $client"
            for col in 4 5 6 7 8; do line+=" $(awk -v k=$col '{print $k}' <<<"$rows" | median)"; done
            echo "  $line" | tee -a "$RESULTS"
        done
    done
fi
if [[ " $CLIENTS " == *" old "* ]] && [[ " $CLIENTS " == *" lotwatch "* ]]; then
    echo "side by side, old ($BIN_OLD) -> new ($BIN), medians over $RUNS run(s):" | tee -a "$RESULTS"
    printf '  %-14s %-16s %-16s %-16s %-16s\n' scenario cpu% peak_MB req/min bytes/req | tee -a "$RESULTS"
    for scen in $SCENARIOS; do
        line=$(printf '  %-14s' "$scen")
        for col in 4 5 6 7; do
            o=$(awk -v s="$scen" -v k=$col '$0 !~ /^ / && $1==s && $2=="old" {print $k}' "$RESULTS" | median)
            n=$(awk -v s="$scen" -v k=$col '$0 !~ /^ / && $1==s && $2=="lotwatch" {print $k}' "$RESULTS" | median)
            line+=$(printf ' %-16s' "$o -> $n")
        done
        echo "$line" | tee -a "$RESULTS"
    done
fi
echo "results in $RESULTS"
