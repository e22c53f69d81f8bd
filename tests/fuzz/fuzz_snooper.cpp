// libFuzzer: the snooping engine driven by a sequence of steps decoded from
// the input — messages on ports (every IGMP/MLD type and record type, groups
// and sources from small pools so they collide), clock advances, links going
// up and down, static memberships, PIM hellos — with invariants checked after
// every step:
//   - every FDB action is consistent with the ones before it (no source
//     before its group, no removal of a group never published), and names
//     only ports of the VLAN;
//   - memberships stay within the configured limits;
//   - every timer the engine reports is finite and not in the past of a run.
// A violation aborts (the crash input becomes a unit test).
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "snooping/snooper.h"

using namespace l2snoop;

namespace {

constexpr VlanId kVid = 10;
constexpr PortSet kMembers = PortSet::first(4);

struct Input {
    const std::uint8_t* p;
    std::size_t n;
    bool empty() const { return n == 0; }
    std::uint8_t byte() {
        if (n == 0) return 0;
        --n;
        return *p++;
    }
};

IpAddr group(IpFamily f, std::uint8_t i) {
    // Eight groups per family: aliasing pairs, a link-local one, SSM, ND.
    static const char* v4[] = {"239.1.1.1", "225.1.1.1", "239.129.1.1", "224.0.0.251",
                               "232.1.1.1", "239.1.1.2", "239.255.0.1", "238.0.0.1"};
    static const char* v6[] = {"ff0e::1:3", "ff05::1:3", "ff02::fb", "ff02::1:ff00:2",
                               "ff3e::1", "ff0e::2", "ff02::1", "ff08::1:3"};
    return *IpAddr::parse(f == IpFamily::v4 ? v4[i & 7] : v6[i & 7]);
}
IpAddr source(IpFamily f, std::uint8_t i) {
    static const char* v4[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "198.51.100.1"};
    static const char* v6[] = {"2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4"};
    return *IpAddr::parse(f == IpFamily::v4 ? v4[i & 3] : v6[i & 3]);
}
IpAddr sender(IpFamily f, std::uint8_t i) {
    // Hosts and routers, the unspecified address among them.
    static const char* v4[] = {"10.0.0.1", "10.0.0.9", "0.0.0.0", "10.0.0.100"};
    static const char* v6[] = {"fe80::1", "fe80::a00:27ff:fe00:1", "::", "fe80::100"};
    return *IpAddr::parse(f == IpFamily::v4 ? v4[i & 3] : v6[i & 3]);
}

Message message(Input& in) {
    const std::uint8_t b = in.byte();
    Message m;
    m.family = b & 1 ? IpFamily::v6 : IpFamily::v4;
    const bool v6 = m.family == IpFamily::v6;
    switch ((b >> 1) % 7) {
        case 0:
            m.type = MessageType::query;
            m.version = static_cast<std::uint8_t>(v6 ? 1 + (b >> 4) % 2 : 1 + (b >> 4) % 3);
            m.group = (b & 0x40) ? group(m.family, in.byte()) : (v6 ? IpAddr(Ipv6Addr{}) : IpAddr(Ipv4Addr{}));
            m.max_response = std::chrono::milliseconds(100 * (in.byte() + 1));
            if ((v6 && m.version == 2) || (!v6 && m.version == 3)) {
                m.qrv = in.byte() & 7;
                m.qqi = std::chrono::seconds(in.byte());
                if (b & 0x80) m.sources.push_back(source(m.family, in.byte()));
            }
            break;
        case 1:
            m.type = MessageType::report;
            m.version = static_cast<std::uint8_t>(v6 ? 1 : 1 + (b >> 4) % 2);
            m.group = group(m.family, in.byte());
            break;
        case 2:
            m.type = MessageType::leave;
            m.version = static_cast<std::uint8_t>(v6 ? 1 : 2);
            m.group = group(m.family, in.byte());
            break;
        case 3:
        case 4: {
            m.type = MessageType::v3_report;
            m.version = static_cast<std::uint8_t>(v6 ? 2 : 3);
            const unsigned records = 1 + in.byte() % 3;
            for (unsigned r = 0; r < records; ++r) {
                GroupRecord rec;
                rec.type = static_cast<RecordType>(1 + in.byte() % 6);
                rec.group = group(m.family, in.byte());
                const unsigned ns = in.byte() % 4;
                for (unsigned s = 0; s < ns; ++s) rec.sources.push_back(source(m.family, in.byte()));
                m.records.push_back(rec);
            }
            break;
        }
        case 5: m.type = MessageType::mrd_advertisement; break;
        default: m.type = MessageType::mrd_termination; break;
    }
    return m;
}

// The engine's FDB actions applied to a model, checked as they come.
struct Model {
    std::set<IpAddr> groups;
    std::set<std::pair<IpAddr, IpAddr>> sources;

