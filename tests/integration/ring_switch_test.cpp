// The switch's forwarding and snooping scenarios on ring ports (ring_switch.h).
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

TEST_F(RingSwitch, unregistered_multicast_floods_the_vlan_by_default) {
    start(access_all());
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    run();
    EXPECT_EQ(receivers(f), kAllBut0);
}

TEST_F(RingSwitch, a_report_makes_the_group_forward_there_within_one_control_iteration) {
    start(access_all());
    inject(2, report("239.1.1.1"));
    sw_->worker_iteration(0);   // punted
    sw_->control_iteration();   // learned
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), std::vector<unsigned>{2});
}

TEST_F(RingSwitch, registered_traffic_also_goes_to_router_ports) {
    start(access_all());
    inject(3, general_query("10.0.0.1"));
    inject(2, report("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{2, 3}));
}

TEST_F(RingSwitch, reports_go_to_the_router_port_only_and_queries_are_flooded) {
    start(access_all());
    std::uint64_t tx_before[kPorts];
    for (unsigned p = 0; p < kPorts; ++p) tx_before[p] = stats(p).tx;
    const auto q = general_query("10.0.0.1");
    inject(3, q);
    run();
    EXPECT_EQ(receivers(q), (std::vector<unsigned>{0, 1, 2}));
    const auto r = report("239.1.1.1");
    inject(1, r);
    run();
    EXPECT_EQ(receivers(r), std::vector<unsigned>{3});
    // The control thread sent these copies; the ports' tx counters include them.
    EXPECT_EQ(stats(0).tx - tx_before[0], 1u);
    EXPECT_EQ(stats(1).tx - tx_before[1], 1u);
    EXPECT_EQ(stats(3).tx - tx_before[3], 1u);
}

// RFC 4541 §2.1.1-5: an IGMP message failing its checksum is not learned
// from, not flooded, and counted.
TEST_F(RingSwitch, a_report_with_a_bad_checksum_is_neither_learned_nor_forwarded_but_counted) {
    start(access_all());
    inject(3, general_query("10.0.0.1"));  // port 3: the router port
    run();
    drain_all();
    auto r = report("239.1.1.1");
    const std::size_t igmp = 14 + 4 * (r[14] & 0x0f);
    r[igmp + 2] ^= 0xff;  // the IGMP checksum
    inject(1, r);
    run();
    for (unsigned p = 0; p < kPorts; ++p) EXPECT_TRUE(take(p).empty()) << "port " << p;
    EXPECT_EQ(sw_->snooper().group_count(), 0u);
    EXPECT_EQ(sw_->control_counters().decode_errors[static_cast<int>(DecodeError::bad_checksum)], 1u);
}

TEST_F(RingSwitch, leave_on_a_fast_leave_port_prunes_at_once) {
    Config c = access_all();
    c.snoop.fast_leave = PortSet::of({2});  // port ids equal indices: the rings are the only ports
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    ASSERT_EQ(ports_->ids[2], 2);
    inject(2, report("239.1.1.1"));
    run();
    inject(2, leave("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_TRUE(receivers(f).empty());
}

TEST_F(RingSwitch, link_local_multicast_and_broadcast_flood_within_the_vlan_only) {
    Config c = access_all(10);
    c.ports[3] = PortConfig{PortConfig::Mode::access, 20, {}, {}};
    start(c);
    const auto f = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    inject(0, f);
    run();
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{1, 2}));
    auto b = f;
    std::fill(b.begin(), b.begin() + 6, 0xff);
    inject(0, b);
    run();
    EXPECT_EQ(receivers(b), (std::vector<unsigned>{1, 2}));
}

TEST_F(RingSwitch, tags_are_pushed_and_popped_per_egress_port) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10, 20}, {}};
    start(c);
    // Tagged 10 on the trunk -> untagged on the access ports.
    const auto untagged = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    inject(0, with_tag(untagged, 10, 0x8100, 5));
    run();
    for (unsigned p = 1; p < kPorts; ++p) {
        const auto got = take(p);
        ASSERT_EQ(got.size(), 1u) << p;
        EXPECT_EQ(got[0], untagged) << "port " << p << " must get the untagged frame";
    }
    // Untagged on an access port -> tagged 10 on the trunk.
    inject(1, untagged);
    run();
    const auto trunk = take(0);
    ASSERT_EQ(trunk.size(), 1u);
    EXPECT_EQ(trunk[0], with_tag(untagged, 10));
}

