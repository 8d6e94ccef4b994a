#!/usr/bin/env bash
# Regenerates the README screenshots in assets/screenshots/ from the running
# program: builds the release binary, starts `lotwatch serve` (fixed seed and
# speed), runs the monitor in tmux at fixed sizes, drives it with keys,
# captures each screen with `tmux capture-pane -e -p` and renders it to a PNG
# with scripts/render_ansi.py (pyte + Pillow, DejaVu Sans Mono, the Tango
# palette). Not part of CI: it takes about a minute, needs tmux, the DejaVu
# fonts (fonts-dejavu-core) and PyPI (pyte and Pillow go into a venv under
# target/ the first time).
#
#   scripts/screenshots.sh            # all screenshots
#   KEEP_CAPTURES=1 scripts/screenshots.sh   # also keep the .ans captures in target/screenshots/
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/assets/screenshots
WORK=$ROOT/target/screenshots
VENV=$ROOT/target/screenshots-venv
BIN=$ROOT/target/release/lotwatch
SOCK=lotwatch-shots-$$
# Seconds of the simulated day before the screens are taken: lots open, bids
# arrive, the first lots enter their last minute and get extended.
SETTLE=${SETTLE:-28}

command -v tmux >/dev/null || { echo "tmux is needed (apt-get install tmux)" >&2; exit 1; }
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] ||
    { echo "DejaVu fonts are needed (apt-get install fonts-dejavu-core)" >&2; exit 1; }

cargo build --release --locked --bin lotwatch
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pyte, PIL' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "pyte==0.8.2" "pillow==13.0.0"
fi
mkdir -p "$OUT" "$WORK"

SERVERS=()
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# serve NAME [ARGS...]: starts a simulator; its URL is in $URL.
serve() {
    local name=$1; shift
    "$BIN" serve --addr 127.0.0.1:0 --seed 7 --speed 30 "$@" >"$WORK/$name.serve" 2>/dev/null &
    SERVERS+=($!)
    for _ in $(seq 50); do
        URL=$(grep -o 'http://[0-9.:]*' "$WORK/$name.serve" || true)
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    echo "the simulator did not start" >&2
    exit 1
}

# monitor NAME COLS ROWS URL [ARGS...]: the monitor in its own tmux session.
monitor() {
    local name=$1 cols=$2 rows=$3 url=$4; shift 4
    local cmd=("$BIN" --url "$url" --no-journal --log-file "$WORK/$name.log" "$@")
    # -f /dev/null: no user tmux.conf, the same screens on every machine.
    tmux -L "$SOCK" -f /dev/null new-session -d -s "$name" -x "$cols" -y "$rows" \
        -e TERM=xterm-256color -e LANG=C.UTF-8 "${cmd[@]}"
}

keys() { local name=$1; shift; tmux -L "$SOCK" send-keys -t "$name" "$@"; sleep 0.4; }

# shot NAME COLS ROWS BACKGROUND: captures the session and renders the PNG.
shot() {
    local name=$1 cols=$2 rows=$3 bg=$4
    sleep 0.6
    tmux -L "$SOCK" capture-pane -e -p -t "$name" >"$WORK/$name.ans"
    "$VENV/bin/python" scripts/render_ansi.py "$WORK/$name.ans" "$OUT/$name.png" \
        --cols "$cols" --rows "$rows" --background "$bg"
    echo "$OUT/$name.png"
}

serve day
DAY=$URL
serve skewed --clock-offset 5
SKEWED=$URL

monitor main 160 45 "$DAY" --currency USD
monitor bids 100 30 "$DAY" --currency USD
monitor help 160 45 "$DAY"
monitor filter 100 30 "$DAY"
monitor light 160 45 "$DAY" --currency EUR --theme light
monitor summary 100 30 "$DAY" --currency USD
monitor anomalies 100 30 "$SKEWED"
sleep "$SETTLE"

# The main screen: the third lot (bids on it) selected, every pane shown.
keys main j j
shot main 160 45 dark
# The bid history and its chart, beside the events.
keys bids j j 3
shot bids 100 30 dark
keys help '?'
shot help 160 45 dark
keys filter /
tmux -L "$SOCK" send-keys -t filter -l 'mineral:gold status:open,sched'
keys filter Enter
shot filter 100 30 dark
keys light j j
shot light 160 45 light
keys summary 6
shot summary 100 30 dark
keys anomalies 5
shot anomalies 100 30 dark

if [ -z "${KEEP_CAPTURES:-}" ]; then rm -f "$WORK"/*.ans; fi
du -ch "$OUT"/*.png | tail -1
