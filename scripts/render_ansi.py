#!/usr/bin/env python3
"""Renders a terminal screen captured with `tmux capture-pane -e -p` to a PNG.

    render_ansi.py CAPTURE.ans OUT.png --cols 160 --rows 45 [--background dark|light]

The escape sequences are parsed by pyte (a VT100 emulator); the cells are
drawn with DejaVu Sans Mono (regular and bold), one fixed-size cell per
column. Box-drawing characters (light, heavy, double, rounded) and braille
dots are drawn as geometry, so borders join exactly and charts are dots, not
whatever a font has. Other characters missing from DejaVu Sans Mono fall back
to DejaVu Sans. Attributes: bold, dim (blended half-way to the background),
underline, reverse. The 16 ANSI colours come from PALETTES below (Tango);
256-colour and RGB colours are used as given. The result is a palette PNG.

Used by scripts/screenshots.sh; not part of CI.
"""

import argparse
import re
import sys

import pyte
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_SIZE = 15
# Tango, the GNOME Terminal palette: colours 0-15.
TANGO = [
    "2e3436", "cc0000", "4e9a06", "c4a000", "3465a4", "75507b", "06989a", "d3d7cf",
    "555753", "ef2929", "8ae234", "fce94f", "729fcf", "ad7fa8", "34e2e2", "eeeeec",
]
PALETTES = {
    "dark": {"fg": "d3d7cf", "bg": "1c1c1c", "ansi": TANGO},
    "light": {"fg": "202020", "bg": "fafafa", "ansi": TANGO},
}
NAMES = ["black", "red", "green", "brown", "blue", "magenta", "cyan", "white"]

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def normalise_sgr(params):
    """Rewrites one SGR parameter list for pyte: 256-colour indices 0-15 become
    the plain ANSI codes (so that the palette applies), and dim (2 / 22), which
    pyte ignores, is carried as blink (5 / 25), which nothing here uses."""
    if params == "":
        return "0"
    ps = [p for p in params.replace(":", ";").split(";")]
    out = []
    i = 0
    while i < len(ps):
        p = ps[i]
        if p in ("38", "48") and i + 2 < len(ps) and ps[i + 1] == "5":
            n = int(ps[i + 2] or 0)
            base = 30 if p == "38" else 40
            if n < 8:
                out.append(str(base + n))
            elif n < 16:
                out.append(str(base + 60 + n - 8))
            else:
                out += ps[i : i + 3]
            i += 3
            continue
        if p in ("38", "48") and i + 4 < len(ps) and ps[i + 1] == "2":
            out += ps[i : i + 5]
            i += 5
            continue
        if p == "2":
            out.append("5")
        elif p == "22":
            out += ["22", "25"]
        else:
            out.append(p)
        i += 1
    return ";".join(out)


def parse_screen(text, cols, rows):
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    text = SGR.sub(lambda m: "\x1b[" + normalise_sgr(m.group(1)) + "m", text)
    lines = text.split("\n")
    # capture-pane ends each line with a newline; the terminal needs CR LF,
    # and the attributes of one line must not leak into the next.
    stream.feed("\r\n".join(lines[:rows]))
    return screen


def rgb(hexstr):
    return tuple(int(hexstr[i : i + 2], 16) for i in (0, 2, 4))


class Colours:
    def __init__(self, palette):
        self.p = palette

    def resolve(self, c, default):
        if c == "default":
            return rgb(default)
        name = c.replace("bfight", "bright")  # pyte's own typo for bg 105
        bright = name.startswith("bright")
        base = name[len("bright") :] if bright else name
        if base in NAMES:
            return rgb(self.p["ansi"][NAMES.index(base) + (8 if bright else 0)])
        if re.fullmatch(r"[0-9a-fA-F]{6}", c):
            return rgb(c)
        return rgb(default)

    def cell(self, ch):
        fg = self.resolve(ch.fg, self.p["fg"])
        bg = self.resolve(ch.bg, self.p["bg"])
        if ch.reverse:
            fg, bg = bg, fg
        if ch.blink:  # dim, see normalise_sgr
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


# Box drawing: (up, down, left, right) with 1 light, 2 heavy, 3 double.
BOX = {}
for chars, w in (("─│┌┐└┘├┤┬┴┼╭╮╰╯", 1), ("━┃┏┓┗┛┣┫┳┻╋", 2), ("═║╔╗╚╝╠╣╦╩╬", 3)):
    shapes = [
        (0, 0, 1, 1), (1, 1, 0, 0), (0, 1, 0, 1), (0, 1, 1, 0), (1, 0, 0, 1),
        (1, 0, 1, 0), (1, 1, 0, 1), (1, 1, 1, 0), (0, 1, 1, 1), (1, 0, 1, 1),
        (1, 1, 1, 1),
    ]
    if w == 1:
        shapes += [(0, 1, 0, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 0, 1, 0)]
    for ch, s in zip(chars, shapes):
        BOX[ch] = tuple(x * w for x in s)


