#!/usr/bin/python3
"""Draws scripts/bench.sh's table as an SVG bar chart (no plotting library needed).

    scripts/bench.sh 3 | tee bench.txt
    scripts/plot_bench.py bench.txt docs/bench.svg [--title TEXT]

One group of bars per case (groups x fan-out): testpmd, l2snoop and, when the
table has it, the baseline column; the l2snoop/testpmd ratio is printed above
each group.
"""
import argparse
import sys
from xml.sax.saxutils import escape


def read_table(lines):
    rows, has_baseline = [], False
    for line in lines:
        f = line.split()
        if not f:
            continue
        if f[0] == "groups":
            has_baseline = "baseline" in line
            continue
        if not f[0].isdigit():
            continue
        try:
            row = {"groups": int(f[0]), "fanout": int(f[1]), "testpmd": float(f[2]), "l2snoop": float(f[3])}
            if has_baseline and len(f) >= 6:
                row["baseline"] = float(f[5])
        except (ValueError, IndexError):
            raise SystemExit("plot_bench.py: not a bench.sh table row: %r" % line.rstrip())
        rows.append(row)
    if not rows:
        raise SystemExit("plot_bench.py: no bench.sh table rows found")
    return rows


def label(groups):
    if groups >= 1024 and groups % 1024 == 0:
        return "%d K" % (groups // 1024)
    return str(groups)


def svg(rows, title):
    series = [("testpmd", "testpmd io", "#9e9e9e"), ("l2snoop", "l2snoop", "#1f77b4")]
    if any("baseline" in r for r in rows):
        series.append(("baseline", "baseline build", "#aec7e8"))
    top = max(max(r.get(k, 0) for k, _, _ in series) for r in rows)
    top = (int(top / 10) + 1) * 10
    bar, gap, left, bottom, height = 18, 26, 60, 70, 300
    group_w = bar * len(series) + gap
    note = "numbers above bars: l2snoop / testpmd"
    legend_w = sum(16 + 7 * len(name) + 20 for _, name, _ in series) + 6 * len(note)
    width = int(max(left + group_w * len(rows) + 20, left + 7.5 * len(title), left + legend_w + 20))
    total_h = height + bottom + 50
    y = lambda v: 40 + height - v / top * height
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, total_h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14">%s</text>' % (left, escape(title))]
    for t in range(0, top + 1, 10):
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e0e0e0"/>' % (left, width - 20, y(t), y(t)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y(t) + 4, t))
    out.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">Mpps</text>'
               % (40 + height // 2, 40 + height // 2))
    for i, r in enumerate(rows):
        x0 = left + gap / 2 + i * group_w
        for j, (key, _, color) in enumerate(series):
            if key not in r:
                continue
            v = r[key]
            out.append('<rect x="%.1f" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %.1f Mpps</title></rect>'
                       % (x0 + j * bar, y(v), bar - 2, 40 + height - y(v), color, key, v))
        ratio = r["l2snoop"] / r["testpmd"] if r["testpmd"] else 0
        mid = x0 + bar * len(series) / 2
        out.append('<text x="%.1f" y="%.1f" text-anchor="middle">%.2f</text>'
                   % (mid, y(max(r.get(k, 0) for k, _, _ in series)) - 6, ratio))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (mid, 40 + height + 16, label(r["groups"]) + (" group" if r["groups"] == 1 else " groups")))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">fan-out %d</text>' % (mid, 40 + height + 30, r["fanout"]))
    lx = left
    for key, name, color in series:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, total_h - 18, color))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, total_h - 8, escape(name)))
        lx += 16 + 7 * len(name) + 20
    out.append('<text x="%d" y="%d" fill="#555">%s</text>' % (lx, total_h - 8, note))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("table", help="bench.sh output ('-': stdin)")
    ap.add_argument("svg", help="the SVG file to write")
    ap.add_argument("--title", default="l2snoop vs testpmd io forwarding, 64-byte frames, one core")
    a = ap.parse_args()
    try:
        lines = sys.stdin.readlines() if a.table == "-" else open(a.table).readlines()
    except OSError as e:
        raise SystemExit("plot_bench.py: %s" % e)
    with open(a.svg, "w") as f:
        f.write(svg(read_table(lines), a.title))


if __name__ == "__main__":
    main()
