// Router ports and the querier: learning, election, timers, policies.
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

const IpAddr G = A("239.1.1.1");
const PortId R = 0, H1 = 1, H2 = 2, H3 = 3;
const IpAddr kRouter = A("10.0.0.1");

SnoopConfig querier_on(const char* addr = "10.0.0.5") {
    SnoopConfig c;
    c.querier = true;
    if (addr) c.querier_address4[kVlan] = *Ipv4Addr::parse(addr);
    c.querier_address6[kVlan] = *Ipv6Addr::parse("fe80::5");
    return c;
}

std::vector<SendAction> general_queries(const std::vector<SendAction>& sent, IpFamily f) {
    std::vector<SendAction> out;
    for (const auto& s : sent)
        if (s.msg.type == MessageType::query && s.msg.family == f && s.msg.group.is_unspecified()) out.push_back(s);
    return out;
}

// ---- router ports (RFC 4541 §2.1.1-1) ----

TEST(Routers, general_query_makes_its_port_a_router_port) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 3), kRouter);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({R}));
    EXPECT_TRUE(h.routers[IpFamily::v6].empty()) << "IGMP routers do not attract IPv6";
}

TEST(Routers, query_from_zero_neither_makes_a_router_port_nor_wins) {
    Harness h(querier_on());
    h.rx(R, query(IpFamily::v4, 2), A("0.0.0.0"));
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
    EXPECT_TRUE(h.s.queriers(h.now)[0].we_are_querier);
    EXPECT_EQ(h.s.counters().queries_from_zero, 1u);
}

// Two snooping switches on a trunk, no multicast router, both proxy queriers
// (--querier on with the default 0.0.0.0): each must hear the other's
// members, or a source on one side reaches the other side only while its
// group is unregistered there.
TEST(Routers, reports_go_where_another_switchs_proxy_querier_is_heard) {
    Harness h(querier_on(nullptr));
    h.rx(R, query(IpFamily::v4, 3), A("0.0.0.0"));
    EXPECT_EQ(h.rx(H1, v2_report(G)).forward, PortSet::of({R})) << "R leads to the other switch";
    EXPECT_EQ(h.rx(H1, leave(G)).forward, PortSet::of({R}));
    EXPECT_TRUE(h.rx(H1, v3(IS_EX, A("ff0e::1"))).forward.empty()) << "an IGMP proxy querier: IPv4 only";
    EXPECT_TRUE(h.routers[IpFamily::v4].empty()) << "and still no router port: data is not sent there unasked";
    EXPECT_EQ(h.s.queriers(h.now)[0].proxy_querier_ports, PortSet::of({R}));
}

TEST(Routers, a_silent_proxy_querier_port_stops_getting_reports) {
    Harness h(querier_on(nullptr));
    h.rx(R, query(IpFamily::v4, 3), A("0.0.0.0"));
    h.advance(256s);  // other querier present interval 255 s
    EXPECT_TRUE(h.rx(H1, v2_report(G)).forward.empty());
    EXPECT_TRUE(h.s.queriers(h.now)[0].proxy_querier_ports.empty());
}

TEST(Routers, mld_query_makes_an_ipv6_router_port) {
    Harness h;
    h.rx(H2, query(IpFamily::v6, 2), A("fe80::1"));
    EXPECT_EQ(h.routers[IpFamily::v6], PortSet::of({H2}));
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, pim_hello_makes_a_router_port_until_its_holdtime) {
    Harness h;
    h.s.on_pim_hello(H3, kVlan, IpFamily::v4, 105s, h.now, h.out);
    h.advance(0s);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({H3}));
    h.advance(106s);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, pim_goodbye_hello_removes_the_router_at_once) {
    Harness h;
    h.s.on_pim_hello(H3, kVlan, IpFamily::v6, 105s, h.now, h.out);
    h.s.on_pim_hello(H3, kVlan, IpFamily::v6, 0s, h.now, h.out);
    h.advance(0s);
    EXPECT_TRUE(h.routers[IpFamily::v6].empty());
}