TEST_F(RingSwitch, frames_tagged_with_a_vlan_the_port_lacks_are_dropped_and_counted) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    start(c);
    inject(0, with_tag(udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1")), 30));
    inject(0, udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1")));  // untagged, no native VLAN
    run();
    EXPECT_EQ(stats(0).drops[static_cast<int>(Drop::vlan_not_allowed)], 1u);
    EXPECT_EQ(stats(0).drops[static_cast<int>(Drop::untagged_not_allowed)], 1u);
}

TEST_F(RingSwitch, fan_out_shares_one_mbuf_without_copies) {
    start(access_all());
    for (unsigned p : {1, 2, 3}) inject(p, report("239.1.1.1"));
    run();
    drain_all();
    const unsigned before = rte_mempool_in_use_count(test_pool());
    inject(0, udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1")));
    sw_->worker_iteration(0);
    std::vector<rte_mbuf*> kept;
    std::size_t n = 0;
    for (unsigned p : {1, 2, 3}) n += take(p, &kept).size();
    ASSERT_EQ(n, 3u);
    EXPECT_EQ(kept[0], kept[1]);
    EXPECT_EQ(kept[1], kept[2]);
    EXPECT_EQ(rte_mbuf_refcnt_read(kept[0]), 3);
    EXPECT_EQ(rte_mempool_in_use_count(test_pool()), before + 1) << "one mbuf for three ports";
    for (auto* m : kept) rte_pktmbuf_free(m);
}

TEST_F(RingSwitch, tag_rewrite_uses_a_header_and_a_clone_not_a_copy) {
    Config c = access_all(10);
    c.ports[1] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    c.ports[2] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    start(c);
    inject(0, udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"), 200));
    sw_->worker_iteration(0);
    std::vector<rte_mbuf*> kept;
    take(1, &kept);
    take(2, &kept);
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0], kept[1]) << "one tagged variant shared by both trunks";
    EXPECT_EQ(kept[0]->nb_segs, 2);
    EXPECT_EQ(kept[0]->data_len, 16) << "header segment: MACs + tag";
    EXPECT_TRUE(RTE_MBUF_CLONED(kept[0]->next)) << "the payload is an indirect clone";
    for (auto* m : kept) rte_pktmbuf_free(m);
}

// When every port gets the frame in the same form, the frame's own mbuf is
// rewritten and shared: no header mbuf, no clone, nothing allocated.
TEST_F(RingSwitch, a_frame_every_port_needs_untagged_is_untagged_in_place_and_shared) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    start(c);
    const auto untagged = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"), 200);
    inject(0, with_tag(untagged, 10, 0x8100, 3));
    sw_->worker_iteration(0);
    std::vector<rte_mbuf*> kept;
    for (unsigned p = 1; p < kPorts; ++p) take(p, &kept);
    ASSERT_EQ(kept.size(), 3u);
    for (auto* m : kept) {
        EXPECT_EQ(m, kept[0]) << "one mbuf shared by the three access ports";
        EXPECT_EQ(m->nb_segs, 1);
        EXPECT_TRUE(RTE_MBUF_DIRECT(m));
    }
    EXPECT_EQ(rte_mbuf_refcnt_read(kept[0]), 3);
    EXPECT_EQ(std::vector<std::uint8_t>(rte_pktmbuf_mtod(kept[0], std::uint8_t*),
                                        rte_pktmbuf_mtod(kept[0], std::uint8_t*) + kept[0]->pkt_len),
              untagged);
    for (auto* m : kept) rte_pktmbuf_free(m);
}

TEST_F(RingSwitch, a_frame_every_port_needs_tagged_is_tagged_in_place_keeping_its_priority) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    c.ports[2] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    c.ports[3] = PortConfig{PortConfig::Mode::access, 20, {}, {}};
    start(c);
    const auto untagged = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    // Untagged, then priority-tagged (PCP 5) on access port 1: both leave on the trunks tagged 10.
    for (const auto& [sent, pcp] : {std::pair{untagged, 0}, std::pair{with_tag(untagged, 0, 0x8100, 5), 5}}) {
        inject(1, sent);
        sw_->worker_iteration(0);
        std::vector<rte_mbuf*> kept;
        take(0, &kept);
        take(2, &kept);
        ASSERT_EQ(kept.size(), 2u);
        EXPECT_EQ(kept[0], kept[1]);
        EXPECT_EQ(kept[0]->nb_segs, 1) << "pushed into the frame's headroom";
        EXPECT_EQ(std::vector<std::uint8_t>(rte_pktmbuf_mtod(kept[0], std::uint8_t*),
                                            rte_pktmbuf_mtod(kept[0], std::uint8_t*) + kept[0]->pkt_len),
                  with_tag(untagged, 10, 0x8100, static_cast<std::uint8_t>(pcp)));
        for (auto* m : kept) rte_pktmbuf_free(m);
        EXPECT_TRUE(take(3).empty()) << "VLAN 20";
    }
}