def draw_box(d, x0, y0, cw, chh, arms, colour):
    up, down, left, right = arms
    cx, cy = x0 + cw // 2, y0 + chh // 2
    t = max(1, round(cw / 9))
    heavy = max(2, 2 * t)
    x1, y1 = x0 + cw - 1, y0 + chh - 1

    def hline(ya, xa, xb, th):
        d.rectangle([xa, ya - th // 2, xb, ya - th // 2 + th - 1], fill=colour)

    def vline(xa, ya, yb, th):
        d.rectangle([xa - th // 2, ya, xa - th // 2 + th - 1, yb], fill=colour)

    if 3 in arms:
        g = max(2, cw // 5)
        # Double lines: two strokes each side of the centre; at a corner the
        # outer stroke turns at the outer offset, the inner one at the inner.
        sx = 1 if right else -1
        sy = 1 if down else -1
        if (left or right) and not (up or down):
            hline(cy - g, x0, x1, t)
            hline(cy + g, x0, x1, t)
        elif (up or down) and not (left or right):
            vline(cx - g, y0, y1, t)
            vline(cx + g, y0, y1, t)
        else:
            xe = x1 if right else x0
            ye = y1 if down else y0
            # outer stroke
            hline(cy - sy * g, min(cx - sx * g, xe), max(cx - sx * g, xe), t)
            vline(cx - sx * g, min(cy - sy * g, ye), max(cy - sy * g, ye), t)
            # inner stroke
            hline(cy + sy * g, min(cx + sx * g, xe), max(cx + sx * g, xe), t)
            vline(cx + sx * g, min(cy + sy * g, ye), max(cy + sy * g, ye), t)
        return
    if left:
        hline(cy, x0, cx, heavy if left == 2 else t)
    if right:
        hline(cy, cx, x1, heavy if right == 2 else t)
    if up:
        vline(cx, y0, cy, heavy if up == 2 else t)
    if down:
        vline(cx, cy, y1, heavy if down == 2 else t)


BRAILLE_DOTS = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]


def draw_braille(d, x0, y0, cw, chh, ch, colour):
    bits = ord(ch) - 0x2800
    r = max(1, cw // 6)
    for i, (col, row) in enumerate(BRAILLE_DOTS):
        if bits & (1 << i):
            x = x0 + cw * (1 + 2 * col) // 4
            y = y0 + chh * (1 + 2 * row) // 8
            d.ellipse([x - r, y - r, x + r, y + r], fill=colour)


BLOCKS = {"█": (0, 1), "▀": (0, 0.5), "▄": (0.5, 1)}


class Fonts:
    def __init__(self):
        self.regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", FONT_SIZE)
        self.bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", FONT_SIZE)
        self.fallback = ImageFont.truetype(FONT_DIR + "DejaVuSans.ttf", FONT_SIZE)
        self.fallback_bold = ImageFont.truetype(FONT_DIR + "DejaVuSans-Bold.ttf", FONT_SIZE)
        self.cw = round(self.regular.getlength("M"))
        ascent, descent = self.regular.getmetrics()
        self.ch = ascent + descent + 2
        self.ascent = ascent
        # What a font draws for a character it lacks.
        self._missing = {}
        self._has = {}

    def _bitmap(self, font, ch):
        img = Image.new("L", (self.cw * 3, self.ch * 2))
        ImageDraw.Draw(img).text((0, 0), ch, font=font, fill=255)
        return img.tobytes()

    def has(self, font, ch):
        key = (id(font), ch)
        if key not in self._has:
            if id(font) not in self._missing:
                self._missing[id(font)] = self._bitmap(font, "\ue000")
            self._has[key] = self._bitmap(font, ch) != self._missing[id(font)]
        return self._has[key]

    def pick(self, ch, bold):
        main = self.bold if bold else self.regular
        if self.has(main, ch):
            return main
        return self.fallback_bold if bold else self.fallback


def render(screen, fonts, colours, out):
    cols, rows = screen.columns, screen.lines
    cw, chh = fonts.cw, fonts.ch
    pad = cw
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * chh + 2 * pad), rgb(colours.p["bg"]))
    d = ImageDraw.Draw(img)
    for y in range(rows):
        line = screen.buffer[y]
        for x in range(cols):
            c = line[x]
            fg, bg = colours.cell(c)
            x0, y0 = pad + x * cw, pad + y * chh
            wide = x + 1 < cols and line[x + 1].data == ""
            w = cw * (2 if wide else 1)
            if bg != rgb(colours.p["bg"]):
                d.rectangle([x0, y0, x0 + w - 1, y0 + chh - 1], fill=bg)
            ch = c.data
            if ch in ("", " "):
                pass
            elif ch in BOX:
                draw_box(d, x0, y0, cw, chh, BOX[ch], fg)
            elif 0x2800 <= ord(ch[0]) <= 0x28FF and len(ch) == 1:
                draw_braille(d, x0, y0, cw, chh, ch, fg)
            elif ch in BLOCKS:
                a, b = BLOCKS[ch]
                d.rectangle([x0, y0 + int(chh * a), x0 + cw - 1, y0 + int(chh * b) - 1], fill=fg)
            else:
                font = fonts.pick(ch, c.bold)
                glyph_w = font.getlength(ch)
                if glyph_w > w + 1:
                    # A terminal squeezes a wide glyph into its cell(s).
                    mask = Image.new("L", (int(glyph_w) + 2, chh))
                    ImageDraw.Draw(mask).text((1, 1), ch, font=font, fill=255)
                    mask = mask.resize((w, chh), Image.Resampling.LANCZOS)
                    img.paste(Image.new("RGB", (w, chh), fg), (x0, y0), mask)
                else:
                    # Centre glyphs narrower than the cell(s) they own.
                    gx = x0 + (w - glyph_w) / 2 if w - glyph_w > 1 else x0
                    d.text((gx, y0 + 1), ch, font=font, fill=fg)
            if c.underscore:
                uy = y0 + fonts.ascent + 2
                d.line([x0, uy, x0 + w - 1, uy], fill=fg)
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(out, optimize=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture")
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--background", choices=sorted(PALETTES), default="dark")
    a = ap.parse_args()
    with open(a.capture, encoding="utf-8", errors="replace") as f:
        text = f.read()
    screen = parse_screen(text, a.cols, a.rows)
    render(screen, Fonts(), Colours(PALETTES[a.background]), a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
