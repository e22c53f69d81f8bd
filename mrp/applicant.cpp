#include "mrp/applicant.h"

namespace l2snoop::mrp {

namespace {
using S = ApState;
constexpr int kS = static_cast<int>(S::kCount);
constexpr int kE = static_cast<int>(ApEvent::kCount);

// 802.1Q Table 10-3, one row per state, columns in ApEvent's order:
//            New!   Join!  Lv!    rNew!  rJoinIn! rIn!  rJoinMt! rMt!  rLv!   rLA!   periodic! tx!
constexpr S kNext[kS][kE] = {
    /* VO */ {S::vn, S::vp, S::vo, S::vo, S::ao, S::vo, S::vo, S::vo, S::vo, S::vo, S::vo, S::vo},
    /* VP */ {S::vn, S::vp, S::vo, S::vp, S::ap, S::vp, S::vp, S::vp, S::vp, S::vp, S::vp, S::aa},
    /* VN */ {S::vn, S::vn, S::la, S::vn, S::vn, S::vn, S::vn, S::vn, S::vn, S::vn, S::vn, S::an},
    /* AN */ {S::an, S::an, S::la, S::an, S::an, S::an, S::an, S::an, S::vn, S::vn, S::an, S::qa},
    /* AA */ {S::vn, S::aa, S::la, S::aa, S::qa, S::aa, S::aa, S::aa, S::vp, S::vp, S::aa, S::qa},
    /* QA */ {S::vn, S::qa, S::la, S::qa, S::qa, S::qa, S::aa, S::aa, S::vp, S::vp, S::aa, S::qa},
    /* LA */ {S::vn, S::aa, S::la, S::la, S::la, S::la, S::la, S::la, S::la, S::la, S::la, S::vo},
    /* AO */ {S::vn, S::ap, S::ao, S::ao, S::qo, S::ao, S::ao, S::ao, S::vo, S::vo, S::ao, S::ao},
    /* QO */ {S::vn, S::qp, S::qo, S::qo, S::qo, S::qo, S::ao, S::ao, S::vo, S::vo, S::qo, S::qo},
    /* AP */ {S::vn, S::ap, S::ao, S::ap, S::qp, S::ap, S::ap, S::ap, S::vp, S::vp, S::ap, S::qa},
    /* QP */ {S::vn, S::qp, S::qo, S::qp, S::qp, S::qp, S::ap, S::ap, S::vp, S::vp, S::ap, S::qp},
};
// What tx! sends in each state (the optional sends left out).
constexpr TxWhat kSend[kS] = {TxWhat::nothing, TxWhat::join,    TxWhat::new_,    TxWhat::new_,
                              TxWhat::join,    TxWhat::nothing, TxWhat::leave,   TxWhat::nothing,
                              TxWhat::nothing, TxWhat::join,    TxWhat::nothing};
}  // namespace

ApStep applicant_step(ApState s, ApEvent e) {
    const int si = static_cast<int>(s), ei = static_cast<int>(e);
    if (si >= kS || ei >= kE) return {S::vo, TxWhat::nothing};
    return {kNext[si][ei], e == ApEvent::tx ? kSend[si] : TxWhat::nothing};
}

bool wants_tx(ApState s) { return static_cast<int>(s) < kS && kSend[static_cast<int>(s)] != TxWhat::nothing; }

bool declaring(ApState s) {
    switch (s) {
        case S::vp:
        case S::vn:
        case S::an:
        case S::aa:
        case S::qa:
        case S::ap:
        case S::qp: return true;
        default: return false;
    }
}

std::string_view to_string(ApState s) {
    constexpr std::string_view n[] = {"VO", "VP", "VN", "AN", "AA", "QA", "LA", "AO", "QO", "AP", "QP"};
    return static_cast<int>(s) < kS ? n[static_cast<int>(s)] : "?";
}

}  // namespace l2snoop::mrp