TEST_F(RingSwitch, a_full_control_ring_drops_and_counts_but_forwarding_goes_on) {
    Config c = access_all();
    c.punt_queue = 512;
    c.punt_reserve = 16;
    start(c);
    for (int round = 0; round < 6; ++round) {
        for (int i = 0; i < 256; ++i) inject(1, report("239.1.1.1"));
        while (sw_->worker_iteration(0) > 0) {
        }
    }
    const auto s = stats(1);
    EXPECT_GT(s.drops[static_cast<int>(Drop::punt_ring_full)], 0u);
    const auto f = udp4_frame(ip4("239.9.9.9"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), kAllBut0);
    sw_->control_iteration();
}

TEST_F(RingSwitch, the_punt_rate_limit_bounds_control_frames_per_port) {
    Config c = access_all();
    c.punt_rate = 10;
    c.punt_burst = 5;
    start(c);
    for (int i = 0; i < 20; ++i) inject(1, report("239.1.1.1"));
    sw_->worker_iteration(0);
    EXPECT_EQ(stats(1).punted, 5u);
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_rate)], 15u);
}

TEST_F(RingSwitch, a_busy_port_does_not_starve_another_ports_punt_budget) {
    Config c = access_all();
    c.punt_rate = 100;
    c.punt_burst = 2;
    start(c);
    for (int i = 0; i < 2; ++i) inject(1, report("239.1.1.1"));
    sw_->worker_iteration(0);
    ASSERT_EQ(stats(1).punted, 2u);  // port 1's bucket is empty now
    // 50 ms of traffic on port 2, a burst every millisecond: port 1's bucket
    // refills by its own elapsed time (5 tokens, capped at 2), not by the
    // time since the last burst of any port.
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    for (int i = 0; i < 50; ++i) {
        inject(2, f);
        sw_->worker_iteration(0);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (int i = 0; i < 2; ++i) inject(1, report("239.1.1.1"));
    sw_->worker_iteration(0);
    EXPECT_EQ(stats(1).punted, 4u);
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_rate)], 0u);
}

TEST_F(RingSwitch, malformed_and_reserved_frames_are_dropped_by_reason) {
    start(access_all());
    auto bad = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    bad[24] ^= 0xff;
    inject(0, bad);
    auto stp = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    const std::uint8_t bpdu_mac[6] = {0x01, 0x80, 0xc2, 0, 0, 0};
    std::copy(bpdu_mac, bpdu_mac + 6, stp.begin());
    inject(0, stp);
    run();
    EXPECT_EQ(stats(0).drops[static_cast<int>(malformed_drop(Malformed::bad_ipv4_checksum))], 1u);
    EXPECT_EQ(stats(0).drops[static_cast<int>(Drop::reserved)], 1u);
    for (unsigned p = 1; p < kPorts; ++p) EXPECT_TRUE(take(p).empty());
}

TEST_F(RingSwitch, a_queue_map_naming_every_rx_queue_forwards) {
    start(access_all(), [](Config& c, const std::vector<PortId>& ids) {
        for (PortId p : ids) c.queue_map.push_back({p, 0, rte_get_main_lcore()});
    });
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), kAllBut0);
}

