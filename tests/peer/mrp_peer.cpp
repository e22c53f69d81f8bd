// For mrp_check.py: `mrp_peer emit FILE.pcap` writes GMRP and MMRP frames our
// encoder built, and prints what each declares; `mrp_peer decode` reads
// frames as hex lines on stdin and prints what our decoder finds in each.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "mrp/engine.h"
#include "mrp/pdu.h"

using namespace l2snoop;
using namespace l2snoop::mrp;

namespace {

void print(std::size_t n, const Pdu& p, PduError e) {
    std::printf("%zu %s %s la=%d,%d", n, p.protocol == Protocol::gmrp ? "gmrp" : "mmrp", std::string(to_string(e)).c_str(),
                p.leave_all[0], p.leave_all[1]);
    for (const Attr& a : p.attrs) {
        if (a.type == AttrType::group_mac)
            std::printf(" mac:%s:%u", a.mac.to_string().c_str(), a.event);
        else
            std::printf(" svc:%u:%u", static_cast<unsigned>(a.service), a.event);
    }
    std::printf("\n");
}

std::vector<Pdu> samples() {
    std::vector<Pdu> out;
    for (Protocol proto : {Protocol::gmrp, Protocol::mmrp}) {
        Pdu p;
        p.protocol = proto;
        Attr a;
        a.mac = MacAddr{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}};
        a.event = 1;
        p.attrs = {a};
        out.push_back(p);
        // Many groups (runs and gaps), every event, both service requirements, LeaveAll.
        Pdu q;
        q.protocol = proto;
        q.leave_all[0] = true;
        for (std::uint8_t i = 0; i < 20; ++i) {
            Attr m;
            m.mac = MacAddr{{0x01, 0x00, 0x5e, 0x7f, 0x00, static_cast<std::uint8_t>(i < 10 ? i : 2 * i)}};
            m.event = static_cast<std::uint8_t>(proto == Protocol::gmrp ? 1 + i % 5 : i % 6);
            q.attrs.push_back(m);
        }
        // tshark 4.0 reads one message per MRPDU (what follows the first it takes for the PDU's end mark):
        // the MMRP samples hold one attribute type each; our decoder reads several (mrp_check.py's own frame).
        Pdu services;
        services.protocol = proto;
        for (std::uint8_t s = 0; s < 2; ++s) {
            Attr m;
            m.type = AttrType::service;
            m.service = static_cast<Service>(s);
            m.event = proto == Protocol::gmrp ? 2 : 1;
            (proto == Protocol::gmrp ? q : services).attrs.push_back(m);
        }
        out.push_back(q);
        if (proto == Protocol::mmrp) out.push_back(services);
        Pdu r;
        r.protocol = proto;
        r.leave_all[1] = true;
        out.push_back(r);
    }
    // What the switch itself sends (mrp/engine.h): its declarations on port 2
    // of what port 1 registered (a run of MACs, a gap, both service
    // requirements), then its LeaveAll with every declaration again.
    MrpConfig c;
    c.gmrp = c.mmrp = true;
    MrpEngine e(c);
    MrpActions a;
    const Time t0{std::chrono::seconds(1)};
    e.set_ports(10, PortSet::of({1, 2}), t0, a);
    for (Protocol proto : {Protocol::gmrp, Protocol::mmrp}) {
        Pdu reg;
        reg.protocol = proto;
        for (std::uint8_t i : {1, 2, 3, 4, 9}) {
            Attr m;
            m.mac = MacAddr{{0x01, 0x00, 0x5e, 0x10, 0x00, i}};
            m.event = proto == Protocol::gmrp ? static_cast<std::uint8_t>(GarpEvent::join_in) : static_cast<std::uint8_t>(MrpEvent::join_in);
            reg.attrs.push_back(m);
        }
        for (Service s : {Service::all_groups, Service::all_unregistered}) {
            Attr m;
            m.type = AttrType::service;
            m.service = s;
            m.event = reg.attrs[0].event;
            reg.attrs.push_back(m);
        }
        e.receive(10, 1, reg, t0, a);
    }
    e.on_timer(t0 + std::chrono::milliseconds(200), a);
    e.on_timer(t0 + std::chrono::seconds(16), a);
    for (const Tx& tx : a.tx)
        if (tx.port == 2) out.push_back(tx.pdu);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "emit" && argc == 3) {
        FILE* f = std::fopen(argv[2], "wb");
        if (!f) return 1;
        const std::uint32_t hdr[] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
        std::fwrite(hdr, sizeof hdr, 1, f);
        const auto pdus = samples();
        for (std::size_t i = 0; i < pdus.size(); ++i) {
            const auto fr = build_frame(pdus[i], MacAddr{{0x02, 0, 0, 0, 0, 0x21}}, i % 2 ? std::optional<VlanId>(10) : std::nullopt);
            const std::uint32_t rec[] = {0, 0, static_cast<std::uint32_t>(fr.size()), static_cast<std::uint32_t>(fr.size())};
            std::fwrite(rec, sizeof rec, 1, f);
            std::fwrite(fr.data(), 1, fr.size(), f);
            print(i, pdus[i], PduError::none);
        }
        std::fclose(f);
        return 0;
    }
    if (mode == "decode") {
        std::string line;
        for (std::size_t n = 0; std::getline(std::cin, line); ++n) {
            std::vector<std::uint8_t> b;
            for (std::size_t i = 0; i + 1 < line.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
            Pdu p;
            const PduError e = decode_frame(b, p);
            print(n, p, e);
        }
        return 0;
    }
    std::fprintf(stderr, "usage: mrp_peer emit FILE.pcap | mrp_peer decode < hex lines\n");
    return 2;
}
