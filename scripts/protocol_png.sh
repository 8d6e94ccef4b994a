#!/usr/bin/env bash
# Renders the HTML protocol of an auction day to PNG with Debian's headless
# Chromium, for the README's screenshots (assets/screenshots/protocol.png,
# the first page, and protocol-lot.png, one lot's page). Without a journal it
# first records a whole simulated day: `lotwatch serve --speed 60` and the
# monitor journaling it in tmux (about 4 minutes; SPEED=600 takes 30 s, with
# the day's times squeezed into seconds). Not part of CI: it needs tmux,
# Chromium (apt-get install chromium) and the DejaVu fonts
# (apt-get install fonts-dejavu-core) for Kazakh and Russian text.
#
#   scripts/protocol_png.sh                   # record a day, then render
#   scripts/protocol_png.sh day.sqlite        # render this journal's protocol
#   PROTOCOL_LANG=kk scripts/protocol_png.sh  # in Kazakh (en, ru, kk; default ru)
#   PROTOCOL_LOT=401102 scripts/protocol_png.sh   # the lot of the second picture
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/assets/screenshots
WORK=$ROOT/target/protocol-png
BIN=$ROOT/target/release/lotwatch
LANG_CODE=${PROTOCOL_LANG:-ru}
SPEED=${SPEED:-60}
SOCK=lotwatch-protocol-$$

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "Chromium is needed (apt-get install chromium)" >&2; exit 1; }
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] ||
    { echo "DejaVu fonts are needed (apt-get install fonts-dejavu-core)" >&2; exit 1; }

cargo build --release --locked --bin lotwatch
mkdir -p "$OUT" "$WORK"

SERVER=
cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT

# record JOURNAL: a whole simulated day, journaled by the real monitor.
record() {
    local journal=$1
    rm -f "$journal" "$journal-wal" "$journal-shm"
    "$BIN" serve --addr 127.0.0.1:0 --seed 7 --speed "$SPEED" --lead-ms 1500 >"$WORK/serve.out" 2>/dev/null &
    SERVER=$!
    local url=
    for _ in $(seq 50); do
        url=$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" || true)
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { echo "the simulator did not start" >&2; exit 1; }
    tmux -L "$SOCK" new-session -d -s day -x 120 -y 40 -e TERM=xterm-256color \
        "$BIN" --url "$url" --journal "$journal" --log-file "$WORK/monitor.log" \
        --rates nbk --rates-url "$url/nbk/rss/get_rates.cfm?fdate={date}"
    echo "recording a simulated day into $journal ..."
    for _ in $(seq 1200); do
        if "$BIN" snapshot --url "$url" --format json | python3 -c '
import json, sys
lots = json.load(sys.stdin)["lots"]
sys.exit(0 if all(l["status"] in ("sold", "unsold", "cancelled") for l in lots) else 1)'; then
            sleep 2 # the last events reach the journal
            tmux -L "$SOCK" send-keys -t day q
            sleep 1
            return 0
        fi
        sleep 0.5
    done
    echo "the day did not end in 10 minutes" >&2
    exit 1
}

JOURNAL=${1:-}
if [ -z "$JOURNAL" ]; then
    JOURNAL=$WORK/day.sqlite
    record "$JOURNAL"
fi
"$BIN" verify --journal "$JOURNAL"

# shot HTML PNG HEIGHT: the top of HTML as a 900 px wide screen shows it.
shot() {
    local profile
    profile=$(mktemp -d)
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --user-data-dir="$profile" \
        --hide-scrollbars --window-size="900,$3" --screenshot="$2" "file://$1" 2>/dev/null
    rm -rf "$profile"
    [ -s "$2" ] || { echo "Chromium made no $2" >&2; exit 1; }
    echo "wrote $2"
}

"$BIN" protocol --journal "$JOURNAL" --format html --lang "$LANG_CODE" --out "$WORK/protocol.html"
shot "$WORK/protocol.html" "$OUT/protocol.png" 1273

# The lot of the second picture: the given one, else the one with most bids.
LOT=${PROTOCOL_LOT:-$("$BIN" protocol --journal "$JOURNAL" --format json | python3 -c '
import json, sys
lots = json.load(sys.stdin)["lots"]
print(max(lots, key=lambda l: (len(l["bids"]), l["extensions"]))["id"])')}
"$BIN" protocol --journal "$JOURNAL" --format html --lang "$LANG_CODE" --lot "$LOT" \
    --out "$WORK/protocol-lot.html"
shot "$WORK/protocol-lot.html" "$OUT/protocol-lot.png" 2100
