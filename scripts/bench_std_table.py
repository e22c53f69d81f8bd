#!/usr/bin/python3
"""The standard benchmark's results (scripts/bench_std.sh's TSV: round, case,
peer, in Mpps, out Mpps, memberships learned, memberships expected) as a table
of medians over the rounds with same-run ratios; --plot FILE.svg draws them
(matplotlib, reproducible: no timestamps in the SVG).
Usage: bench_std_table.py RESULTS.tsv [--plot FILE.svg]"""
import statistics
import sys

PEERS = ["testpmd", "l2snoop", "baseline", "ovs"]


def load(path):
    rows = {}
    cases = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) != 7:
            continue
        _, case, peer, rin, rout, learned, want = f
        if case not in cases:
            cases.append(case)
        if float(rin) == 0:  # a run that did not start (the log says so): not a measurement
            continue
        rows.setdefault((case, peer), []).append((float(rin), float(rout), learned, int(want)))
    return cases, rows


def median(rows, i):
    return statistics.median(r[i] for r in rows)


def table(cases, rows):
    peers = [p for p in PEERS if any((c, p) in rows for c in cases)]
    head = ["case"]
    for p in peers:
        head += ["%s in" % p] + (["out/in", "learned"] if p != "testpmd" else [])
    ratios = [("l2snoop", "testpmd"), ("l2snoop", "ovs"), ("l2snoop", "baseline"), ("ovs", "testpmd")]
    ratios = [r for r in ratios if r[0] in peers and r[1] in peers]
    head += ["%s/%s" % r for r in ratios]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cases:
        cells = [c]
        med = {}
        for p in peers:
            rs = rows.get((c, p))
            if not rs:
                cells += ["-"] * (1 if p == "testpmd" else 3)
                continue
            med[p] = median(rs, 0)
            cells.append("%.2f" % med[p])
            if p != "testpmd":
                o = median(rs, 1)
                cells.append("%.2f" % (o / med[p]) if med[p] else "-")
                learned = [r[2] for r in rs]
                cells.append("%s/%d" % (min(learned, key=lambda x: int(x) if x.isdigit() else -1), rs[0][3]))
        for a, b in ratios:
            cells.append("%.2f" % (med[a] / med[b]) if med.get(a) and med.get(b) else "-")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def plot(cases, rows, path):
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "l2snoop"
    import matplotlib.pyplot as plt

    peers = [p for p in PEERS if any((c, p) in rows for c in cases)]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(peers)
    for k, p in enumerate(peers):
        xs = [i + (k - (len(peers) - 1) / 2) * width for i in range(len(cases))]
        ys = [median(rows[(c, p)], 0) if (c, p) in rows else 0 for c in cases]
        bars = ax.bar(xs, ys, width, label=p)
        ax.bar_label(bars, fmt="%.1f", fontsize=7)
    top = max(median(rs, 0) for rs in rows.values())
    ax.set_ylim(0, top * 1.3)  # room for the legend above the bars
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels(cases)
    ax.set_ylabel("Mpps received on the generator port (median)")
    ax.set_title("Standard topology: 4 net_pcap ports, 1 forwarding core, 64-byte frames")
    ax.legend(ncol=len(peers), loc="upper center")
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    cases, rows = load(args[0])
    if not cases:
        sys.exit("bench_std_table.py: no results in " + args[0])
    print(table(cases, rows))
    if "--plot" in args:
        plot(cases, rows, args[args.index("--plot") + 1])


if __name__ == "__main__":
    main()
