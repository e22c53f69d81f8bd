// GMRP and MMRP on the ring-port switch: a station's registration decides
// where its group MAC's frames go — non-IP and every IP group aliasing the
// MAC alike, united with what IGMP snooping decided — the service
// requirements act as port roles, a leave prunes after the leave time, and
// with the protocols off their frames are flooded like any multicast.
#include <nlohmann/json.hpp>

#include <thread>

#include "dataplane/ctl_show.h"
#include "mrp/pdu.h"
#include "tests/unit/mrp_attrs.h"
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

using mrp::Attr;
using mrp::AttrType;
using mrp::GarpEvent;
using mrp::MrpEvent;
using mrp::Pdu;
using mrp::Protocol;

const MacAddr kStation{{0x02, 0, 0, 0, 0, 0x42}};
const MacAddr kAvb{{0x91, 0xe0, 0xf0, 0x00, 0x00, 0x01}};
const MacAddr kAvb2{{0x91, 0xe0, 0xf0, 0x00, 0x00, 0x02}};

Pdu declare(Protocol p, std::vector<Attr> attrs) { return mrp::make_pdu(p, std::move(attrs)); }
Attr mac(const MacAddr& m, std::uint8_t ev) { return mrp::mac_attr(m, ev); }
Attr service(mrp::Service s, std::uint8_t ev) { return mrp::service_attr(s, ev); }
constexpr auto kJoinIn = static_cast<std::uint8_t>(MrpEvent::join_in);
constexpr auto kLv = static_cast<std::uint8_t>(MrpEvent::lv);
constexpr auto kGarpJoinIn = static_cast<std::uint8_t>(GarpEvent::join_in);

// A non-IP frame (local experimental EtherType 0x88b5) to `dst`.
std::vector<std::uint8_t> data_to(const MacAddr& dst, std::optional<VlanId> vid = std::nullopt) {
    std::vector<std::uint8_t> f(dst.b.begin(), dst.b.end());
    f.insert(f.end(), {0x02, 0, 0, 0, 0, 0x07});
    if (vid) f.insert(f.end(), {0x81, 0x00, static_cast<std::uint8_t>(*vid >> 8), static_cast<std::uint8_t>(*vid)});
    f.insert(f.end(), {0x88, 0xb5});
    f.resize(f.size() + 46, 0xab);
    return f;
}

class Mrp : public RingSwitch {
protected:
    void start_with(bool gmrp, bool mmrp, const Adjust& adjust = {}) {
        Config c = access_all();
        c.mrp.gmrp = gmrp;
        c.mrp.mmrp = mmrp;
        start(c, adjust);
    }
    void register_on(unsigned port, const Pdu& pdu, std::optional<VlanId> vid = std::nullopt) {
        const auto f = mrp::build_frame(pdu, kStation, vid);
        inject(port, f);
        run();
        EXPECT_TRUE(receivers(f).empty()) << "a participant ends MRP frames; it never floods them";
    }
    std::vector<unsigned> who_gets(const std::vector<std::uint8_t>& f, unsigned from = 0) {
        inject(from, f);
        work();
        return receivers(f);
    }
};

TEST_F(Mrp, an_mmrp_join_registers_a_mac_and_its_frames_go_there_only) {
    start_with(false, true);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    EXPECT_EQ(who_gets(data_to(kAvb)), std::vector<unsigned>{2});
    EXPECT_EQ(who_gets(data_to(kAvb2)), kAllBut0) << "an unregistered group MAC floods";
    EXPECT_EQ(sw_->mfdb().lookup_mac(1, kAvb), PortSet::of({ports_->ids[2]}));
}

TEST_F(Mrp, a_gmrp_registration_carries_every_ip_group_on_the_mac_united_with_snooping) {
    start_with(true, false);
    register_on(3, declare(Protocol::gmrp, {mac(group_mac(ip4("239.1.1.1")), kGarpJoinIn)}));
    EXPECT_EQ(who_gets(udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"))), std::vector<unsigned>{3});
    EXPECT_EQ(who_gets(udp4_frame(ip4("224.1.1.1"), ip4("192.0.2.1"))), std::vector<unsigned>{3})
        << "another group on the same MAC follows the MAC";
    inject(1, report("239.1.1.1"));
    run();
    drain_all();
    EXPECT_EQ(who_gets(udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"))), (std::vector<unsigned>{1, 3}));
    EXPECT_EQ(who_gets(udp4_frame(ip4("239.9.9.9"), ip4("192.0.2.1"))), kAllBut0) << "unregistered: the policy (flood)";
}

TEST_F(Mrp, a_leave_prunes_after_the_leave_time_not_before) {
    Config c = access_all();
    c.mrp.mmrp = true;
    c.mrp.leave_time = 50ms;
    start(c);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kLv)}));
    EXPECT_EQ(who_gets(data_to(kAvb)), std::vector<unsigned>{2}) << "within the leave time";
    std::this_thread::sleep_for(60ms);
    sw_->control_iteration();
    EXPECT_EQ(who_gets(data_to(kAvb)), kAllBut0) << "deregistered: floods like any unregistered MAC";
}

