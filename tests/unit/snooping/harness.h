// Drives a Snooper with a virtual clock and keeps a reference FDB built from
// its actions, so scenarios can ask "where does traffic from S to G go?".
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "snooping/snooper.h"
#include "tests/unit/snooping/messages.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {

inline IpAddr A(const char* s) { return *IpAddr::parse(s); }

// Sources written ".x" in the kernel selftests: 192.0.2.x.
inline IpAddr S4(int x) { return Ipv4Addr{{192, 0, 2, static_cast<std::uint8_t>(x)}}; }
inline IpAddr S6(int x) { return *IpAddr::parse(("2001:db8:1::" + std::to_string(x)).c_str()); }

inline constexpr VlanId kVlan = 10;
// The switch's MAC as the switch derives it (locally administered, unicast):
// its MLD link-local is fe80::ff:fe00:fe.
inline const MacAddr kSwitchMac{{0x02, 0, 0, 0, 0, 0xfe}};

class Harness {
public:
    // Configures the engine exactly as the switch's control thread does
    // (dataplane/control.cpp): its MAC, its ports' links, then the VLAN.
    explicit Harness(SnoopConfig cfg = {}, PortSet members = PortSet::first(4)) : s(std::move(cfg)) {
        s.set_switch_mac(kSwitchMac);
        for (PortId p : members) s.set_port_up(p, true, now, out);
        s.add_vlan(kVlan, members, true, now, out);
        run_timers();
    }

    // ---- inputs ----
    // A message on `port` from `src` (default: a host 10.0.0.100 / fe80::100).
    Disposition rx(PortId port, const Message& m, std::optional<IpAddr> src = std::nullopt) {
        const IpAddr from = src ? *src : (m.family == IpFamily::v4 ? A("10.0.0.100") : A("fe80::100"));
        const Disposition d = s.on_message(port, kVlan, m, from, now, out);
        apply();
        return d;
    }
    void advance(Duration d) {
        const Time target = now + d;
        while (auto next = s.next_deadline()) {
            if (*next > target) break;
            now = std::max(now, *next);
            s.on_timer(now, out);
            apply();
        }
        now = target;
        run_timers();
    }
    void run_timers() {
        s.on_timer(now, out);
        apply();
    }
    void port(PortId p, bool up) {
        s.set_port_up(p, up, now, out);
        apply();
    }
    bool set_static_source(const IpAddr& g, const IpAddr& src, PortSet ports) {
        const bool ok = s.set_static_source(kVlan, g, src, ports, now, out);
        apply();
        return ok;
    }
    bool set_static(const IpAddr& g, PortSet ports, VlanId vid = kVlan) {
        const bool ok = s.set_static(vid, g, ports, now, out);
        apply();
        return ok;
    }

    // Live changes (the control channel).
    void reconfigure(SnoopConfig next) {
        s.reconfigure(std::move(next), now, out);
        apply();
    }
    std::size_t flush(std::optional<VlanId> vid, std::optional<PortId> port, std::optional<IpAddr> group = {}) {
        const std::size_t n = s.flush(vid, port, group, now, out);
        apply();
        return n;
    }
    bool snooping(bool on) {
        const bool ok = s.set_vlan_snooping(kVlan, on, now, out);
        apply();
        return ok;
    }

    // ---- the reference FDB ----
    // nullopt: unregistered (no entry for the group).
    std::optional<PortSet> fwd(const IpAddr& g, const IpAddr& src) const {
        auto it = groups.find(g);
        if (it == groups.end()) return std::nullopt;
        auto si = sources.find({g, src});
        return si != sources.end() ? si->second : it->second;
    }
    std::optional<PortSet> fwd(const IpAddr& g) const { return fwd(g, g.is_v4() ? S4(200) : S6(200)); }
    bool forwarded(const IpAddr& g, const IpAddr& src, PortId p) const {
        auto f = fwd(g, src);
        return f && f->contains(p);
    }

    // Everything sent since the last call, then forgotten.
    std::vector<SendAction> take_sent() {
        auto v = std::move(sent);
        sent.clear();
        return v;
    }

    Snooper s;
    Time now{0};
    Actions out;
    std::map<IpAddr, PortSet> groups;
    std::map<std::pair<IpAddr, IpAddr>, PortSet> sources;
    std::map<IpFamily, PortSet> routers;
    std::map<IpFamily, bool> flooding;
    std::vector<SendAction> sent;
    std::vector<FdbAction> fdb_log;
    std::vector<QuerierChange> querier_log;

private:
    void apply() {
        for (const auto& a : out.fdb) {
            fdb_log.push_back(a);
            switch (a.kind) {
                case FdbAction::Kind::set_group: groups[a.group] = a.ports; break;
                case FdbAction::Kind::remove_group:
                    EXPECT_TRUE(groups.erase(a.group)) << "remove of an unpublished group " << a.group.to_string();
                    std::erase_if(sources, [&](const auto& kv) { return kv.first.first == a.group; });
                    break;
                case FdbAction::Kind::set_source:
                    EXPECT_TRUE(groups.count(a.group)) << "source before its group";
                    sources[{a.group, a.source}] = a.ports;
                    break;
                case FdbAction::Kind::remove_source: sources.erase({a.group, a.source}); break;
            }
        }
        for (const auto& r : out.routers) routers[r.family] = r.ports;
        for (const auto& f : out.flood) flooding[f.family] = f.flood;
        for (const auto& m : out.send) sent.push_back(m);
        for (const auto& q : out.querier) querier_log.push_back(q);
        out.clear();
    }
};

}  // namespace l2snoop::test
