// IGMPv3/MLDv2 router-side membership (RFC 3376 §6.4, RFC 3810 §7.4): each
// state-transition row, and the Linux bridge selftest scenarios
// (bridge_igmp.sh / bridge_mld.sh) replayed on the engine.
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

const IpAddr G = A("239.10.10.10");
const IpAddr G6 = A("ff0e::cc");  // bridge_mld.sh uses ff02::cc; see link_scope tests below
const PortId H1 = 1, H2 = 2;

class V3 : public ::testing::Test {
protected:
    Harness h;
    // v3include_prepare: IS_IN{.1,.2,.3} on H1.
    void include_prepare() { h.rx(H1, v3(IS_IN, G, {S4(1), S4(2), S4(3)})); }
    // v3exclude_prepare: then IS_EX{.1,.2,.20,.21}: X={.1,.2}, Y={.20,.21}.
    void exclude_prepare() {
        include_prepare();
        h.rx(H1, v3(IS_EX, G, {S4(1), S4(2), S4(20), S4(21)}));
    }
    void expect_fwd(std::initializer_list<int> yes, std::initializer_list<int> no) {
        for (int x : yes) EXPECT_TRUE(h.forwarded(G, S4(x), H1)) << "192.0.2." << x << " should reach H1";
        for (int x : no) EXPECT_FALSE(h.forwarded(G, S4(x), H1)) << "192.0.2." << x << " should not reach H1";
    }
    std::vector<MembershipView> state() { return h.s.memberships(h.now); }
    Duration timer_of(int x) {
        for (const auto& m : state())
            for (const auto& [s, t] : m.sources)
                if (s == S4(x)) return t;
        return Duration{-1};
    }
    bool has_source(int x) { return timer_of(x) != Duration{-1}; }
};

TEST_F(V3, include_is_include_forwards_listed_sources_only) {
    include_prepare();
    ASSERT_EQ(state().size(), 1u);
    EXPECT_FALSE(state()[0].exclude);
    expect_fwd({1, 2, 3}, {100});
}

TEST_F(V3, include_allow_adds_sources) {  // INCLUDE(A) + ALLOW(B) = INCLUDE(A+B)
    include_prepare();
    h.rx(H1, v3(ALLOW, G, {S4(10), S4(11), S4(12)}));
    expect_fwd({1, 2, 3, 10, 11, 12}, {100});
}

TEST_F(V3, include_is_include_adds_sources) {
    include_prepare();
    h.rx(H1, v3(IS_IN, G, {S4(10), S4(11), S4(12)}));
    expect_fwd({1, 2, 3, 10, 11, 12}, {100});
}

TEST_F(V3, include_is_exclude_switches_to_exclude) {  // EXCLUDE(A*B, B-A); Del(A-B)
    exclude_prepare();
    ASSERT_EQ(state().size(), 1u);
    EXPECT_TRUE(state()[0].exclude);
    EXPECT_GT(timer_of(1), Duration{0});
    EXPECT_GT(timer_of(2), Duration{0});
    EXPECT_EQ(timer_of(20), Duration{0}) << "B-A starts blocked";
    EXPECT_EQ(timer_of(21), Duration{0});
    EXPECT_FALSE(has_source(3)) << "A-B deleted";
    expect_fwd({1, 2, 100}, {20, 21});
}

TEST_F(V3, include_to_exclude_queries_and_blocks_new_sources) {
    include_prepare();
    h.rx(H1, v3(TO_EX, G, {S4(1), S4(20), S4(30)}));
    EXPECT_TRUE(state()[0].exclude);
    EXPECT_GT(timer_of(1), Duration{0});
    EXPECT_LE(timer_of(1), 2s) << "Q(G, A*B) lowered .1 to LMQT";
    EXPECT_EQ(timer_of(20), Duration{0});
    EXPECT_EQ(timer_of(30), Duration{0});
    EXPECT_FALSE(has_source(2));
    expect_fwd({1, 100}, {20, 30});
}

TEST_F(V3, include_to_include_adds_and_queries_the_rest) {  // INCLUDE(A+B); Q(G, A-B)
    include_prepare();
    h.rx(H1, v3(TO_IN, G, {S4(3), S4(4)}));
    EXPECT_LE(timer_of(1), 2s);
    EXPECT_LE(timer_of(2), 2s);
    EXPECT_GT(timer_of(3), 200s);
    expect_fwd({1, 2, 3, 4}, {100});
    h.advance(3s);
    expect_fwd({3, 4}, {1, 2, 100});
}

