// GMRP and MMRP as the switch runs them (mrp/engine.h): which protocol runs
// where, the two united into one forwarding state per (VLAN, attribute), the
// service requirements, leaves on the leave timer, port down, a protocol
// turned off live. Virtual clock.
#include "mrp/engine.h"
#include "tests/unit/mrp_attrs.h"

#include <gtest/gtest.h>

#include <map>

namespace l2snoop::mrp {
namespace {

const MacAddr kAvb{{0x91, 0xe0, 0xf0, 0x00, 0x00, 0x01}};
const MacAddr kIp{{0x01, 0x00, 0x5e, 0x01, 0x01, 0x01}};
constexpr VlanId kVid = 10;
constexpr Time t0{5'000'000'000};

Pdu pdu(Protocol p, std::vector<Attr> attrs) { return make_pdu(p, std::move(attrs)); }
constexpr auto kMrpJoin = static_cast<std::uint8_t>(MrpEvent::join_in);
constexpr auto kMrpLeave = static_cast<std::uint8_t>(MrpEvent::lv);
constexpr auto kGarpJoin = static_cast<std::uint8_t>(GarpEvent::join_in);
constexpr auto kGarpLeave = static_cast<std::uint8_t>(GarpEvent::leave_empty);

MrpConfig both_on() {
    MrpConfig c;
    c.gmrp = c.mmrp = true;
    return c;
}

// Ports 1-3 take part in VLANs 10 and 20.
class MrpEngineTest : public ::testing::Test {
protected:
    MrpEngineTest() {
        e.set_ports(kVid, PortSet::of({1, 2, 3}), t0, a);
        e.set_ports(20, PortSet::of({1, 2, 3}), t0, a);
        a.clear();
    }
    MrpEngine e{both_on()};
    MrpActions a;
    MrpActions take() { return std::exchange(a, {}); }
    // The PDUs sent by `t`, by port: the events they carry for `m`.
    std::map<PortId, std::vector<std::uint8_t>> sent_for(const MacAddr& m, Time t) {
        e.on_timer(t, a);
        std::map<PortId, std::vector<std::uint8_t>> by_port;
        for (const Tx& tx : take().tx)
            for (const Attr& at : tx.pdu.attrs)
                if (at.type == AttrType::group_mac && at.mac == m) by_port[tx.port].push_back(at.event);
        return by_port;
    }
};

TEST_F(MrpEngineTest, a_gmrp_join_registers_the_mac_on_its_port) {
    e.receive(kVid, 1, pdu(Protocol::gmrp, {mac_attr(kAvb, kGarpJoin)}), t0, a);
    const MrpActions got = take();
    ASSERT_EQ(got.macs.size(), 1u);
    EXPECT_EQ(got.macs[0], (MacAction{kVid, kAvb, PortSet::of({1})}));
    EXPECT_EQ(e.counters(Protocol::gmrp).pdus, 1u);
    EXPECT_EQ(e.counters(Protocol::gmrp).registered, 1u);
    EXPECT_EQ(e.counters(Protocol::gmrp).events[kGarpJoin], 1u);
}

TEST_F(MrpEngineTest, gmrp_and_mmrp_registrations_of_one_mac_are_united) {
    e.receive(kVid, 1, pdu(Protocol::gmrp, {mac_attr(kIp, kGarpJoin)}), t0, a);
    e.receive(kVid, 2, pdu(Protocol::mmrp, {mac_attr(kIp, kMrpJoin)}), t0, a);
    EXPECT_EQ(take().macs.back(), (MacAction{kVid, kIp, PortSet::of({1, 2})}));
    e.receive(kVid, 1, pdu(Protocol::gmrp, {mac_attr(kIp, kGarpLeave)}), t0 + 1s, a);
    EXPECT_TRUE(take().macs.empty()) << "a leave waits for the leave timer";
    EXPECT_EQ(e.registrar(Protocol::gmrp).next_deadline(), t0 + 1s + 600ms);
    e.on_timer(t0 + 1s + 599ms, a);
    EXPECT_TRUE(take().macs.empty());
    e.on_timer(t0 + 1s + 600ms, a);
    EXPECT_EQ(take().macs, (std::vector<MacAction>{{kVid, kIp, PortSet::of({2})}})) << "MMRP's port stays";
}

TEST_F(MrpEngineTest, service_requirements_become_port_roles) {
    e.receive(kVid, 3,
              pdu(Protocol::mmrp, {service_attr(Service::all_groups, kMrpJoin),
                                   service_attr(Service::all_unregistered, kMrpJoin)}),
              t0, a);
    const MrpActions got = take();
    EXPECT_TRUE(got.macs.empty());
    EXPECT_EQ(got.services, (std::vector<ServiceAction>{{kVid, Service::all_groups, PortSet::of({3})},
                                                         {kVid, Service::all_unregistered, PortSet::of({3})}}));
    e.receive(kVid, 3, pdu(Protocol::mmrp, {service_attr(Service::all_groups, kMrpLeave)}), t0, a);
    e.on_timer(t0 + 1s, a);
    EXPECT_EQ(take().services, (std::vector<ServiceAction>{{kVid, Service::all_groups, {}}}));
}

TEST_F(MrpEngineTest, a_pdu_where_its_protocol_is_off_is_ignored_and_counted) {
    MrpConfig c;
    c.mmrp = true;
    c.vlan_mmrp[20] = false;
    MrpEngine only_mmrp(c);
    only_mmrp.set_ports(kVid, PortSet::of({1}), t0, a);
    only_mmrp.set_ports(20, PortSet::of({1}), t0, a);
    only_mmrp.receive(kVid, 1, pdu(Protocol::gmrp, {mac_attr(kAvb, kGarpJoin)}), t0, a);
    only_mmrp.receive(20, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    EXPECT_TRUE(take().empty());
    EXPECT_EQ(only_mmrp.counters(Protocol::gmrp).not_running, 1u);
    EXPECT_EQ(only_mmrp.counters(Protocol::mmrp).not_running, 1u);
    EXPECT_EQ(c.protocols(kVid), 2);
    EXPECT_EQ(c.protocols(20), 0);
}

TEST_F(MrpEngineTest, a_port_going_down_deregisters_at_once) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    e.receive(kVid, 2, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    e.receive(20, 1, pdu(Protocol::gmrp, {mac_attr(kAvb, kGarpJoin)}), t0, a);
    take();
    e.set_ports(kVid, PortSet::of({2, 3}), t0, a);
    e.set_ports(20, PortSet::of({2, 3}), t0, a);
    const MrpActions got = take();
    EXPECT_EQ(got.macs, (std::vector<MacAction>{{kVid, kAvb, PortSet::of({2})}, {20, kAvb, {}}}));
    EXPECT_EQ(e.counters(Protocol::mmrp).deregistered + e.counters(Protocol::gmrp).deregistered, 2u);
}

TEST_F(MrpEngineTest, turning_a_protocol_off_in_a_vlan_drops_its_registrations_there_only) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    e.receive(kVid, 2, pdu(Protocol::gmrp, {mac_attr(kAvb, kGarpJoin)}), t0, a);
    e.receive(20, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    take();
    MrpConfig next = both_on();
    next.vlan_mmrp[kVid] = false;
    e.reconfigure(next, t0, a);
    EXPECT_EQ(take().macs, (std::vector<MacAction>{{kVid, kAvb, PortSet::of({2})}})) << "GMRP's and VLAN 20's stay";
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    EXPECT_TRUE(take().empty());
}

TEST_F(MrpEngineTest, many_registrations_leave_in_deadline_order) {
    for (std::uint8_t i = 0; i < 200; ++i) {
        MacAddr m = kAvb;
        m.b[5] = i;
        e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(m, kMrpJoin)}), t0, a);
        e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(m, kMrpLeave)}), t0 + std::chrono::milliseconds(i), a);
    }
    take();
    e.on_timer(t0 + 600ms + 99ms, a);
    EXPECT_EQ(take().macs.size(), 100u);
    EXPECT_EQ(e.registrar(Protocol::mmrp).size(), 100u);
    e.on_timer(t0 + 10s, a);
    EXPECT_EQ(take().macs.size(), 100u);
    EXPECT_EQ(e.registrar(Protocol::mmrp).next_deadline(), std::nullopt);
}

