// libFuzzer: the GMRP/MMRP engine (mrp/engine.h) driven by any sequence of
// steps — PDUs of either protocol on any port and VLAN, clock advances, ports
// joining and leaving VLANs, live reconfiguration (protocols, excluded ports,
// the per-port limit) — with these checked after every step:
//  - the forwarding state the control thread was told (the last MacAction /
//    ServiceAction per VLAN and attribute) is what the registrars hold now;
//  - registrations only on ports where the protocol runs, at most
//    max_per_port per port and protocol; no leave timer overdue after on_timer;
//  - every PDU the switch sends goes to a port where the protocol runs, fits
//    a frame and decodes back to itself.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <tuple>

#include "mrp/engine.h"

using namespace l2snoop;
using namespace l2snoop::mrp;

namespace {

struct Reader {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() {
        if (n == 0) return 0;
        --n;
        return *p++;
    }
    bool done() const { return n == 0; }
};

constexpr VlanId kVids[] = {10, 20};

MacAddr mac_of(std::uint8_t b) { return MacAddr{{0x01, 0x00, 0x5e, 0x00, static_cast<std::uint8_t>(b >> 4 & 1), static_cast<std::uint8_t>(b & 7)}}; }

void check_tx(const Tx& tx, const MrpEngine& e, const std::map<VlanId, PortSet>& ports) {
    const auto it = ports.find(tx.vid);
    if (it == ports.end() || !it->second.contains(tx.port) || (e.config().excluded_ports.contains(tx.port)) ||
        !e.config().on(tx.pdu.protocol, tx.vid))
        std::abort();
    const std::vector<std::uint8_t> f = build_frame(tx.pdu, MacAddr{{2, 0, 0, 0, 0, 1}});
    if (f.size() > 1514) std::abort();
    Pdu back;
    if (decode_frame(f, back) != PduError::none || !(back == tx.pdu)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader r{data, size};
    MrpConfig cfg;
    cfg.gmrp = cfg.mmrp = true;
    cfg.max_per_port = 6;
    MrpEngine e(cfg);
    MrpActions a;
    Time now{std::chrono::seconds(1)};
    std::map<VlanId, PortSet> ports;  // as given to set_ports
    std::map<std::pair<VlanId, AttrId>, PortSet> told;  // the forwarding state published
    for (VlanId v : kVids) {
        ports[v] = PortSet::of({0, 1, 2, 3});
        e.set_ports(v, ports[v], now, a);
    }
    for (int step = 0; step < 256 && !r.done(); ++step) {
        const std::uint8_t op = r.byte();
        const VlanId vid = kVids[op >> 7];
        switch (op % 6) {
            case 0: {  // a PDU from a port
                Pdu p;
                p.protocol = op & 8 ? Protocol::gmrp : Protocol::mmrp;
                const std::uint8_t h = r.byte();
                p.leave_all[0] = h & 1;
                p.leave_all[1] = h & 2;
                const PortId port = h >> 2 & 7;
                for (unsigned i = 0, n = r.byte() % 9; i < n; ++i) {
                    const std::uint8_t b = r.byte();
                    Attr at;
                    if (b & 0x20) {
                        at.type = AttrType::service;
                        at.service = static_cast<Service>(b & 1);
                    } else {
                        at.mac = mac_of(b);
                    }
                    at.event = static_cast<std::uint8_t>((b >> 6 | (r.byte() & 4)) % 6);
                    if (p.protocol == Protocol::gmrp && at.event == 0) at.event = 2;  // GARP's LeaveAll travels apart
                    p.attrs.push_back(at);
                }
                e.receive(vid, port, p, now, a);
                break;
            }
            case 1: now += std::chrono::milliseconds(7 * r.byte()); break;
            case 2: {  // ports of the VLAN change (links, membership)
                ports[vid] = PortSet::from_bits(r.byte() & 0x1f);
                e.set_ports(vid, ports[vid], now, a);
                break;
            }
            case 3: {  // live reconfiguration
                const std::uint8_t b = r.byte();
                MrpConfig next = e.config();
                (op & 8 ? next.vlan_gmrp : next.vlan_mmrp)[vid] = b & 1;
                next.excluded_ports = PortSet::from_bits(b >> 1 & 3);
                e.reconfigure(next, now, a);
                break;
            }
            case 4: e.on_timer(now, a); break;
            default: now += std::chrono::milliseconds(100 * r.byte()); break;
        }
        e.on_timer(now, a);  // timers due by now have run, as in the control loop
        for (const MacAction& m : a.macs) told[{m.vid, AttrId{AttrType::group_mac, m.mac, Service::all_groups}}] = m.ports;
        for (const ServiceAction& s : a.services) told[{s.vid, AttrId{AttrType::service, MacAddr{}, s.service}}] = s.ports;
        for (const Tx& tx : a.tx) check_tx(tx, e, ports);
        a.clear();

        // What was published is what is registered.
        for (const auto& [key, ps] : told)
            if (e.ports(key.first, key.second) != ps) std::abort();
        for (Protocol p : {Protocol::gmrp, Protocol::mmrp}) {
            std::map<PortId, std::uint32_t> per_port;
            for (const Registrar::View& v : e.registrar(p).view()) {
                if (!told.count({v.vid, v.attr})) std::abort();  // registered, never published
                if (!ports[v.vid].contains(v.port) || e.config().excluded_ports.contains(v.port) ||
                    !e.config().on(p, v.vid))
                    std::abort();
                if (v.leaving && v.leave_at <= now) std::abort();
                if (++per_port[v.port] > e.config().max_per_port) std::abort();
            }
        }
    }
    return 0;
}