TEST_F(V3, include_block_queries_then_removes_the_blocked_source) {
    include_prepare();
    h.rx(H1, v3(BLOCK, G, {S4(1), S4(20), S4(30)}));
    expect_fwd({1, 2, 3}, {20, 30, 100});  // still forwarded until LMQT passes
    h.advance(3s);
    EXPECT_FALSE(has_source(1));
    expect_fwd({2, 3}, {1, 100});
}

TEST_F(V3, exclude_allow_moves_sources_to_forwarded) {  // EXCLUDE(X+A, Y-A)
    exclude_prepare();
    h.rx(H1, v3(ALLOW, G, {S4(20), S4(30)}));
    EXPECT_GT(timer_of(20), Duration{0});
    EXPECT_GT(timer_of(30), Duration{0});
    EXPECT_EQ(timer_of(21), Duration{0});
    expect_fwd({1, 2, 20, 30, 100}, {21});
}

TEST_F(V3, exclude_is_include_behaves_like_allow) {
    exclude_prepare();
    h.rx(H1, v3(IS_IN, G, {S4(20), S4(30)}));
    expect_fwd({1, 2, 20, 30, 100}, {21});
}

TEST_F(V3, exclude_is_exclude_keeps_only_the_named_sources) {  // EXCLUDE(A-Y, Y*A)
    exclude_prepare();
    h.rx(H1, v3(IS_EX, G, {S4(20), S4(30)}));
    EXPECT_GT(timer_of(30), Duration{0}) << "(A-X-Y)=GMI";
    EXPECT_EQ(timer_of(20), Duration{0});
    EXPECT_FALSE(has_source(1));
    EXPECT_FALSE(has_source(21));
    expect_fwd({30, 100, 1}, {20});
}

TEST_F(V3, exclude_to_exclude_sets_new_sources_to_group_timer) {
    exclude_prepare();
    h.advance(10s);
    h.rx(H1, v3(TO_EX, G, {S4(1), S4(20), S4(30)}));
    EXPECT_LE(timer_of(1), 2s) << "Q(G, A-Y) lowers .1";
    EXPECT_LE(timer_of(30), 2s) << "(A-X-Y)=GT, then Q(G, A-Y) lowers it";
    EXPECT_EQ(timer_of(20), Duration{0});
    expect_fwd({1, 30, 100}, {20});
    EXPECT_FALSE(has_source(2));
    EXPECT_FALSE(has_source(21));
}

TEST_F(V3, exclude_block_adds_unknown_sources_then_they_time_out_to_blocked) {
    exclude_prepare();
    h.rx(H1, v3(BLOCK, G, {S4(1), S4(20), S4(30)}));
    expect_fwd({1, 2, 30, 100}, {20, 21});
    EXPECT_EQ(timer_of(20), Duration{0});
    h.advance(3s);  // LMQT 2 s: .1 and .30 were queried and nobody answered
    expect_fwd({2, 100}, {1, 20, 21, 30});
}

TEST_F(V3, exclude_to_include_queries_group_and_falls_back_to_include) {
    exclude_prepare();
    h.rx(H1, v3(TO_IN, G, {S4(5)}));
    ASSERT_TRUE(state()[0].exclude);
    EXPECT_LE(state()[0].group_timer_left, 2s) << "Q(G) lowered the group timer";
    h.advance(3s);
    ASSERT_EQ(state().size(), 1u);
    EXPECT_FALSE(state()[0].exclude) << "group timer expiry: back to INCLUDE";
    expect_fwd({5}, {1, 2, 100});
}

TEST_F(V3, exclude_group_timer_expiry_keeps_running_sources_only) {
    // bridge_igmp.sh v3exc_timeout_test, with GMI 5 s: X={.1,.2} Y={.20,.21}
    // at t=0, ALLOW{.20,.30} at t=1; the group timer expires at t=5 while
    // .20/.30 run until t=6: INCLUDE{.20,.30}.
    SnoopConfig cfg;
    cfg.timers.membership_interval = 5s;
    Harness h5(cfg);
    h5.rx(H1, v3(IS_IN, G, {S4(1), S4(2), S4(3)}));
    h5.rx(H1, v3(IS_EX, G, {S4(1), S4(2), S4(20), S4(21)}));
    h5.advance(1s);
    h5.rx(H1, v3(ALLOW, G, {S4(20), S4(30)}));
    h5.advance(4500ms);
    const auto st = h5.s.memberships(h5.now);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_FALSE(st[0].exclude);
    for (int x : {20, 30}) EXPECT_TRUE(h5.forwarded(G, S4(x), H1)) << x;
    for (int x : {1, 2, 100}) EXPECT_FALSE(h5.forwarded(G, S4(x), H1)) << x;
    h5.advance(1s);
    EXPECT_EQ(h5.fwd(G), std::nullopt) << "the last sources timed out too";
}