TEST_F(MrpEngineTest, a_port_outside_the_vlan_or_down_registers_nothing) {
    e.receive(kVid, 7, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    EXPECT_TRUE(take().empty());
    EXPECT_EQ(e.counters(Protocol::mmrp).not_running, 1u);
}

// The MAP (802.1Q 10.3): registered on one port, declared on the others.
TEST_F(MrpEngineTest, a_registration_is_declared_on_the_other_ports_twice_a_join_time_apart) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    take();
    EXPECT_TRUE(sent_for(kAvb, t0 + 199ms).empty()) << "sent at the transmit opportunity, a join time later";
    const auto first = sent_for(kAvb, t0 + 200ms);
    const auto mt = static_cast<std::uint8_t>(MrpEvent::join_mt);
    EXPECT_EQ(first, (std::map<PortId, std::vector<std::uint8_t>>{{2, {mt}}, {3, {mt}}}))
        << "JoinMt: ports 2 and 3 have not registered it; never back to port 1";
    EXPECT_EQ(sent_for(kAvb, t0 + 400ms), first) << "VP -> AA -> QA: each declaration goes twice";
    EXPECT_TRUE(sent_for(kAvb, t0 + 600ms).empty()) << "then quiet";
    EXPECT_EQ(e.counters(Protocol::mmrp).pdus_sent, 4u);
}