TEST_F(RingSwitch, rx_queue_settings_the_ports_cannot_honour_are_refused) {
    struct Case {
        std::function<void(Config&, const std::vector<PortId>&)> set;
        const char* says;
    };
    const Case cases[] = {
        {[](Config& c, auto&) { c.rx_queues = 2; }, "2 rx queues wanted"},
        {[](Config& c, auto& ids) { c.queue_map = {{ids[0], 0, rte_get_main_lcore()}}; }, "polled by no lcore"},
        {[](Config& c, auto& ids) {
             for (PortId p : ids) c.queue_map.push_back({p, 0, 200});
         },
         "is not one of the EAL's -l lcores"},
    };
    for (const auto& k : cases) {
        auto ports = std::make_unique<RingPorts>();
        Config c = access_all();
        k.set(c, ports->ids);
        auto sw = std::make_unique<Switch>(std::move(c), ports->ids, 1);
        std::string err;
        EXPECT_FALSE(sw->init(err));
        EXPECT_NE(err.find(k.says), std::string::npos) << err;
        sw->stop_ports();
    }
}

TEST_F(RingSwitch, static_groups_forward_without_reports_and_survive_snooping) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    c.static_groups[{1, *IpAddr::parse("239.1.1.1")}] = PortSet::of({3});
    c.snoop.fast_leave = PortSet::of({2});
    start(c);
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), std::vector<unsigned>{3});
    inject(2, report("239.1.1.1"));
    run();
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{2, 3}));
    inject(2, leave("239.1.1.1"));
    run();
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), std::vector<unsigned>{3}) << "the static port stays when snooping removes the group";
}

TEST_F(RingSwitch, a_static_port_keeps_a_source_an_igmpv3_host_names) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    c.static_groups[{1, *IpAddr::parse("239.1.1.1")}] = PortSet::of({3});
    start(c);
    inject(1, frame(v3(RecordType::mode_is_include, *IpAddr::parse("239.1.1.1"), {*IpAddr::parse("192.0.2.1")})));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(0, f);
    work();
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{1, 3})) << "the (S,G) entry includes the static port";
}

TEST_F(RingSwitch, a_static_source_forwards_that_source_only) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::flood;
    c.static_sources[{1, *IpAddr::parse("232.1.1.1"), *IpAddr::parse("192.0.2.1")}] = PortSet::of({3});
    start(c);
    const auto s1 = udp4_frame(ip4("232.1.1.1"), ip4("192.0.2.1"));
    inject(0, s1);
    work();
    EXPECT_EQ(receivers(s1), std::vector<unsigned>{3});
    const auto s2 = udp4_frame(ip4("232.1.1.1"), ip4("192.0.2.2"));
    inject(0, s2);
    work();
    EXPECT_TRUE(receivers(s2).empty()) << "the group is registered: other sources are not flooded";
}

TEST_F(RingSwitch, a_burst_mixing_streams_is_forwarded_per_stream) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    inject(2, report("239.1.1.1"));
    inject(3, report("239.1.1.2"));
    run();
    drain_all();
    // A, A, B, A, from one source, and A from another source: consecutive
    // frames of one stream share a lookup; the others must not.
    const auto a = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    const auto b = udp4_frame(ip4("239.1.1.2"), ip4("192.0.2.1"));
    const auto a2 = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.2"));
    for (const auto* f : {&a, &a, &b, &a, &a2}) inject(0, *f);
    sw_->worker_iteration(0);
    EXPECT_EQ(take(2).size(), 4u);
    EXPECT_EQ(take(3).size(), 1u);
    EXPECT_TRUE(take(1).empty());
}

