// Frame parser and classifier: raw Ethernet bytes -> the facts a worker needs
// to forward the frame (docs/frames.md). Pure code: no EAL, no allocation, never
// reads past `len`, and says why a frame is malformed.
//
// Policy: a switch forwards unicast and broadcast by MAC alone, so L3 is only
// parsed when the destination MAC is an IPv4 (01:00:5e, 25th bit clear) or IPv6
// (33:33) multicast MAC carrying that IP version; everything else is decided by
// the Ethernet header. Only IP multicast pays for L3 parsing and checksums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fdb/addr.h"
#include "fdb/names.h"

namespace l2snoop {

enum class DstClass : std::uint8_t {
    unicast,
    broadcast,
    ipv4_multicast,   // 01:00:5e:00:00:00-7f:ff:ff
    ipv6_multicast,   // 33:33:xx:xx:xx:xx
    ieee_reserved,    // 01:80:c2:00:00:00-0f
    other_multicast,  // any other group MAC (incl. 01:00:5e:80:00:00 and above)
};

// What the worker does with the frame (docs/architecture.md, The path of a frame).
enum class FrameClass : std::uint8_t {
    malformed,         // counted drop; `reason` says why
    reserved,          // IEEE reserved group address: never forwarded
    control,           // IGMP, MLD, MRD, PIM hello: punted to the control thread
    mcast_data,        // IP multicast data: multicast FDB lookup by (VLAN, group)
    link_local_mcast,  // 224.0.0.0/24, ff02::1, ff00::/15: flooded in the VLAN
    broadcast,         // flooded in the VLAN
    other_multicast,   // non-IP multicast: flooded in the VLAN (RFC 4541 §2.1.2-4)
    unicast,           // unicast FDB lookup
};

// IGMP..PIM hello: the parser's; GMRP, MMRP: the worker's, in VLANs where
// they run (a frame to 01:80:c2:00:00:20 is other multicast to the parser).
enum class ControlKind : std::uint8_t { none, igmp, mld, mrd6, pim_hello, gmrp, mmrp };

enum class Malformed : std::uint8_t {
    none,
    truncated_l2,         // shorter than an Ethernet header or a VLAN tag
    truncated_ip,         // IP header cut short by the end of the frame
    bad_ip_version,       // version field disagrees with the EtherType
    bad_ipv4_ihl,         // IHL below 5
    bad_ip_length,        // total/payload length inconsistent with header or frame
    bad_ipv4_checksum,    // RFC 4541 §2.1.2-6: neither learn nor forward
    bad_ipv4_options,     // an option runs past the header
    bad_ipv6_ext_header,  // extension header truncated, misplaced or chain too long
    fragmented_control,   // IGMP/MLD/PIM hello split into fragments
    group_mac_mismatch,   // multicast MAC is not the mapping of the IP destination
    kCount,
};

constexpr auto names_of(FrameClass) {
    return names<FrameClass>({{FrameClass::malformed, "malformed"},
                              {FrameClass::reserved, "reserved"},
                              {FrameClass::control, "control"},
                              {FrameClass::mcast_data, "mcast_data"},
                              {FrameClass::link_local_mcast, "link_local_mcast"},
                              {FrameClass::broadcast, "broadcast"},
                              {FrameClass::other_multicast, "other_multicast"},
                              {FrameClass::unicast, "unicast"}});
}
inline std::string_view to_string(FrameClass v) { return names_of(v).name(v); }
constexpr auto names_of(Malformed) {
    return names<Malformed>({{Malformed::none, "none"},
                             {Malformed::truncated_l2, "truncated_l2"},
                             {Malformed::truncated_ip, "truncated_ip"},
                             {Malformed::bad_ip_version, "bad_ip_version"},
                             {Malformed::bad_ipv4_ihl, "bad_ipv4_ihl"},
                             {Malformed::bad_ip_length, "bad_ip_length"},
                             {Malformed::bad_ipv4_checksum, "bad_ipv4_checksum"},
                             {Malformed::bad_ipv4_options, "bad_ipv4_options"},
                             {Malformed::bad_ipv6_ext_header, "bad_ipv6_ext_header"},
                             {Malformed::fragmented_control, "fragmented_control"},
                             {Malformed::group_mac_mismatch, "group_mac_mismatch"}});
}
static_assert(names_of(Malformed{}).items.size() == static_cast<std::size_t>(Malformed::kCount),
              "a name for every Malformed");
inline std::string_view to_string(Malformed v) { return names_of(v).name(v); }
constexpr auto names_of(ControlKind) {
    return names<ControlKind>({{ControlKind::none, "none"},
                               {ControlKind::igmp, "igmp"},
                               {ControlKind::mld, "mld"},
                               {ControlKind::mrd6, "mrd6"},
                               {ControlKind::pim_hello, "pim_hello"},
                               {ControlKind::gmrp, "gmrp"},
                               {ControlKind::mmrp, "mmrp"}});
}
inline std::string_view to_string(ControlKind v) { return names_of(v).name(v); }
constexpr auto names_of(DstClass) {
    return names<DstClass>({{DstClass::unicast, "unicast"},
                            {DstClass::broadcast, "broadcast"},
                            {DstClass::ipv4_multicast, "ipv4_multicast"},
                            {DstClass::ipv6_multicast, "ipv6_multicast"},
                            {DstClass::ieee_reserved, "ieee_reserved"},
                            {DstClass::other_multicast, "other_multicast"}});
}
inline std::string_view to_string(DstClass v) { return names_of(v).name(v); }

struct VlanTag {
    std::uint16_t tpid = 0;  // 0x8100 or 0x88a8
    std::uint8_t pcp = 0;
    bool dei = false;
    VlanId vid = 0;  // 0: priority-tagged
    friend bool operator==(const VlanTag&, const VlanTag&) = default;
};

inline constexpr std::uint8_t kIpProtoIgmp = 2;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoNoNext = 59;
inline constexpr std::uint8_t kIpProtoPim = 103;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
inline constexpr std::size_t kMaxIpv6ExtHeaders = 8;

struct ParsedFrame {
    FrameClass cls = FrameClass::malformed;
    Malformed reason = Malformed::none;
    DstClass dst_class = DstClass::unicast;
    ControlKind control = ControlKind::none;
    std::uint8_t tag_count = 0;  // 0, 1 (802.1Q) or 2 (802.1ad/QinQ outer + inner)
    std::uint8_t ip_version = 0;  // 0: L3 not parsed
    VlanTag outer;  // valid when tag_count >= 1
    VlanTag inner;  // valid when tag_count == 2
    std::uint16_t ethertype = 0;  // after the tags
    std::uint16_t l3_offset = 0;
    std::uint16_t l4_offset = 0;  // meaningful when l4_present
    std::uint16_t l4_length = 0;  // bytes of L4 per the IP length fields
    std::uint8_t l4_proto = 0;    // IPv4 protocol / last IPv6 next header
    std::uint8_t ttl = 0;         // IPv4 TTL / IPv6 hop limit
    std::uint8_t icmp6_type = 0;  // when l4_proto is ICMPv6 and l4_present
    bool router_alert = false;    // IPv4 RA option / IPv6 HbH RA (value 0: MLD)
    bool fragment = false;        // part of a fragmented datagram
    bool l4_present = false;      // unfragmented or first fragment
    bool ipv6_link_scope = false;  // ff02::/16 group other than ff02::1 (snooped, RFC 4541 §3)
    bool ipv6_solicited_node = false;  // ff02::1:ff00:0/104: neighbour discovery
    bool run_opener = false;       // may open a stream (stream.h): IPv4 data without options, IPv6 UDP/TCP
                                   // data without extension headers beyond link scope; <= one 802.1Q tag
    IpAddr src;
    IpAddr group;  // IP destination (a multicast group when cls is mcast_data/control)
    MacAddr dst_mac;
    MacAddr src_mac;