TEST(Routers, mrd_advertisement_makes_a_router_port_and_termination_removes_it) {
    Harness h;
    Message adv;
    adv.type = MessageType::mrd_advertisement;
    adv.family = IpFamily::v4;
    h.rx(H3, adv, kRouter);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({H3}));
    Message term = adv;
    term.type = MessageType::mrd_termination;
    h.rx(H3, term, kRouter);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, learned_router_port_times_out) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), kRouter);
    h.advance(254s);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({R}));
    h.advance(2s);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, router_timeout_is_configurable) {
    SnoopConfig c;
    c.timers.router_timeout = 5s;
    Harness h(c);
    h.rx(R, query(IpFamily::v4, 2), kRouter);
    h.advance(6s);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, static_router_ports_are_always_routers) {
    SnoopConfig c;
    c.static_router_ports = PortSet::of({H3});
    Harness h(c);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({H3}));
    EXPECT_EQ(h.routers[IpFamily::v6], PortSet::of({H3}));
    h.advance(1000s);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({H3}));
}

TEST(Routers, no_router_learning_guard_ignores_queries_on_that_port) {
    SnoopConfig c;
    c.no_router_learning = PortSet::of({H1});
    Harness h(c);
    h.rx(H1, query(IpFamily::v4, 2), A("10.0.0.66"));  // a rogue host
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
    h.s.on_pim_hello(H1, kVlan, IpFamily::v4, 105s, h.now, h.out);
    h.advance(0s);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Routers, queries_are_flooded_in_the_vlan) {
    Harness h;
    EXPECT_EQ(h.rx(R, query(IpFamily::v4, 2), kRouter).forward, PortSet::of({H1, H2, H3}));
}

TEST(Routers, unknown_igmp_types_are_flooded_rfc4541_2_1_1_3) {
    Harness h;
    EXPECT_EQ(h.s.on_unknown(H1, kVlan).forward, PortSet::of({R, H2, H3}));
}

// ---- querier ----

TEST(Querier, startup_queries_then_general_queries_every_interval) {
    Harness h(querier_on());
    auto q = general_queries(h.take_sent(), IpFamily::v4);
    ASSERT_EQ(q.size(), 1u) << "first startup query at once";
    EXPECT_EQ(q[0].msg.version, 3);
    EXPECT_EQ(q[0].src, A("10.0.0.5"));
    EXPECT_EQ(q[0].dst, A("224.0.0.1"));
    EXPECT_EQ(q[0].ports, PortSet::first(4));
    h.advance(31250ms);  // startup query interval = QI / 4
    EXPECT_EQ(general_queries(h.take_sent(), IpFamily::v4).size(), 1u);
    h.advance(100s);
    EXPECT_EQ(general_queries(h.take_sent(), IpFamily::v4).size(), 0u);
    h.advance(26s);  // 125 s after the second startup query
    EXPECT_EQ(general_queries(h.take_sent(), IpFamily::v4).size(), 1u);
}

TEST(Querier, mld_querier_uses_its_link_local_address) {
    Harness h(querier_on());
    auto q = general_queries(h.take_sent(), IpFamily::v6);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].src, A("fe80::5"));
    EXPECT_EQ(q[0].msg.version, 2);
    EXPECT_EQ(q[0].dst, A("ff02::1"));
}

TEST(Querier, lower_address_wins_the_election) {
    Harness h(querier_on("10.0.0.5"));
    h.take_sent();
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    EXPECT_FALSE(h.s.queriers(h.now)[0].we_are_querier);
    EXPECT_EQ(h.s.queriers(h.now)[0].querier, A("10.0.0.1"));
    h.advance(200s);
    EXPECT_TRUE(general_queries(h.take_sent(), IpFamily::v4).empty()) << "a non-querier stays quiet";
}

TEST(Querier, higher_address_does_not_win) {
    Harness h(querier_on("10.0.0.5"));
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.9"));
    EXPECT_TRUE(h.s.queriers(h.now)[0].we_are_querier);
}

TEST(Querier, takes_over_when_the_other_querier_goes_quiet) {
    Harness h(querier_on("10.0.0.5"));
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    h.take_sent();
    h.advance(256s);  // other querier present interval 255 s
    EXPECT_TRUE(h.s.queriers(h.now)[0].we_are_querier);
    EXPECT_EQ(general_queries(h.take_sent(), IpFamily::v4).size(), 1u);
}