TEST_F(Mrp, forward_all_groups_gets_every_group_and_forward_unregistered_the_rest) {
    Config c = access_all();
    c.mrp.mmrp = true;
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    register_on(3, declare(Protocol::mmrp, {service(mrp::Service::all_groups, kJoinIn)}));
    register_on(1, declare(Protocol::mmrp, {service(mrp::Service::all_unregistered, kJoinIn)}));
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    EXPECT_EQ(who_gets(data_to(kAvb)), (std::vector<unsigned>{2, 3}));
    EXPECT_EQ(who_gets(udp4_frame(ip4("239.9.9.9"), ip4("192.0.2.1"))), (std::vector<unsigned>{1, 3}))
        << "unregistered IP multicast under drop: the two service requirements";
    inject(2, report("239.2.2.2"));
    run();
    drain_all();
    EXPECT_EQ(who_gets(udp4_frame(ip4("239.2.2.2"), ip4("192.0.2.1"))), (std::vector<unsigned>{2, 3}))
        << "a snooped group: its member and Forward All Groups, not Forward All Unregistered";
}

TEST_F(Mrp, registrations_are_per_vlan_on_a_trunk) {
    Config c;
    for (PortId p = 0; p < kPorts; ++p) c.ports[p] = PortConfig{PortConfig::Mode::trunk, 1, {10, 20}, {}};
    c.mrp.mmrp = true;
    start(c);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), VlanId{10});
    EXPECT_EQ(who_gets(data_to(kAvb, 10)), std::vector<unsigned>{2});
    EXPECT_EQ(who_gets(data_to(kAvb, 20)), kAllBut0) << "VLAN 20 has no registration";
}

TEST_F(Mrp, with_the_protocols_off_their_frames_are_flooded_like_any_multicast) {
    start_with(false, false);
    const auto f = mrp::build_frame(declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), kStation);
    EXPECT_EQ(who_gets(f, 2), (std::vector<unsigned>{0, 1, 3}));
    run();
    EXPECT_EQ(who_gets(data_to(kAvb)), kAllBut0) << "nothing registered";
    const auto g = mrp::build_frame(declare(Protocol::gmrp, {mac(kAvb, kGarpJoinIn)}), kStation);
    EXPECT_EQ(who_gets(g, 2), (std::vector<unsigned>{0, 1, 3}));
}

TEST_F(Mrp, gmrp_on_leaves_mmrp_frames_flooded) {
    start_with(true, false);
    const auto f = mrp::build_frame(declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), kStation);
    EXPECT_EQ(who_gets(f, 2), (std::vector<unsigned>{0, 1, 3}));
}

TEST_F(Mrp, a_malformed_pdu_is_counted_by_reason_and_changes_nothing) {
    start_with(false, true);
    auto f = mrp::build_frame(declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), kStation);
    f[16] = 5;  // after the version and the attribute type: AttributeLength, 6 for a MAC
    inject(2, f);
    run();
    EXPECT_TRUE(receivers(f).empty()) << "never flooded either";
    EXPECT_EQ(sw_->control_counters().mrp_rejected[1][static_cast<int>(mrp::PduError::bad_attribute_length)], 1u);
    EXPECT_EQ(who_gets(data_to(kAvb)), kAllBut0);
}

TEST_F(Mrp, the_snapshot_shows_registrations_and_counters) {
    start_with(false, true);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    sw_->control().refresh_snapshot();
    const auto s = sw_->snapshot();
    ASSERT_EQ(s->mrp_registrations.size(), 1u);
    EXPECT_EQ(s->mrp_registrations[0].protocol, Protocol::mmrp);
    EXPECT_EQ(s->mrp_registrations[0].v.port, ports_->ids[2]);
    EXPECT_EQ(s->mrp_registrations[0].v.attr.mac, kAvb);
    ASSERT_EQ(s->mrp_macs.size(), 1u);
    EXPECT_EQ(s->mrp[1].pdus, 1u);
    EXPECT_EQ(s->mrp[1].registered, 1u);
}

// The GMRP/MMRP PDUs among `frames`, with their VLAN tag.
std::vector<std::pair<std::optional<VlanId>, Pdu>> pdus(const std::vector<std::vector<std::uint8_t>>& frames) {
    std::vector<std::pair<std::optional<VlanId>, Pdu>> out;
    for (const auto& f : frames) {
        Pdu p;
        std::optional<VlanId> vid;
        if (mrp::decode_frame(f, p, &vid) == mrp::PduError::none) out.emplace_back(vid, p);
    }
    return out;
}