    // The VLAN the frame was tagged with on the wire: outer tag's VID, 0 if
    // untagged or priority-tagged.
    constexpr VlanId wire_vid() const { return tag_count ? outer.vid : 0; }
    friend bool operator==(const ParsedFrame&, const ParsedFrame&) = default;
};

ParsedFrame parse_frame(const std::uint8_t* data, std::size_t len);
// The same, into `out` (the workers' form: no copy of the result).
void parse_frame(const std::uint8_t* data, std::size_t len, ParsedFrame& out);

// A stream opener (dataplane/stream.h): IPv4 multicast data without IP
// options, or IPv6 UDP/TCP multicast data without extension headers beyond
// link scope; untagged or one 802.1Q tag (the parser decides it where it
// knows the headers). Frames of its stream are forwarded by its decision, unparsed.
constexpr bool opens_stream(const ParsedFrame& f) { return f.run_opener; }

// GMRP and MMRP frames: to 01:80:c2:00:00:20, MMRP's EtherType 0x88f6 or an
// 802.3 length (GMRP's LLC, which the decoder checks). `protocols`: which
// run (VlanTable::mrp: bit 0 GMRP, bit 1 MMRP); none for the others.
inline constexpr MacAddr kMrpGroupMac{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x20}};
inline constexpr std::uint8_t kMrpGmrp = 1, kMrpMmrp = 2;
constexpr ControlKind mrp_control(const ParsedFrame& f, std::uint8_t protocols) {
    if (f.cls != FrameClass::other_multicast || f.dst_mac != kMrpGroupMac) return ControlKind::none;
    if (f.ethertype == 0x88f6) return protocols & kMrpMmrp ? ControlKind::mmrp : ControlKind::none;
    if (f.ethertype <= 1500) return protocols & kMrpGmrp ? ControlKind::gmrp : ControlKind::none;
    return ControlKind::none;
}

}  // namespace l2snoop