TEST(Querier, proxy_querier_with_zero_address_never_competes) {
    Harness h(querier_on(nullptr));  // 0.0.0.0
    auto q = general_queries(h.take_sent(), IpFamily::v4);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].src, A("0.0.0.0"));
    h.rx(R, query(IpFamily::v4, 3), A("10.255.255.255"));  // any real querier wins
    EXPECT_FALSE(h.s.queriers(h.now)[0].we_are_querier);
}

TEST(Querier, adopts_qrv_and_qqi_of_the_elected_querier) {
    Harness h;
    Message q = query(IpFamily::v4, 3);
    q.qrv = 3;
    q.qqi = 60s;
    h.rx(R, q, kRouter);
    h.rx(H1, v2_report(G));
    h.advance(189s);  // GMI = 3 x 60 + 10 = 190 s
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
    h.advance(2s);
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Querier, sends_group_specific_queries_on_leave) {
    Harness h(querier_on());
    h.rx(H1, v2_report(G));
    h.take_sent();
    h.rx(H1, leave(G));
    auto sent = h.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].msg.group, G);
    EXPECT_EQ(sent[0].dst, G);
    EXPECT_EQ(sent[0].ports, PortSet::of({H1}));
    EXPECT_EQ(sent[0].msg.max_response, 1s);
    h.advance(1s);
    EXPECT_EQ(h.take_sent().size(), 1u) << "last member query count 2";
    h.advance(1100ms);
    EXPECT_EQ(h.fwd(G), std::nullopt);
    EXPECT_TRUE(h.take_sent().empty());
}

TEST(Querier, sends_group_and_source_specific_queries_on_block) {
    Harness h(querier_on());
    h.rx(H1, v3(IS_IN, G, {S4(1), S4(2)}));
    h.take_sent();
    h.rx(H1, v3(BLOCK, G, {S4(1)}));
    auto sent = h.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].msg.version, 3);
    EXPECT_EQ(sent[0].msg.sources, std::vector<IpAddr>{S4(1)});
}

TEST(Querier, never_sends_v2_queries_into_a_v3_network) {
    SnoopConfig c = querier_on("10.0.0.1");
    c.igmp_version = 2;
    Harness h(c);
    h.take_sent();
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.9"));  // a v3 router (loses to us)
    h.advance(126s);
    auto q = general_queries(h.take_sent(), IpFamily::v4);
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.back().msg.version, 3);
}

TEST(Querier, configured_v2_querier_sends_v2_queries) {
    SnoopConfig c = querier_on();
    c.igmp_version = 2;
    Harness h(c);
    auto q = general_queries(h.take_sent(), IpFamily::v4);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].msg.version, 2);
}

TEST(Querier, a_port_coming_up_is_queried_at_once) {
    Harness h(querier_on());
    h.port(H2, false);
    h.take_sent();
    h.port(H2, true);
    auto q = general_queries(h.take_sent(), IpFamily::v4);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].ports, PortSet::of({H2}));
}

TEST(Querier, a_port_coming_up_gets_an_mrd_solicitation) {
    Harness h;
    h.port(H2, false);
    h.take_sent();
    h.port(H2, true);
    int sol = 0;
    for (const auto& s : h.take_sent()) sol += s.msg.type == MessageType::mrd_solicitation && s.ports == PortSet::of({H2});
    EXPECT_EQ(sol, 2) << "IPv4 and IPv6";
}

TEST(Querier, mrd_solicitations_go_out_at_startup) {
    Harness h;
    int sol = 0;
    for (const auto& s : h.take_sent())
        sol += s.msg.type == MessageType::mrd_solicitation && s.ports == PortSet::first(4) &&
               (s.dst == A("224.0.0.2") || s.dst == A("ff02::2"));
    EXPECT_EQ(sol, 2) << "IPv4 and IPv6, on every up port of the VLAN";
}

