#!/usr/bin/env bash
# Renders a Parley HTML report (parley report --format html) to a PNG with headless Chromium,
# then trims the empty page below the content, so a person (or a test) can look at it.
#
# usage: Tools/render-html.sh REPORT.html OUT.png [WIDTH [HEIGHT]]
#   WIDTH   viewport width in CSS pixels (default 1100)
#   HEIGHT  tallest page captured (default 12000); the blank bottom is trimmed away
#
# Needs chromium (Debian: apt-get install -y chromium) and python3 (standard library only).
# Console errors and failed loads that Chromium reports are printed on stderr, and the script
# exits 3 when there are any (the report must load cleanly: no scripts, no external assets).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2
  exit 64
fi
input=$1
output=$2
width=${3:-1100}
height=${4:-12000}

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
  echo "render-html: no chromium found; install it with: apt-get install -y chromium" >&2
  exit 69
fi
[ -f "$input" ] || { echo "render-html: no such file: $input" >&2; exit 66; }

url="file://$(cd "$(dirname "$input")" && pwd)/$(basename "$input")"
log=$(mktemp)
raw=$(mktemp --suffix=.png)
trap 'rm -f "$log" "$raw"' EXIT

"$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run \
  --enable-logging=stderr --v=0 --window-size="$width,$height" \
  --screenshot="$raw" "$url" 2>"$log" >/dev/null || {
  cat "$log" >&2
  echo "render-html: chromium failed" >&2
  exit 70
}

python3 - "$raw" "$output" <<'PY'
# Trims the blank page below the content. Works on the filtered scanlines, so nothing is
# decoded pixel by pixel: a scanline equal to the one above is filter "Up" with all zero bytes;
# the run of those at the bottom is blank and is cut (keeping a small margin). Cropping keeps
# every remaining scanline as it was, so no pixel is re-encoded differently.
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, header, extra = 8, b"", None, []
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        header = body
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
channels = {2: 3, 6: 4}.get(colour)
raw = zlib.decompress(idat)
keep = height
if depth == 8 and channels and interlace == 0:
    stride = width * channels + 1
    row = height - 1
    while row > 0:
        line = raw[row * stride:(row + 1) * stride]
        body = line[1:]
        if line[0] == 2 and body.count(0) == len(body):
            row -= 1
            continue
        # Everything below this scanline repeats it: blank page (or the last row of a box).
        keep = min(height, row + 24)
        break
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
stride = len(raw) // height
header = struct.pack(">IIBBBBB", width, keep, depth, colour, 0, 0, interlace)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw[:keep * stride], 6)) + chunk(b"IEND", b"")
open(sys.argv[2], "wb").write(png)
PY

problems=$(grep -E "Uncaught|CONSOLE\(|ERR_FILE_NOT_FOUND|ERR_BLOCKED|Failed to load|net::ERR" "$log" || true)
if [ -n "$problems" ]; then
  echo "$problems" >&2
  exit 3
fi
echo "render-html: wrote $output"