TEST_F(RingSwitch, frames_of_one_stream_in_a_burst_each_keep_their_own_checksum_check_and_tagging) {
    // Workers skip parsing frames that continue a stream run (parse.h); each
    // frame must still get its own checksum verdict and its own tag priority.
    Config c = access_all(10);
    c.ports[1] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    start(c);
    const auto opener = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    auto next = opener;
    next[18] = 0x12;  // identification
    next[22] = 7;     // TTL
    refresh_ipv4_checksum(next);
    auto bad = next;
    bad[25] ^= 0x40;  // checksum
    const auto prio = with_tag(next, 0, 0x8100, 5);  // priority-tagged: VLAN 10 on an access port, PCP 5
    const std::vector<std::vector<std::uint8_t>> sent = {opener, next, bad, prio, next};
    for (const auto& f : sent) inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(stats(0).drops[static_cast<int>(malformed_drop(Malformed::bad_ipv4_checksum))], 1u);
    const std::vector<std::vector<std::uint8_t>> plain = {opener, next, next, next};
    const auto trunk = take(1);
    ASSERT_EQ(trunk.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(trunk[i], with_tag(plain[i], 10, 0x8100, i == 2 ? 5 : 0)) << "frame " << i;
    for (unsigned p : {2u, 3u}) EXPECT_EQ(take(p), plain) << "port " << p;
}

TEST_F(RingSwitch, a_port_going_down_gets_nothing_and_loses_its_memberships) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    for (unsigned p : {1u, 2u}) inject(p, report("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    const PortId down = ports_->ids[2];
    // net_ring has no link interrupt: the control thread's poll (100 ms) sees it.
    EXPECT_FALSE(sw_->link_interrupts(down));
    const std::uint64_t changes = sw_->control_counters().link_changes;
    ASSERT_EQ(rte_eth_dev_set_link_down(down), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    sw_->control_iteration();
    EXPECT_FALSE(sw_->port_up(down));
    EXPECT_EQ(sw_->control_counters().link_changes, changes + 1);
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), std::vector<unsigned>{1}) << "nothing is sent to a down port";
    // Back up: the port's memberships went with the link (RFC 4541 leaves
    // this to the switch; we do what a topology change does): a new report is needed.
    ASSERT_EQ(rte_eth_dev_set_link_up(down), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    sw_->control_iteration();
    EXPECT_TRUE(sw_->port_up(down));
    drain_all();
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), std::vector<unsigned>{1});
    inject(2, report("239.1.1.1"));
    run();
    drain_all();
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{1, 2}));
}

// The stream cache (dataplane/stream.h): a stream's later bursts are
// forwarded by its cached decision, which must follow every change of what it
// was made from: the multicast FDB, the VLAN table, the links.
TEST_F(RingSwitch, a_stream_is_forwarded_from_the_cache_in_its_later_bursts) {
    for (std::uint32_t entries : {131072u, 0u}) {
        SCOPED_TRACE(entries);
        Config c = access_all();
        c.unregistered = UnregisteredPolicy::drop;
        c.stream_cache = entries;
        start(c);
        inject(2, report("239.1.1.1"));
        run();
        drain_all();
        const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
        inject(0, f);
        sw_->worker_iteration(0);
        EXPECT_EQ(receivers(f), std::vector<unsigned>{2});
        for (std::uint8_t n = 1; n <= 3; ++n) EXPECT_EQ(stream_frame(f, n), std::vector<unsigned>{2}) << "burst " << int{n};
        EXPECT_EQ(sw_->stream_stats().hits, entries ? 3u : 0u);
        auto bad = next_of(f, 4);
        bad[25] ^= 1;  // a cached stream's frame with a bad checksum is still dropped, and counted
        inject(0, bad);
        sw_->worker_iteration(0);
        EXPECT_TRUE(receivers(bad).empty());
        EXPECT_EQ(stats(0).drops[static_cast<int>(malformed_drop(Malformed::bad_ipv4_checksum))], 1u);
        TearDown();
    }
}

TEST_F(RingSwitch, a_cached_trunk_stream_is_untagged_for_its_access_members) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    inject(2, report("239.1.1.1"));
    inject(3, report("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    for (std::uint8_t n = 0; n < 4; ++n) {
        const auto g = next_of(f, n);
        inject(0, with_tag(g, 10, 0x8100, 4));
        sw_->worker_iteration(0);
        for (unsigned p : {2u, 3u}) EXPECT_EQ(take(p), std::vector<std::vector<std::uint8_t>>{g}) << "burst " << int{n};
        EXPECT_TRUE(take(1).empty());
    }
    EXPECT_EQ(sw_->stream_stats().hits, 3u);
}

