#!/usr/bin/python3
"""Draws scripts/bench.sh's table as an SVG bar chart (matplotlib).

    scripts/bench.sh 3 | tee bench.txt
    scripts/plot_bench.py bench.txt docs/bench.svg [--title TEXT]

One group of bars per case (groups x fan-out): testpmd, l2snoop and, when the
table has it, the baseline column; the l2snoop/testpmd ratio is printed above
each group.
"""
import argparse
import sys


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


def svg(rows, title, path):
    """The chart, drawn by matplotlib (python3-matplotlib), as an SVG with real text."""
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # labels stay text: searchable, small
    matplotlib.rcParams["svg.hashsalt"] = "l2snoop"  # the same table gives the same file
    import matplotlib.pyplot as plt

    series = [("testpmd", "testpmd io", "#9e9e9e"), ("l2snoop", "l2snoop", "#1f77b4")]
    if any("baseline" in r for r in rows):
        series.append(("baseline", "baseline build", "#aec7e8"))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(rows) + 2), 4.2))
    for j, (key, name, color) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i, r in enumerate(rows) if key in r]
        vs = [r[key] for r in rows if key in r]
        bars = ax.bar(xs, vs, width * 0.92, label=name, color=color)
        for i, b in enumerate(bars):
            b.set_gid("bar-%s-%d" % (key, i))
    for i, r in enumerate(rows):
        ratio = r["l2snoop"] / r["testpmd"] if r["testpmd"] else 0
        ax.annotate("%.2f" % ratio, (i, max(r.get(k, 0) for k, _, _ in series)), textcoords="offset points",
                    xytext=(0, 4), ha="center", fontsize=9)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(["%s %s\nfan-out %d" % (label(r["groups"]), "group" if r["groups"] == 1 else "groups",
                                                 r["fanout"]) for r in rows], fontsize=9)
    ax.set_ylabel("Mpps")
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", color="#e0e0e0")
    ax.set_axisbelow(True)
    ax.margins(y=0.12)
    ax.legend(title="numbers above bars: l2snoop / testpmd", title_fontsize=8, fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


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
    svg(read_table(lines), a.title, a.svg)


if __name__ == "__main__":
    main()