TEST_F(Mrp, a_registration_is_declared_on_the_other_ports_of_its_vlan_tagged_as_they_carry_it) {
    Config c;
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10, 20}, {}};
    c.ports[1] = PortConfig{PortConfig::Mode::access, 10, {}, {}};
    c.ports[2] = PortConfig{PortConfig::Mode::access, 10, {}, {}};
    c.ports[3] = PortConfig{PortConfig::Mode::access, 20, {}, {}};
    c.mrp.mmrp = true;
    c.mrp.join_time = 20ms;
    start(c);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    std::this_thread::sleep_for(30ms);
    sw_->control_iteration();
    work();
    const auto trunk = pdus(take(0));
    const auto access = pdus(take(1));
    EXPECT_TRUE(take(2).empty()) << "never back to the registering port";
    EXPECT_TRUE(take(3).empty()) << "VLAN 20 knows nothing of it";
    const Attr join_mt = mac(kAvb, static_cast<std::uint8_t>(MrpEvent::join_mt));
    ASSERT_EQ(trunk.size(), 1u);
    EXPECT_EQ(trunk[0].first, VlanId{10}) << "tagged on the trunk";
    EXPECT_EQ(trunk[0].second.attrs, std::vector<Attr>{join_mt});
    ASSERT_EQ(access.size(), 1u);
    EXPECT_EQ(access[0].first, std::nullopt) << "untagged on the access port";
    EXPECT_EQ(access[0].second.attrs, std::vector<Attr>{join_mt});
    sw_->control().refresh_snapshot();
    EXPECT_EQ(sw_->snapshot()->mrp[1].pdus_sent, 2u);
}

TEST_F(Mrp, two_stations_registering_one_mac_both_get_its_frames) {
    start_with(true, false);
    register_on(1, declare(Protocol::gmrp, {mac(kAvb, kGarpJoinIn)}));
    register_on(3, declare(Protocol::gmrp, {mac(kAvb, kGarpJoinIn)}));
    EXPECT_EQ(who_gets(data_to(kAvb)), (std::vector<unsigned>{1, 3}));
    EXPECT_EQ(sw_->mfdb().lookup_mac(1, kAvb), PortSet::of({ports_->ids[1], ports_->ids[3]}));
}

TEST_F(Mrp, turning_mmrp_off_live_drops_its_registrations_and_floods_its_frames_again) {
    start_with(false, true);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    Config next = sw_->control().live_config();
    next.mrp.mmrp = false;
    std::vector<std::string> changed;
    std::string error;
    ASSERT_TRUE(sw_->control().reconfigure(next, changed, error)) << error;
    EXPECT_EQ(changed, (std::vector<std::string>{"- mmrp = on", "+ mmrp = off"}));
    EXPECT_EQ(who_gets(data_to(kAvb)), kAllBut0) << "no registration left";
    const auto f = mrp::build_frame(declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), kStation);
    EXPECT_EQ(who_gets(f, 2), (std::vector<unsigned>{0, 1, 3})) << "its frames are bridged again";
}

TEST_F(Mrp, mrp_show_and_stats_tell_registrations_declarations_and_counters) {
    start_with(false, true);
    register_on(2, declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}));
    register_on(3, declare(Protocol::mmrp, {service(mrp::Service::all_groups, kJoinIn)}));
    auto bad = mrp::build_frame(declare(Protocol::mmrp, {mac(kAvb, kJoinIn)}), kStation);
    bad[16] = 5;
    inject(1, bad);
    run();
    sw_->control().refresh_snapshot();
    const auto ask = [&](const std::string& line) {
        auto r = ctl::parse_request(line);
        EXPECT_TRUE(std::holds_alternative<ctl::Request>(r)) << line;
        return nlohmann::json::parse(show(std::get<ctl::Request>(r), *sw_->snapshot(), *sw_));
    };
    const auto all = ask(R"({"cmd":"mrp show"})");
    ASSERT_TRUE(all["ok"].get<bool>()) << all;
    // 2 registrations; declared: the MAC on ports 0, 1, 3 and the service requirement on 0, 1, 2.
    EXPECT_EQ(all["total"], 8) << all;
    const auto port2 = ask(R"({"cmd":"mrp show","vlan":1,"port":2})");
    ASSERT_EQ(port2["entries"].size(), 2u) << port2;
    EXPECT_EQ(port2["entries"][0]["registrar"], "IN");
    EXPECT_EQ(port2["entries"][0]["mac"], "91:e0:f0:00:00:01");
    EXPECT_EQ(port2["entries"][1]["applicant"], "VP") << "declared, not yet sent";
    EXPECT_EQ(port2["entries"][1]["service"], "all_groups");
    EXPECT_EQ(all["forwarding"][0]["ports"], nlohmann::json::array({2}));
    EXPECT_EQ(all["service_requirements"][0]["forward_all_groups"], nlohmann::json::array({3}));
    const auto stats = ask(R"({"cmd":"stats"})");
    EXPECT_EQ(stats["mmrp"]["pdus"], 2);
    EXPECT_EQ(stats["mmrp"]["registered"], 2);
    EXPECT_EQ(stats["mmrp"]["events"]["JoinIn"], 2);
    EXPECT_EQ(stats["mmrp"]["rejected"]["bad_attribute_length"], 1);
    EXPECT_EQ(stats["gmrp"]["pdus"], 0);
}

}  // namespace
}  // namespace l2snoop::test