TEST_F(RingSwitch, a_cached_stream_follows_a_join_and_a_leave) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    c.snoop.fast_leave = PortSet::of({1, 2});
    start(c);
    inject(2, report("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    for (std::uint8_t n = 0; n < 2; ++n) EXPECT_EQ(stream_frame(f, n), std::vector<unsigned>{2});
    inject(1, report("239.1.1.1"));
    run();
    drain_all();
    EXPECT_EQ(stream_frame(f, 2), (std::vector<unsigned>{1, 2}));
    inject(2, leave("239.1.1.1"));
    run();
    drain_all();
    EXPECT_EQ(stream_frame(f, 3), std::vector<unsigned>{1});
    EXPECT_GE(sw_->stream_stats().hits, 1u);
}

TEST_F(RingSwitch, a_cached_stream_follows_a_router_port_learned_later) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    inject(2, report("239.1.1.1"));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    for (std::uint8_t n = 0; n < 2; ++n) EXPECT_EQ(stream_frame(f, n), std::vector<unsigned>{2});
    ASSERT_EQ(sw_->stream_stats().hits, 1u);
    inject(3, general_query("10.0.0.1"));  // a router on port 3: the VLAN's router ports change, the FDB does not
    run();
    drain_all();
    EXPECT_EQ(stream_frame(f, 2), (std::vector<unsigned>{2, 3}));
}

TEST_F(RingSwitch, a_cached_stream_stops_at_a_port_that_goes_down) {
    start(access_all());  // an unregistered group floods: only the links change below
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    for (std::uint8_t n = 0; n < 2; ++n) EXPECT_EQ(stream_frame(f, n), kAllBut0);
    ASSERT_EQ(sw_->stream_stats().hits, 1u);
    ASSERT_EQ(rte_eth_dev_set_link_down(ports_->ids[2]), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    sw_->control_iteration();
    ASSERT_FALSE(sw_->port_up(ports_->ids[2]));
    EXPECT_EQ(stream_frame(f, 2), (std::vector<unsigned>{1, 3}));
    ASSERT_EQ(rte_eth_dev_set_link_up(ports_->ids[2]), 0);
}

// The ring PMD has no link interrupt; these two driver-side calls (exported
// for PMDs, declared in a header Debian does not ship) let a test raise one
// exactly as a NIC's PMD would.
extern "C" {
struct rte_eth_dev;
rte_eth_dev* rte_eth_dev_allocated(const char* name);
int rte_eth_dev_callback_process(rte_eth_dev* dev, rte_eth_event_type event, void* ret_param);
}

TEST_F(RingSwitch, a_link_interrupt_is_acted_on_without_waiting_for_the_poll) {
    start(access_all(), [](Config&, const std::vector<PortId>& ids) {
        for (PortId p : ids) {  // make the ports advertise link interrupts, as NIC PMDs do
            rte_eth_dev_info info{};
            ASSERT_EQ(rte_eth_dev_info_get(p, &info), 0);
            *const_cast<std::uint32_t*>(info.dev_flags) |= RTE_ETH_DEV_INTR_LSC;
        }
    });
    const PortId p2 = ports_->ids[2];
    ASSERT_TRUE(sw_->link_interrupts(p2));
    ASSERT_EQ(rte_eth_dev_set_link_down(p2), 0);
    sw_->control_iteration();
    EXPECT_TRUE(sw_->port_up(p2)) << "no interrupt yet, and the 100 ms poll is not due";
    char name[RTE_ETH_NAME_MAX_LEN];
    ASSERT_EQ(rte_eth_dev_get_name_by_port(p2, name), 0);
    rte_eth_dev_callback_process(rte_eth_dev_allocated(name), RTE_ETH_EVENT_INTR_LSC, nullptr);
    EXPECT_EQ(sw_->link_events(), 1u);
    sw_->control_iteration();
    EXPECT_FALSE(sw_->port_up(p2)) << "the interrupt made the control thread look at once";
    ASSERT_EQ(rte_eth_dev_set_link_up(p2), 0);
}

TEST_F(RingSwitch, a_station_moving_ports_is_relearned_despite_the_learning_cache) {
    start(access_all());
    auto from = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    const std::uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xaa};
    std::copy(mac_a, mac_a + 6, from.begin() + 6);
    auto to = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(mac_a, mac_a + 6, to.begin());
    to[11] = 0xbb;
    for (unsigned port : {1u, 2u}) {
        inject(port, from);
        run();
        inject(port, from);  // now cached as confirmed on `port`
        run();
        drain_all();
        inject(3, to);
        sw_->worker_iteration(0);
        EXPECT_EQ(receivers(to), std::vector<unsigned>{port});
    }
}

