// The MRP Applicant (mrp/applicant.h) against IEEE 802.1Q Table 10-3, a
// scenario per behaviour the switch relies on.
#include "mrp/applicant.h"

#include <gtest/gtest.h>

#include <vector>

namespace l2snoop::mrp {
namespace {

using S = ApState;
using E = ApEvent;

// Runs `events` from `s`; returns the final state and what each tx! sent.
std::pair<S, std::vector<TxWhat>> run(S s, std::initializer_list<E> events) {
    std::vector<TxWhat> sent;
    for (E e : events) {
        const ApStep st = applicant_step(s, e);
        if (e == E::tx) sent.push_back(st.send);
        s = st.next;
    }
    return {s, sent};
}

TEST(Applicant, a_join_is_sent_twice_then_the_applicant_is_quiet) {
    EXPECT_EQ(run(S::vo, {E::join, E::tx, E::tx, E::tx}),
              std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::join, TxWhat::join, TxWhat::nothing}));
}

TEST(Applicant, a_new_declaration_is_sent_as_new_twice) {
    EXPECT_EQ(run(S::vo, {E::new_, E::tx, E::tx}), std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::new_, TxWhat::new_}));
}

TEST(Applicant, a_withdrawn_declaration_sends_one_leave_and_ends_in_vo) {
    EXPECT_EQ(run(S::qa, {E::lv, E::tx, E::tx}), std::make_pair(S::vo, std::vector<TxWhat>{TxWhat::leave, TxWhat::nothing}));
    EXPECT_EQ(run(S::vp, {E::lv, E::tx}), std::make_pair(S::vo, std::vector<TxWhat>{TxWhat::nothing}))
        << "never sent: nothing to withdraw";
}

TEST(Applicant, a_join_while_leaving_declares_again) {
    EXPECT_EQ(run(S::la, {E::join, E::tx}), std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::join}));
}

TEST(Applicant, another_participants_join_in_makes_the_second_send_unnecessary) {
    EXPECT_EQ(run(S::vo, {E::join, E::tx, E::r_join_in, E::tx}),
              std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::join, TxWhat::nothing}));
}

TEST(Applicant, a_leave_all_or_a_leave_heard_makes_a_quiet_declarant_declare_again) {
    for (E e : {E::r_la, E::r_lv})
        EXPECT_EQ(run(S::qa, {e, E::tx, E::tx}), std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::join, TxWhat::join}));
    EXPECT_EQ(run(S::qa, {E::r_mt, E::tx}), std::make_pair(S::qa, std::vector<TxWhat>{TxWhat::join}))
        << "an Mt heard: the other side lost it; once more";
}

TEST(Applicant, an_observer_neither_declares_nor_sends) {
    EXPECT_EQ(run(S::vo, {E::r_join_in, E::tx, E::r_lv, E::tx}),
              std::make_pair(S::vo, std::vector<TxWhat>{TxWhat::nothing, TxWhat::nothing}));
}

TEST(Applicant, every_state_and_event_has_a_next_state) {
    for (int s = 0; s < static_cast<int>(S::kCount); ++s)
        for (int e = 0; e < static_cast<int>(E::kCount); ++e) {
            const ApStep st = applicant_step(static_cast<S>(s), static_cast<E>(e));
            EXPECT_LT(static_cast<int>(st.next), static_cast<int>(S::kCount));
            EXPECT_TRUE(e == static_cast<int>(E::tx) || st.send == TxWhat::nothing);
        }
    EXPECT_EQ(applicant_step(S::kCount, E::tx).next, S::vo) << "out of range: safe";
    EXPECT_EQ(to_string(S::qa), "QA");
}

}  // namespace
}  // namespace l2snoop::mrp