TEST(Querier, startup_queries_rebuild_membership_after_restart) {
    // A restarted switch knows nothing; its startup queries make hosts report
    // within the query response interval, well before the first regular query.
    Harness h(querier_on());
    EXPECT_EQ(general_queries(h.take_sent(), IpFamily::v4).size(), 1u);
    h.rx(H1, v2_report(G));  // a host answers the startup query
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

// ---- no querier anywhere ----

TEST(NoQuerier, telemetry_says_there_is_no_querier) {
    Harness h;
    const auto q = h.s.queriers(h.now);
    EXPECT_FALSE(q[0].querier_present);
    h.rx(R, query(IpFamily::v4, 2), kRouter);
    EXPECT_TRUE(h.s.queriers(h.now)[0].querier_present);
}

TEST(NoQuerier, flood_policy_floods_until_a_querier_appears) {
    SnoopConfig c;
    c.no_querier_policy = NoQuerierPolicy::flood;
    Harness h(c);
    EXPECT_TRUE(h.flooding[IpFamily::v4]);
    h.rx(R, query(IpFamily::v4, 2), kRouter);
    EXPECT_FALSE(h.flooding[IpFamily::v4]);
    EXPECT_TRUE(h.flooding[IpFamily::v6]) << "per family";
    h.advance(256s);
    EXPECT_TRUE(h.flooding[IpFamily::v4]) << "the querier went away";
}

TEST(NoQuerier, snoop_policy_keeps_forwarding_by_membership) {
    Harness h;  // default: snoop
    h.rx(H1, v2_report(G));
    EXPECT_TRUE(h.flooding.empty());
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(NoQuerier, our_own_querier_counts_as_present) {
    SnoopConfig c = querier_on();
    c.no_querier_policy = NoQuerierPolicy::flood;
    Harness h(c);
    EXPECT_FALSE(h.flooding[IpFamily::v4]);
}

TEST(Vlans, snooping_off_floods_control_frames_and_learns_nothing) {
    Harness h;
    Actions out;
    h.s.add_vlan(30, PortSet::of({H1, H2, H3}), false, h.now, out);
    const Disposition d = h.s.on_message(H1, 30, v2_report(G), A("10.0.0.7"), h.now, out);
    EXPECT_EQ(d.forward, PortSet::of({H2, H3}));
    EXPECT_TRUE(out.fdb.empty());
}

// ---- configuration ----

TEST(Config, defaults_follow_rfc3376) {
    const auto t = EffectiveTimers::from(Timers{});
    EXPECT_EQ(t.membership_interval, 260s);
    EXPECT_EQ(t.other_querier_interval, 255s);
    EXPECT_EQ(t.startup_query_interval, 31250ms);
    EXPECT_EQ(t.startup_query_count, 2u);
    EXPECT_EQ(t.lmqt(), 2s);
    EXPECT_EQ(t.older_host_present, 260s);
}

TEST(Config, invalid_settings_are_named) {
    SnoopConfig c;
    c.timers.robustness = 0;
    c.timers.query_response_interval = 200s;
    c.igmp_version = 4;
    c.querier_address6[10] = *Ipv6Addr::parse("2001:db8::1");
    const auto e = validate(c);
    ASSERT_EQ(e.size(), 4u);
    EXPECT_NE(e[0].find("--robustness"), std::string::npos);
    EXPECT_NE(e[1].find("--query-response-interval"), std::string::npos);
    EXPECT_NE(e[2].find("--igmp-version"), std::string::npos);
    EXPECT_NE(e[3].find("--querier-address"), std::string::npos);
    EXPECT_TRUE(validate(SnoopConfig{}).empty());
}

TEST(Config, group_prefixes_match_by_bits) {
    GroupPrefix p{A("239.128.0.0"), 9};
    EXPECT_TRUE(p.contains(A("239.255.1.1")));
    EXPECT_FALSE(p.contains(A("239.127.1.1")));
    EXPECT_FALSE(p.contains(A("ff0e::1")));
    GroupPrefix v6{A("ff0e::"), 16};
    EXPECT_TRUE(v6.contains(A("ff0e::1:2")));
    EXPECT_FALSE(v6.contains(A("ff05::1")));
}

}  // namespace
}  // namespace l2snoop::test

