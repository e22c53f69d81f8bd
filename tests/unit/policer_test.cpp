// The punt policer (dataplane/policer.h) on a virtual clock: a token bucket
// per ingress port, --punt-rate frames per second sustained, --punt-burst back
// to back.
#include <gtest/gtest.h>

#include <chrono>

#include "dataplane/policer.h"

namespace l2snoop::test {
namespace {

using namespace std::chrono_literals;
constexpr Time kStart = 1s;  // any non-zero point on the clock

// Frames the port may send now, taking them all (at most `most`).
unsigned drain(PuntPolicer& p, PortId in, unsigned most = 1'000'000) {
    unsigned n = 0;
    while (n < most && p.take(in)) ++n;
    return n;
}

TEST(PuntPolicer, a_port_may_send_the_burst_depth_back_to_back_then_nothing) {
    PuntPolicer p(1000, 50);
    p.refill(0, kStart);
    EXPECT_FALSE(p.empty(0));
    EXPECT_EQ(drain(p, 0), 50u);
    EXPECT_TRUE(p.empty(0));
    EXPECT_FALSE(p.take(0));
}

TEST(PuntPolicer, the_bucket_refills_at_the_rate) {
    PuntPolicer p(1000, 50);  // one frame a millisecond
    p.refill(0, kStart);
    drain(p, 0);
    p.refill(0, kStart + 10ms);
    EXPECT_EQ(drain(p, 0), 10u);
    p.refill(0, kStart + 10ms + 500us);  // half a token
    EXPECT_EQ(drain(p, 0), 0u);
    p.refill(0, kStart + 11ms);  // the other half
    EXPECT_EQ(drain(p, 0), 1u);
}

TEST(PuntPolicer, a_quiet_port_earns_no_more_than_a_full_bucket) {
    PuntPolicer p(1000, 50);
    p.refill(0, kStart);
    drain(p, 0);
    p.refill(0, kStart + 1h);
    EXPECT_EQ(drain(p, 0), 50u);
}

TEST(PuntPolicer, the_highest_rate_after_long_silences_does_not_overflow) {
    // ns x 10,000,000 frames/s passes 2^64 after 1,844.67 s of silence: just
    // past it, a product taken modulo 2^64 would be 448,384, under one token.
    for (const Time quiet : {Time(1'844'674'407'371), Time(std::chrono::hours(24))}) {
        PuntPolicer p(10'000'000, 1'000'000);
        p.refill(3, kStart);
        drain(p, 3, 2'000'000);
        p.refill(3, kStart + quiet);
        EXPECT_EQ(drain(p, 3, 2'000'000), 1'000'000u) << quiet.count() << " ns of silence";
    }
}

TEST(PuntPolicer, ports_have_buckets_of_their_own) {
    PuntPolicer p(1000, 20);
    p.refill(0, kStart);
    p.refill(1, kStart);
    EXPECT_EQ(drain(p, 0), 20u);
    EXPECT_EQ(drain(p, 1), 20u) << "port 0's burst took nothing of port 1's";
    p.refill(0, kStart + 5ms);
    p.refill(0, kStart + 10ms);  // port 0 refills twice, port 1 once
    p.refill(1, kStart + 10ms);
    EXPECT_EQ(drain(p, 0), 10u);
    EXPECT_EQ(drain(p, 1), 10u);
}

TEST(PuntPolicer, the_first_refill_earns_nothing_and_a_clock_step_back_nothing_either) {
    PuntPolicer p(1000, 5);
    drain(p, 0);
    p.refill(0, kStart + 1h);  // the first: the start of the port's time
    EXPECT_EQ(drain(p, 0), 0u);
    p.refill(0, kStart);  // earlier than the last reading
    EXPECT_EQ(drain(p, 0), 0u);
    p.refill(0, kStart + 2ms);
    EXPECT_EQ(drain(p, 0), 2u);
}

TEST(PuntPolicer, rate_zero_is_no_policer) {
    PuntPolicer p(0, 1);
    EXPECT_FALSE(p.on());
    p.refill(0, kStart);
    EXPECT_EQ(drain(p, 0, 1000), 1000u);
    EXPECT_FALSE(p.empty(0));
}

}  // namespace
}  // namespace l2snoop::test