TEST_F(MrpEngineTest, the_declaration_is_withdrawn_with_a_leave_when_the_registration_goes) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    sent_for(kAvb, t0 + 200ms);
    sent_for(kAvb, t0 + 400ms);
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpLeave)}), t0 + 1s, a);
    e.on_timer(t0 + 1s + 600ms, a);  // the leave timer: deregistered, withdrawn
    EXPECT_EQ(take().macs, (std::vector<MacAction>{{kVid, kAvb, {}}}));
    const auto lv = static_cast<std::uint8_t>(MrpEvent::lv);
    EXPECT_EQ(sent_for(kAvb, t0 + 1s + 800ms), (std::map<PortId, std::vector<std::uint8_t>>{{2, {lv}}, {3, {lv}}}));
    EXPECT_TRUE(sent_for(kAvb, t0 + 2s).empty());
    EXPECT_EQ(e.participant(Protocol::mmrp).size(), 0u);
}

TEST_F(MrpEngineTest, a_mac_registered_on_two_ports_is_declared_to_each_of_them) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    e.receive(kVid, 2, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    const auto in = static_cast<std::uint8_t>(MrpEvent::join_in), mt = static_cast<std::uint8_t>(MrpEvent::join_mt);
    EXPECT_EQ(sent_for(kAvb, t0 + 200ms), (std::map<PortId, std::vector<std::uint8_t>>{{1, {in}}, {2, {in}}, {3, {mt}}}))
        << "each registering port hears of the other: JoinIn where it is registered";
}

TEST_F(MrpEngineTest, gmrp_declares_with_garp_events) {
    e.receive(kVid, 1, pdu(Protocol::gmrp, {mac_attr(kAvb, kGarpJoin)}), t0, a);
    const auto je = static_cast<std::uint8_t>(GarpEvent::join_empty);
    EXPECT_EQ(sent_for(kAvb, t0 + 200ms), (std::map<PortId, std::vector<std::uint8_t>>{{2, {je}}, {3, {je}}}));
}

