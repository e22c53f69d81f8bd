// The GARP/MRP Registrar (mrp/registrar.h), a scenario per row of IEEE
// 802.1Q Table 10-4 (and 802.1D 12.8.3 for GARP's events), virtual clock.
#include "mrp/registrar.h"

#include <gtest/gtest.h>

namespace l2snoop::mrp {
namespace {

const MacAddr kGroup{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}};
const MacAddr kOther{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x09}};
const AttrId kG{AttrType::group_mac, kGroup, Service::all_groups};
const AttrId kAllUnregistered{AttrType::service, MacAddr{}, Service::all_unregistered};
constexpr VlanId kVid = 10;
constexpr Time t0{1'000'000'000};

Pdu mmrp(std::initializer_list<std::pair<MacAddr, MrpEvent>> attrs, bool leave_all = false) {
    Pdu p;
    p.protocol = Protocol::mmrp;
    p.leave_all[static_cast<int>(AttrType::group_mac)] = leave_all;
    for (const auto& [m, e] : attrs) {
        Attr a;
        a.mac = m;
        a.event = static_cast<std::uint8_t>(e);
        p.attrs.push_back(a);
    }
    return p;
}
Pdu gmrp(const MacAddr& m, GarpEvent e) {
    Pdu p;
    p.protocol = Protocol::gmrp;
    Attr a;
    a.mac = m;
    a.event = static_cast<std::uint8_t>(e);
    p.attrs.push_back(a);
    return p;
}

class RegistrarTest : public ::testing::Test {
protected:
    Registrar r{600ms};
    std::vector<Change> out;
    std::vector<Change> take() { return std::exchange(out, {}); }
};

TEST_F(RegistrarTest, a_join_in_registers_the_group_on_its_port) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 2, kG, true}}));
    EXPECT_TRUE(r.registered(kVid, 2, kG));
    EXPECT_EQ(r.ports(kVid, kG), PortSet::of({2}));
    EXPECT_FALSE(r.registered(20, 2, kG)) << "another VLAN is another context";
}

TEST_F(RegistrarTest, new_and_join_mt_register_too_and_a_repeated_join_reports_nothing) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::new_}, {kOther, MrpEvent::join_mt}}), t0, out);
    EXPECT_EQ(take().size(), 2u);
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0 + 1s, out);
    EXPECT_TRUE(take().empty());
}

TEST_F(RegistrarTest, in_and_mt_change_nothing) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::in}, {kOther, MrpEvent::mt}}), t0, out);
    EXPECT_TRUE(take().empty());
    EXPECT_EQ(r.size(), 0u);
}

TEST_F(RegistrarTest, a_leave_deregisters_after_the_leave_time_not_before) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    take();
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::lv}}), t0 + 1s, out);
    EXPECT_TRUE(take().empty());
    EXPECT_TRUE(r.registered(kVid, 2, kG)) << "LV is still registered";
    EXPECT_EQ(r.next_deadline(), std::optional<Time>(t0 + 1s + 600ms));
    r.on_timer(t0 + 1s + 599ms, out);
    EXPECT_TRUE(take().empty());
    r.on_timer(t0 + 1s + 600ms, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 2, kG, false}}));
    EXPECT_FALSE(r.registered(kVid, 2, kG));
}

TEST_F(RegistrarTest, a_join_while_leaving_keeps_the_registration) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::lv}}), t0 + 1s, out);
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_mt}}), t0 + 1s + 300ms, out);
    take();
    r.on_timer(t0 + 5s, out);
    EXPECT_TRUE(take().empty());
    EXPECT_TRUE(r.registered(kVid, 2, kG));
    EXPECT_FALSE(r.next_deadline());
}

TEST_F(RegistrarTest, a_second_leave_does_not_restart_the_timer) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::lv}}), t0, out);
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::lv}}), t0 + 500ms, out);
    take();
    r.on_timer(t0 + 600ms, out);
    EXPECT_EQ(take().size(), 1u);
}

TEST_F(RegistrarTest, leave_all_starts_every_leave_timer_of_its_type_and_declarations_in_the_same_pdu_rejoin) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}, {kOther, MrpEvent::join_in}}), t0, out);
    Pdu svc;
    svc.protocol = Protocol::mmrp;
    Attr s;
    s.type = AttrType::service;
    s.service = Service::all_unregistered;
    s.event = static_cast<std::uint8_t>(MrpEvent::join_in);
    svc.attrs.push_back(s);
    r.receive(kVid, 2, svc, t0, out);
    take();
    // LeaveAll for MACs, with kGroup still declared in the same PDU.
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}, true), t0 + 1s, out);
    r.on_timer(t0 + 2s, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 2, AttrId{AttrType::group_mac, kOther, Service::all_groups}, false}}));
    EXPECT_TRUE(r.registered(kVid, 2, kG));
    EXPECT_TRUE(r.registered(kVid, 2, kAllUnregistered)) << "a MAC LeaveAll leaves the service requirements alone";
}

TEST_F(RegistrarTest, leave_all_on_one_port_leaves_other_ports_registered) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    r.receive(kVid, 3, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    r.receive(kVid, 2, mmrp({}, true), t0, out);
    take();
    r.on_timer(t0 + 1s, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 2, kG, false}}));
    EXPECT_EQ(r.ports(kVid, kG), PortSet::of({3}));
}

TEST_F(RegistrarTest, garp_join_empty_registers_and_leave_empty_leaves_after_the_leave_time) {
    r.receive(kVid, 4, gmrp(kGroup, GarpEvent::join_empty), t0, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 4, kG, true}}));
    r.receive(kVid, 4, gmrp(kGroup, GarpEvent::empty), t0, out);
    EXPECT_TRUE(take().empty()) << "Empty changes nothing";
    r.receive(kVid, 4, gmrp(kGroup, GarpEvent::leave_empty), t0, out);
    r.on_timer(t0 + 600ms, out);
    EXPECT_EQ(take(), (std::vector<Change>{{kVid, 4, kG, false}}));
}

TEST_F(RegistrarTest, a_port_going_down_deregisters_everything_on_it_at_once) {
    r.receive(kVid, 2, mmrp({{kGroup, MrpEvent::join_in}, {kOther, MrpEvent::join_in}}), t0, out);
    r.receive(20, 2, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    r.receive(kVid, 3, mmrp({{kGroup, MrpEvent::join_in}}), t0, out);
    take();
    r.port_down(2, out);
    EXPECT_EQ(take().size(), 3u);
    EXPECT_EQ(r.size(), 1u);
    EXPECT_EQ(r.ports(kVid, kG), PortSet::of({3}));
}

}  // namespace
}  // namespace l2snoop::mrp