    void apply(Actions& a) {
        for (const FdbAction& f : a.fdb) {
            if (f.vid != kVid) std::abort();
            if ((f.ports - kMembers).bits() != 0) std::abort();  // a port outside the VLAN
            switch (f.kind) {
                case FdbAction::Kind::set_group: groups.insert(f.group); break;
                case FdbAction::Kind::remove_group:
                    if (!groups.erase(f.group)) std::abort();  // never published
                    std::erase_if(sources, [&](const auto& s) { return s.first == f.group; });
                    break;
                case FdbAction::Kind::set_source:
                    if (!groups.count(f.group)) std::abort();  // source before its group
                    sources.insert({f.group, f.source});
                    break;
                case FdbAction::Kind::remove_source:
                    if (!sources.erase({f.group, f.source})) std::abort();
                    break;
            }
        }
        for (const RouterPortsAction& r : a.routers)
            if ((r.ports - kMembers).bits() != 0) std::abort();
        for (const SendAction& s : a.send)
            if ((s.ports - kMembers).bits() != 0) std::abort();
        a.clear();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in{data, size};
    SnoopConfig cfg;
    const std::uint8_t c = in.byte();
    cfg.querier = c & 1;
    if (c & 2) cfg.querier_address4[kVid] = *Ipv4Addr::parse("10.0.0.5");
    cfg.no_querier_policy = c & 4 ? NoQuerierPolicy::flood : NoQuerierPolicy::snoop;
    cfg.limit_action = c & 8 ? LimitAction::replace : LimitAction::deny;
    cfg.max_groups_per_port = c & 16 ? 3 : 0;
    cfg.max_hosts_per_port = c & 16 ? 2 : 0;
    cfg.max_groups_per_vlan = c & 32 ? 5 : 0;
    cfg.max_groups = c & 64 ? 6 : 0;
    if (c & 128) cfg.flood_solicited_node6[kVid] = true;
    // Port 1 filtered: 239/8 permitted, so other IPv4 groups denied; ff0e::/16 denied, other IPv6 permitted.
    if (c & 32)
        cfg.port_filters[1] = {"fuzz", {{true, {*IpAddr::parse("239.0.0.0"), 8}},
                                        {false, {*IpAddr::parse("ff0e::"), 16}}}};
    const auto permitted = [&](PortId p, const IpAddr& g) {
        const auto f = cfg.port_filters.find(p);
        return f == cfg.port_filters.end() || f->second.permits(g);
    };
    const std::uint8_t ports = in.byte();
    cfg.fast_leave = PortSet::from_bits(ports & 0xf);
    cfg.no_router_learning = PortSet::from_bits(ports >> 4);
    Snooper s(cfg);
    s.set_switch_mac(MacAddr{{0x02, 0, 0, 0, 0, 0xfe}});
    Actions out;
    Model model;
    Time now{0};
    for (PortId p : kMembers) s.set_port_up(p, true, now, out);
    s.add_vlan(kVid, kMembers, true, now, out);
    model.apply(out);

    for (unsigned step = 0; step < 256 && !in.empty(); ++step) {
        const std::uint8_t op = in.byte();
        const PortId port = op >> 6;
        switch (op % 6) {
            case 0:
            case 1: {
                const Message m = message(in);
                const IpAddr from = sender(m.family, in.byte());
                const Disposition d = s.on_message(port, kVid, m, from, now, out);
                if (d.forward.contains(port) || (d.forward - kMembers).bits() != 0) std::abort();
                // A rewritten report is a v3 report with fewer records, none of them filtered.
                if (d.rewritten) {
                    if (m.type != MessageType::v3_report || d.rewritten->records.size() >= m.records.size() ||
                        d.rewritten->records.empty())
                        std::abort();
                    for (const GroupRecord& r : d.rewritten->records)
                        if (!permitted(port, r.group) && !(r.group.is_v4() && r.group.v4().is_link_local_multicast()))
                            std::abort();  // (link-local groups are never filtered)
                }
                break;
            }
            case 2: {
                const std::uint8_t t = in.byte();
                now += t & 0x80 ? std::chrono::seconds(t & 0x7f) : std::chrono::milliseconds(10 * t);
                s.on_timer(now, out);
                break;
            }
            case 3: s.set_port_up(port, (op >> 3) & 1, now, out); break;
            case 4: {
                const std::uint8_t g = in.byte();
                const IpFamily f = g & 0x80 ? IpFamily::v6 : IpFamily::v4;
                const PortSet ps = PortSet::from_bits(in.byte() & 0x1f);  // port 4: outside the VLAN
                if (g & 0x40)
                    s.set_static_source(kVid, group(f, g), source(f, g >> 3), ps, now, out);
                else
                    s.set_static(kVid, group(f, g), ps, now, out);
                break;
            }
            default:
                s.on_pim_hello(port, kVid, op & 8 ? IpFamily::v6 : IpFamily::v4, std::chrono::seconds(in.byte()), now,
                               out);
                break;
        }
        model.apply(out);
        // Limits: memberships per port (dynamic ones; statics are the administrator's).
        std::map<PortId, unsigned> per_port;
        std::map<PortId, std::size_t> hosts;
        for (const MembershipView& m : s.memberships(now)) {
            if (!kMembers.contains(m.port)) std::abort();
            if (m.group_timer_left < Duration{0}) std::abort();
            if (!permitted(m.port, m.group)) std::abort();  // a filtered group never has a membership
            ++per_port[m.port];
            hosts[m.port] += m.hosts.size();
        }
        // Tracked hosts: the engine's per-port count is the sum over memberships, within the cap.
        for (PortId p : kMembers) {
            if (s.tracked_hosts(p) != hosts[p]) std::abort();
            if (cfg.max_hosts_per_port && hosts[p] > cfg.max_hosts_per_port) std::abort();
        }
        if (cfg.max_groups_per_port)
            for (const auto& [p, n] : per_port)
                if (n > cfg.max_groups_per_port) std::abort();
        if (const auto next = s.next_deadline(); next && (*next < Time{0} || *next == Time::max())) std::abort();
    }
    return 0;
}