TEST_F(MrpEngineTest, a_port_that_comes_up_is_told_what_the_vlan_registered) {
    e.set_ports(kVid, PortSet::of({1, 2}), t0, a);
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    sent_for(kAvb, t0 + 200ms);
    sent_for(kAvb, t0 + 400ms);
    e.set_ports(kVid, PortSet::of({1, 2, 3}), t0 + 1s, a);
    const auto mt = static_cast<std::uint8_t>(MrpEvent::join_mt);
    EXPECT_EQ(sent_for(kAvb, t0 + 1s + 200ms), (std::map<PortId, std::vector<std::uint8_t>>{{3, {mt}}}));
}

TEST_F(MrpEngineTest, our_leave_all_makes_a_silent_station_time_out) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    take();
    // Every port sends a LeaveAll within [10 s, 15 s); the station never answers.
    std::size_t leave_alls = 0;
    for (Time t = t0; t <= t0 + 15s; t += 50ms) {
        e.on_timer(t, a);
        for (const Tx& tx : a.tx) leave_alls += tx.pdu.leave_all[0] && tx.vid == kVid;
        a.tx.clear();
        a.services.clear();
        if (!a.macs.empty()) break;
    }
    EXPECT_GE(leave_alls, 1u);
    EXPECT_EQ(take().macs, (std::vector<MacAction>{{kVid, kAvb, {}}})) << "registered, then gone 600 ms after our LeaveAll";
}

TEST_F(MrpEngineTest, a_station_that_answers_our_leave_all_stays_registered) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    take();
    bool deregistered = false;
    for (Time t = t0; t <= t0 + 40s; t += 50ms) {
        e.on_timer(t, a);
        for (const Tx& tx : a.tx)
            if (tx.port == 1 && tx.vid == kVid && tx.pdu.leave_all[0])  // the station re-declares at once
                e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t, a);
        for (const MacAction& m : a.macs) deregistered |= m.ports.empty();
        a.clear();
    }
    EXPECT_FALSE(deregistered);
    EXPECT_GE(e.counters(Protocol::mmrp).leave_alls_sent, 2u * 3u * 2u) << "3 ports x 2 VLANs, at least twice in 40 s";
}

TEST_F(MrpEngineTest, a_received_leave_all_makes_us_declare_again) {
    e.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    sent_for(kAvb, t0 + 200ms);
    sent_for(kAvb, t0 + 400ms);
    Pdu la;
    la.protocol = Protocol::mmrp;
    la.leave_all[0] = true;
    e.receive(kVid, 2, la, t0 + 1s, a);
    const auto mt = static_cast<std::uint8_t>(MrpEvent::join_mt);
    EXPECT_EQ(sent_for(kAvb, t0 + 1s + 200ms), (std::map<PortId, std::vector<std::uint8_t>>{{2, {mt}}}));
}

TEST_F(MrpEngineTest, periodic_transmission_sends_each_declaration_again_every_second) {
    const auto joins_on_port2 = [](MrpEngine& eng) {
        MrpActions out;
        eng.set_ports(kVid, PortSet::of({1, 2}), t0, out);
        eng.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, out);
        std::vector<Time> sent;
        for (Time t = t0; t <= t0 + 3200ms; t += 50ms) {
            out.clear();
            eng.on_timer(t, out);
            for (const Tx& tx : out.tx)
                if (tx.port == 2 && !tx.pdu.attrs.empty()) sent.push_back(t);
        }
        return sent;
    };
    MrpEngine plain{both_on()};
    EXPECT_EQ(joins_on_port2(plain), (std::vector<Time>{t0 + 200ms, t0 + 400ms})) << "off: twice";
    MrpConfig c = both_on();
    c.periodic = true;
    MrpEngine periodic{c};
    EXPECT_EQ(joins_on_port2(periodic), (std::vector<Time>{t0 + 200ms, t0 + 400ms, t0 + 1s, t0 + 2s, t0 + 3s}))
        << "on: every second QA -> AA, sent at once (AA -> QA)";
}