namespace l2snoop::test {
namespace {

QuerierView view(const std::vector<QuerierView>& v, IpFamily f) {
    for (const auto& q : v)
        if (q.family == f) return q;
    throw std::runtime_error("no querier view");
}

// ---- querier recognition when we are not a candidate (issue 12, bug 1) ----

TEST(Querier, an_mld_querier_above_our_link_local_is_recognised_when_we_are_not_querier) {
    SnoopConfig c;
    c.no_querier_policy = NoQuerierPolicy::flood;
    Harness h(c);  // --querier off; our MLD address is still the switch's link-local fe80::ff:fe00:fe
    ASSERT_TRUE(h.flooding[IpFamily::v6]) << "no querier yet";
    const IpAddr router = A("fe80::a00:27ff:fe00:1");  // above ours
    ASSERT_LT(IpAddr(Snooper::eui64_link_local(kSwitchMac)), router);
    Message q = query(IpFamily::v6, 2);
    q.qrv = 3;
    q.qqi = 60s;
    h.rx(R, q, router);
    const QuerierView v = view(h.s.queriers(h.now), IpFamily::v6);
    EXPECT_FALSE(v.we_are_querier);
    EXPECT_TRUE(v.querier_present);
    EXPECT_EQ(v.querier, router);
    EXPECT_FALSE(h.flooding[IpFamily::v6]) << "a querier is heard: stop flooding IPv6";
    // Its QRV 3 and QQI 60 s are adopted: membership interval 3 x 60 + 10 = 190 s.
    const IpAddr g6 = A("ff0e::1");
    h.rx(H1, v3(IS_EX, g6));
    h.advance(189s);
    EXPECT_TRUE(h.fwd(g6).has_value());
    h.advance(2s);
    EXPECT_FALSE(h.fwd(g6).has_value()) << "the adopted interval, not the configured 260 s";
}

TEST(Querier, an_igmp_querier_above_our_address_is_recognised_with_querier_off) {
    SnoopConfig c = querier_on("10.0.0.1");
    c.querier = false;  // --querier-address given, --querier off
    Harness h(c);
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.9"));
    const QuerierView v = view(h.s.queriers(h.now), IpFamily::v4);
    EXPECT_TRUE(v.querier_present);
    EXPECT_EQ(v.querier, A("10.0.0.9"));
}

TEST(Querier, as_a_candidate_we_still_win_against_a_higher_address) {
    Harness h(querier_on("10.0.0.1"));
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.9"));
    EXPECT_TRUE(view(h.s.queriers(h.now), IpFamily::v4).we_are_querier);
}

// ---- guarded ports (issue 12, bug 4) ----

TEST(Querier, a_query_on_a_guarded_port_neither_elects_nor_sets_timers_and_goes_nowhere) {
    SnoopConfig c = querier_on("10.0.0.5");
    c.no_router_learning = PortSet::of({H1});
    Harness h(c);
    Message rogue = query(IpFamily::v4, 3);
    rogue.qrv = 1;
    rogue.qqi = 1s;
    const Disposition d = h.rx(H1, rogue, A("10.0.0.1"));  // lower than ours: it would win
    EXPECT_TRUE(d.forward.empty()) << "not flooded to the hosts and routers behind the other ports";
    EXPECT_TRUE(view(h.s.queriers(h.now), IpFamily::v4).we_are_querier);
    EXPECT_EQ(h.s.counters().ignored_guarded_queries, 1u);
    h.rx(H2, v2_report(G));
    h.advance(259s);
    EXPECT_TRUE(h.fwd(G).has_value()) << "QRV 1 / QQIC 1 not adopted: the membership interval stays 260 s";
}

// ---- no-querier warning (issue 12) ----

TEST(Querier, a_vlan_that_gets_and_then_loses_its_querier_says_so_once_each) {
    Harness h;  // --querier off: no querier at start, and nothing to report
    EXPECT_TRUE(h.querier_log.empty());
    h.rx(R, query(IpFamily::v4, 3), kRouter);
    ASSERT_EQ(h.querier_log.size(), 1u);
    EXPECT_TRUE(h.querier_log[0].present);
    EXPECT_EQ(h.querier_log[0].family, IpFamily::v4);
    h.advance(100s);
    h.rx(R, query(IpFamily::v4, 3), kRouter);  // still there: nothing new
    EXPECT_EQ(h.querier_log.size(), 1u);
    h.advance(256s);  // past the other-querier-present interval (255 s)
    ASSERT_EQ(h.querier_log.size(), 2u);
    EXPECT_FALSE(h.querier_log[1].present);
    h.advance(600s);
    EXPECT_EQ(h.querier_log.size(), 2u) << "said once";
    EXPECT_EQ(h.s.counters().querier_found, 1u);
    EXPECT_EQ(h.s.counters().querier_lost, 1u);
}

TEST(Querier, being_the_querier_from_the_start_is_no_change) {
    Harness h(querier_on());
    h.advance(1000s);
    EXPECT_TRUE(h.querier_log.empty());
}

}  // namespace
}  // namespace l2snoop::test
