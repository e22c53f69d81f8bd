// Control-plane capacity: frames -> parse -> decode -> snooping state update
// -> actions, for a stream of reports over 10 K groups and 32 ports.
//   scripts/bench_summary.py build/tests/bench/snoop_bench --per 1000
// reports/s = 1e9 / (per-report ns).
#include "tests/bench/catch.h"

#include <random>

#include "dataplane/parse.h"
#include "snooping/snooper.h"

using namespace l2snoop;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kGroups = 10000;
constexpr PortId kPorts = 32;
constexpr int kBatch = 1000;  // reports per benchmark iteration

struct Stream {
    std::vector<std::vector<std::uint8_t>> frames;
    std::vector<PortId> ports;
};

Stream make_stream(bool v3) {
    Stream s;
    std::mt19937 rng(42);
    const MacAddr mac{{0x02, 0, 0, 0, 0, 0x10}};
    for (int i = 0; i < 20000; ++i) {
        // The first kGroups frames name every group once; the rest at random.
        const std::uint32_t gi = i < static_cast<int>(kGroups) ? static_cast<std::uint32_t>(i) : rng() % kGroups;
        const IpAddr g = Ipv4Addr::from_host(0xe8000000u + 1 + gi);  // 232.0.0.1 ...
        Message m;
        m.family = IpFamily::v4;
        if (v3) {
            m.type = MessageType::v3_report;
            m.version = 3;
            GroupRecord r{RecordType::mode_is_include, g, {}, 0};
            for (std::uint32_t k = 0; k < 2; ++k) r.sources.push_back(Ipv4Addr::from_host(0xc6336400u + rng() % 8));
            m.records.push_back(r);
        } else {
            m.type = MessageType::report;
            m.version = 2;
            m.group = g;
        }
        s.frames.push_back(build_frame(m, mac, Ipv4Addr::from_host(0x0a000000u + rng() % 1000)));
        s.ports.push_back(static_cast<PortId>(rng() % kPorts));
    }
    return s;
}

// One report end to end, as the control thread handles it.
std::size_t handle(Snooper& sn, const std::vector<std::uint8_t>& f, PortId port, Time now, Actions& out) {
    const ParsedFrame p = parse_frame(f.data(), f.size());
    Message m;
    const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
    if (decode(IpFamily::v4, std::span<const std::uint8_t>(f).subspan(p.l4_offset, p.l4_length), ip, m) !=
        DecodeError::none)
        return 0;
    sn.on_message(port, 1, m, p.src, now, out);
    const std::size_t n = out.fdb.size();
    out.clear();
    return n;
}

void run(bool v3) {
    const Stream s = make_stream(v3);
    Snooper sn{SnoopConfig{}};
    Actions out;
    for (PortId p = 0; p < kPorts; ++p) sn.set_port_up(p, true, Time{0}, out);
    sn.add_vlan(1, PortSet::first(kPorts), true, Time{0}, out);
    Time now{1};
    std::size_t cursor = 0;
    // Warm the table so the benchmark measures steady state over 10 K groups.
    for (std::size_t i = 0; i < s.frames.size(); ++i) handle(sn, s.frames[i], s.ports[i], now, out);
    REQUIRE(sn.group_count() > kGroups * 9 / 10);
    BENCHMARK(std::string(v3 ? "IGMPv3 IS_IN{2 sources}" : "IGMPv2") + " reports, 10K groups x 32 ports (x1000)") {
        std::size_t acc = 0;
        for (int i = 0; i < kBatch; ++i, ++cursor) {
            now += 10us;
            const std::size_t k = cursor % s.frames.size();
            acc += handle(sn, s.frames[k], s.ports[k], now, out);
        }
        return acc;
    };
}

}  // namespace

TEST_CASE("control plane: IGMPv2 reports") { run(false); }
TEST_CASE("control plane: IGMPv3 reports") { run(true); }