TEST_F(MrpEngineTest, a_port_registers_at_most_max_per_port_and_the_rest_is_counted) {
    MrpConfig c = both_on();
    c.max_per_port = 3;
    MrpEngine small{c};
    small.set_ports(kVid, PortSet::of({1, 2}), t0, a);
    std::vector<Attr> five;
    for (std::uint8_t i = 0; i < 5; ++i) {
        MacAddr m = kAvb;
        m.b[5] = i;
        five.push_back(mac_attr(m, kMrpJoin));
    }
    small.receive(kVid, 1, pdu(Protocol::mmrp, five), t0, a);
    EXPECT_EQ(take().macs.size(), 3u);
    EXPECT_EQ(small.counters(Protocol::mmrp).refused_limit, 2u);
    small.receive(kVid, 2, pdu(Protocol::mmrp, five), t0, a);
    EXPECT_EQ(take().macs.size(), 3u) << "another port has its own allowance";
    EXPECT_EQ(small.counters(Protocol::mmrp).refused_limit, 4u);
    small.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpLeave)}), t0, a);
    small.on_timer(t0 + 1s, a);
    take();
    MacAddr sixth = kAvb;
    sixth.b[5] = 6;
    small.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(sixth, kMrpJoin)}), t0 + 1s, a);
    EXPECT_EQ(take().macs, (std::vector<MacAction>{{kVid, sixth, PortSet::of({1})}})) << "room again after a leave";
}

TEST_F(MrpEngineTest, an_excluded_port_registers_nothing_and_hears_no_declarations) {
    MrpConfig c = both_on();
    c.excluded_ports = PortSet::of({3});
    MrpEngine ex{c};
    ex.set_ports(kVid, PortSet::of({1, 2, 3}), t0, a);
    ex.receive(kVid, 3, pdu(Protocol::mmrp, {service_attr(Service::all_groups, kMrpJoin)}), t0, a);
    EXPECT_TRUE(take().services.empty()) << "a port that may not register cannot take every group";
    EXPECT_EQ(ex.counters(Protocol::mmrp).not_running, 1u);
    ex.receive(kVid, 1, pdu(Protocol::mmrp, {mac_attr(kAvb, kMrpJoin)}), t0, a);
    ex.on_timer(t0 + 200ms, a);
    for (const Tx& tx : take().tx) EXPECT_NE(tx.port, 3) << "nothing declared there";
    c.excluded_ports = {};
    ex.reconfigure(c, t0 + 1s, a);  // let in live: told what the VLAN registered
    ex.on_timer(t0 + 1s + 200ms, a);
    bool told = false;
    for (const Tx& tx : take().tx) told |= tx.port == 3 && !tx.pdu.attrs.empty();
    EXPECT_TRUE(told);
}

TEST_F(MrpEngineTest, a_thousand_declarations_go_in_pdus_of_at_most_150) {
    Pdu p;
    p.protocol = Protocol::gmrp;
    for (int i = 0; i < 1000; ++i) {
        MacAddr m = kAvb;
        m.b[4] = static_cast<std::uint8_t>(i >> 8);
        m.b[5] = static_cast<std::uint8_t>(i);
        p.attrs.push_back(mac_attr(m, kGarpJoin));
    }
    e.receive(kVid, 1, p, t0, a);
    e.on_timer(t0 + 200ms, a);
    std::size_t attrs = 0;
    for (const Tx& tx : a.tx) {
        EXPECT_LE(tx.pdu.attrs.size(), Participant::kAttrsPerPdu);
        std::vector<std::uint8_t> frame = build_frame(tx.pdu, MacAddr{{2, 0, 0, 0, 0, 1}});
        EXPECT_LE(frame.size(), 1514u);
        attrs += tx.pdu.attrs.size();
    }
    EXPECT_EQ(attrs, 2000u) << "ports 2 and 3";
}

}  // namespace
}  // namespace l2snoop::mrp