TEST_F(V3, star_exclude_port_also_receives_sources_another_port_includes) {
    // bridge_igmp.sh v3star_ex_auto_add_test: H1 EXCLUDE, H2 INCLUDE{.1,.2,.3}:
    // (S=.3, G) goes to both (H1 does not block .3).
    exclude_prepare();
    h.rx(H2, v3(IS_IN, G, {S4(1), S4(2), S4(3)}));
    EXPECT_EQ(h.fwd(G, S4(3)), PortSet::of({H1, H2}));
    EXPECT_EQ(h.fwd(G, S4(20)), PortSet{}) << "H1 blocks .20, H2 never asked for it";
    EXPECT_EQ(h.fwd(G, S4(100)), PortSet::of({H1}));
}

TEST_F(V3, shared_segment_forwards_the_superset_rfc4541_2_1_2_7) {
    h.rx(H1, v3(IS_IN, G, {S4(1)}));
    h.rx(H1, v3(IS_IN, G, {S4(2)}), A("10.0.0.101"));  // a second host on the same port
    expect_fwd({1, 2}, {3});
}

TEST_F(V3, include_sources_time_out_after_gmi) {
    include_prepare();
    h.advance(259s);
    expect_fwd({1, 2, 3}, {});
    h.advance(2s);
    EXPECT_EQ(h.fwd(G), std::nullopt) << "membership gone, group unregistered";
    EXPECT_TRUE(state().empty());
}

TEST_F(V3, include_empty_report_creates_nothing) {
    h.rx(H1, v3(IS_IN, G, {}));
    h.rx(H1, v3(BLOCK, G, {S4(1)}));
    h.rx(H1, v3(TO_IN, G, {}));
    EXPECT_TRUE(state().empty());
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

// ---- MLDv2: the same machine over IPv6 (bridge_mld.sh) ----

class Mld : public ::testing::Test {
protected:
    Harness h;
    void include_prepare() { h.rx(H1, v3(IS_IN, G6, {S6(1), S6(2), S6(3)})); }
    void exclude_prepare() {
        include_prepare();
        h.rx(H1, v3(IS_EX, G6, {S6(1), S6(2), S6(20), S6(21)}));
    }
    bool fwd(int x) { return h.forwarded(G6, S6(x), H1); }
};

TEST_F(Mld, mldv2_include_forwards_listed_sources_only) {
    include_prepare();
    EXPECT_TRUE(fwd(1) && fwd(2) && fwd(3));
    EXPECT_FALSE(fwd(100));
}

TEST_F(Mld, mldv2_exclude_blocks_y_and_forwards_the_rest) {
    exclude_prepare();
    EXPECT_TRUE(fwd(1) && fwd(2) && fwd(100));
    EXPECT_TRUE(fwd(3)) << "::3's record is deleted, and EXCLUDE forwards what it does not block";
    EXPECT_FALSE(fwd(20) || fwd(21));
}

TEST_F(Mld, mldv2_inc_block_removes_after_lmqt) {
    include_prepare();
    h.rx(H1, v3(BLOCK, G6, {S6(1), S6(20), S6(30)}));
    h.advance(3s);
    EXPECT_FALSE(fwd(1));
    EXPECT_TRUE(fwd(2) && fwd(3));
}

TEST_F(Mld, mldv2_exc_to_exclude) {
    exclude_prepare();
    h.rx(H1, v3(TO_EX, G6, {S6(1), S6(20), S6(30)}));
    EXPECT_TRUE(fwd(1) && fwd(30) && fwd(100));
    EXPECT_FALSE(fwd(20));
}

TEST_F(Mld, mldv1_report_and_done) {
    h.rx(H1, v2_report(G6));
    EXPECT_EQ(h.fwd(G6), PortSet::of({H1}));
    h.rx(H1, leave(G6));
    h.advance(3s);
    EXPECT_EQ(h.fwd(G6), std::nullopt);
}

TEST_F(Mld, mld_state_never_affects_ipv4_forwarding_rfc4541_r1) {
    h.rx(H1, v2_report(A("ff0e::1:1")));
    EXPECT_EQ(h.fwd(A("239.0.1.1")), std::nullopt);
    EXPECT_EQ(h.fwd(A("ff0e::1:1")), PortSet::of({H1}));
}

}  // namespace
}  // namespace l2snoop::test
