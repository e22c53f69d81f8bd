// GARP/GMRP (IEEE 802.1D-2004 clause 12, 10) and MRP/MMRP (IEEE 802.1Q
// clause 10, 10.12) PDUs: decoded into the attributes they declare, and
// encoded back. Pure code: bytes in, facts out, every length and count
// checked; bad input is a reason, never a crash.
//
// Both register group MAC addresses (and the two service requirements,
// Forward All Groups and Forward All Unregistered Groups) on a port, to
// 01:80:c2:00:00:20. GMRP: 802.3 length + LLC 42 42 03, protocol ID 1,
// messages of (type, attributes of (length, event, value), end mark), end
// mark. MMRP: EtherType 0x88f6, protocol version, messages of (type, length,
// vector attributes of (LeaveAll + count, first value, events packed three to
// a byte), end mark), end mark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "fdb/addr.h"

namespace l2snoop::mrp {

enum class Protocol : std::uint8_t { gmrp, mmrp };

// GARP's attribute events (802.1D 12.11.2.5), wire values.
enum class GarpEvent : std::uint8_t { leave_all = 0, join_empty, join_in, leave_empty, leave_in, empty, kCount };
// MRP's attribute events (802.1Q 10.8.2.10), wire values (ThreePackedEvents digits).
enum class MrpEvent : std::uint8_t { new_ = 0, join_in, in, join_mt, mt, lv, kCount };

enum class AttrType : std::uint8_t { group_mac, service };
// The service requirements (802.1D 10.3.1.1, 802.1Q 10.12.1.6).
enum class Service : std::uint8_t { all_groups = 0, all_unregistered = 1 };

struct Attr {
    AttrType type = AttrType::group_mac;
    MacAddr mac{};                         // type group_mac
    Service service = Service::all_groups;  // type service
    std::uint8_t event = 0;                // GarpEvent or MrpEvent, by the PDU's protocol (never GARP's LeaveAll)
    friend bool operator==(const Attr&, const Attr&) = default;
};

struct Pdu {
    Protocol protocol = Protocol::mmrp;
    std::uint8_t version = 0;  // MRP ProtocolVersion (MMRP: 0)
    // LeaveAll per attribute type (indexed by AttrType): GARP's LeaveAll
    // attribute, MRP's LeaveAllEvent in a vector header.
    bool leave_all[2] = {false, false};
    std::vector<Attr> attrs;  // in PDU order
    friend bool operator==(const Pdu&, const Pdu&) = default;
};

enum class PduError : std::uint8_t {
    none,
    truncated,             // a field runs past the end
    bad_protocol_id,       // GARP protocol ID other than 1
    bad_attribute_type,    // neither group MAC nor service requirement
    bad_attribute_length,  // GARP attribute length, or MRP AttributeLength, wrong for its type
    bad_event,             // event code out of range (GARP > 5, MRP packed byte >= 216, LeaveAllEvent > 1)
    bad_value,             // an individual MAC as a group, a service requirement > 1, values running past the last
    not_garp_frame,        // frame: not to 01:80:c2:00:00:20 with GMRP's LLC or MMRP's EtherType
    kCount,
};
std::string_view to_string(PduError e);
std::string_view to_string(GarpEvent e);
std::string_view to_string(MrpEvent e);

inline constexpr MacAddr kGmrpMmrpAddress{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x20}};
inline constexpr std::uint16_t kMrpEtherType = 0x88f6;

// The PDU after the LLC header (GMRP) or the EtherType (MMRP).
PduError decode(Protocol p, std::span<const std::uint8_t> pdu, Pdu& out);
// Encodes `pdu` into `out`; returns the bytes it needs (more than out.size():
// nothing useful written). MRP: each run of consecutive values of one type
// and event order becomes one vector attribute.
std::size_t encode(const Pdu& pdu, std::span<std::uint8_t> out);

// Whole Ethernet frames, untagged or with one 802.1Q tag (`vid`: its VID).
PduError decode_frame(std::span<const std::uint8_t> frame, Pdu& out, std::optional<VlanId>* vid = nullptr);
std::vector<std::uint8_t> build_frame(const Pdu& pdu, const MacAddr& src, std::optional<VlanId> vid = std::nullopt);

}  // namespace l2snoop::mrp