TEST_F(RingSwitch, a_new_source_costs_one_learn_event_not_one_per_frame) {
    start(access_all());
    auto from = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    from[11] = 0xaa;
    for (int i = 0; i < 20; ++i) inject(1, from);
    sw_->worker_iteration(0);
    EXPECT_EQ(sw_->worker_counters(0).learn_events.load(), 1u);
    sw_->control_iteration();  // learned
    for (int i = 0; i < 20; ++i) inject(1, from);
    sw_->worker_iteration(0);
    EXPECT_EQ(sw_->worker_counters(0).learn_events.load(), 1u) << "known on this port: no event";
    for (int i = 0; i < 20; ++i) inject(2, from);
    sw_->worker_iteration(0);
    EXPECT_EQ(sw_->worker_counters(0).learn_events.load(), 2u) << "a move: one event";
}

TEST_F(RingSwitch, a_static_mac_forwards_without_learning_and_never_moves) {
    const MacAddr mac{{0x02, 0, 0, 0, 0, 0xaa}};
    Config c = access_all();
    c.static_macs[{1, mac}] = 3;
    start(c);
    auto to = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(mac.b.begin(), mac.b.end(), to.begin());
    inject(0, to);
    work();
    EXPECT_EQ(receivers(to), std::vector<unsigned>{3}) << "known from the start: not flooded";
    auto from = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(mac.b.begin(), mac.b.end(), from.begin() + 6);
    inject(1, from);  // the same MAC appears on port 1
    run();
    drain_all();
    inject(0, to);
    work();
    EXPECT_EQ(receivers(to), std::vector<unsigned>{3}) << "a static entry does not move";
}

TEST_F(RingSwitch, a_static_mac_on_a_port_outside_its_vlan_is_refused) {
    ports_ = std::make_unique<RingPorts>();
    Config c = access_all();
    c.ports[2] = PortConfig{PortConfig::Mode::access, 20, {}, {}};
    c.static_macs[{20, MacAddr{{0x02, 0, 0, 0, 0, 0xaa}}}] = 3;  // port 3 is in VLAN 1 only
    Switch sw(std::move(c), ports_->ids, 1);
    std::string err;
    EXPECT_FALSE(sw.init(err));
    EXPECT_NE(err.find("--static-mac 20:02:00:00:00:00:aa:3: port 3 is not in VLAN 20"), std::string::npos) << err;
    sw.stop_ports();
}

TEST_F(RingSwitch, a_querier_appearing_is_one_warning_line) {
    start(access_all());
    char* buf = nullptr;
    std::size_t len = 0;
    FILE* log = open_memstream(&buf, &len);
    ASSERT_NE(log, nullptr);
    rte_openlog_stream(log);
    inject(3, general_query("10.0.0.1"));
    run();
    inject(3, general_query("10.0.0.1"));  // the same querier again: nothing new
    run();
    rte_openlog_stream(nullptr);
    std::fclose(log);
    const std::string text(buf, len);
    std::free(buf);
    const std::string line = "l2snoop: VLAN 1: IGMP querier present";
    EXPECT_NE(text.find(line), std::string::npos) << text;
    EXPECT_EQ(text.find(line), text.rfind(line)) << "once";
}

TEST_F(RingSwitch, unicast_follows_the_learned_port) {
    start(access_all());
    auto from_a = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    const std::uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xaa};
    std::copy(mac_a, mac_a + 6, from_a.begin() + 6);
    inject(1, from_a);
    run();
    drain_all();
    auto to_a = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(mac_a, mac_a + 6, to_a.begin());
    to_a[6] = 0x02;
    to_a[11] = 0xbb;
    inject(2, to_a);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(to_a), std::vector<unsigned>{1});
}

}  // namespace
}  // namespace l2snoop::test

