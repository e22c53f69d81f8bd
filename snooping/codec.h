// IGMP (RFC 1112, 2236, 3376), MLD (RFC 2710, 3810) and Multicast Router
// Discovery (RFC 4286) messages: decode from and encode to wire bytes.
//
// IGMP and MLD share one message model, so the snooping engine has one code
// path for both; the family of the addresses says which protocol it is.
// Decoding validates per the RFCs and every rejection has a named reason a
// counter can carry. Encoding zeroes reserved fields (RFC 4541 §2.1.1-3).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fdb/addr.h"
#include "fdb/names.h"
#include "snooping/defaults.h"

namespace l2snoop {

enum class MessageType : std::uint8_t {
    query,       // general, group-specific or group-and-source-specific
    report,      // IGMPv1/v2 membership report, MLDv1 report: one group
    leave,       // IGMPv2 leave group, MLDv1 done
    v3_report,   // IGMPv3 / MLDv2 report: group records
    mrd_advertisement,
    mrd_solicitation,
    mrd_termination,
};

// RFC 3376 §4.2.12, RFC 3810 §5.2.12.
enum class RecordType : std::uint8_t {
    mode_is_include = 1,
    mode_is_exclude = 2,
    change_to_include = 3,
    change_to_exclude = 4,
    allow_new_sources = 5,
    block_old_sources = 6,
};

struct GroupRecord {
    RecordType type = RecordType::mode_is_include;
    IpAddr group;
    std::vector<IpAddr> sources;
    std::uint8_t aux_words = 0;  // auxiliary data is skipped on receipt (RFC 3376 §4.2.10)

    friend bool operator==(const GroupRecord&, const GroupRecord&) = default;
};

struct Message {
    IpFamily family = IpFamily::v4;  // v4: IGMP/MRD over IPv4, v6: MLD/MRD over ICMPv6
    MessageType type = MessageType::query;
    std::uint8_t version = 0;  // IGMP 1/2/3, MLD 1/2; 0 for MRD
    IpAddr group;              // unspecified for a general query

    // Queries.
    std::chrono::milliseconds max_response{0};  // decoded Max Resp Code / Delay
    bool suppress_router_processing = false;    // S flag (v3 queries)
    std::uint8_t qrv = 0;                       // Querier's Robustness Variable (v3)
    std::chrono::seconds qqi{0};                // decoded QQIC (v3)
    std::vector<IpAddr> sources;                // group-and-source-specific query

    // v3 reports.
    std::vector<GroupRecord> records;
    std::uint16_t ignored_records = 0;  // unknown record types, skipped (RFC 3376 §4.2.12)

    // MRD advertisements (RFC 4286 §4.1).
    std::uint8_t mrd_advertisement_interval = 0;  // seconds
    std::uint16_t mrd_query_interval = 0;         // seconds
    std::uint16_t mrd_robustness = 0;

    bool is_general_query() const { return type == MessageType::query && group.is_unspecified(); }

    friend bool operator==(const Message&, const Message&) = default;
};

// Facts from the IP header that validation and the MLD checksum need.
struct IpContext {
    IpAddr src;
    IpAddr dst;
    std::uint8_t ttl = 1;  // IPv4 TTL / IPv6 hop limit
    bool router_alert = false;
};

enum class DecodeError : std::uint8_t {
    none,
    truncated,              // shorter than its type's fixed part
    bad_checksum,           // RFC 4541 §2.1.1-5: never learn from it, count it
    unknown_type,           // not a type we know: flooded unchanged (RFC 4541 §2.1.1-3)
    bad_query_length,       // IGMP 9-11 bytes, MLD 25-27 (RFC 3376 §7.1, RFC 3810 §8.1)
    group_not_multicast,    // report/leave/query/record names a non-multicast group
    general_query_with_sources,
    bad_destination,        // general query not to all-nodes, v3 report not to a link-local group
    record_truncated,       // a group record or source list runs past the message
    bad_hop_limit,          // MLD/MRD6 with hop limit != 1 (RFC 3810 §5.1.14, §5.2.13)
    bad_source_address,     // MLD query not from link-local; report not link-local or ::
    missing_router_alert,   // MLD without a Hop-by-Hop Router Alert (RFC 3810 §5)
    kCount,
};

constexpr auto names_of(DecodeError) {
    return names<DecodeError>({{DecodeError::none, "none"},
                               {DecodeError::truncated, "truncated"},
                               {DecodeError::bad_checksum, "bad_checksum"},
                               {DecodeError::unknown_type, "unknown_type"},
                               {DecodeError::bad_query_length, "bad_query_length"},
                               {DecodeError::group_not_multicast, "group_not_multicast"},
                               {DecodeError::general_query_with_sources, "general_query_with_sources"},
                               {DecodeError::bad_destination, "bad_destination"},
                               {DecodeError::record_truncated, "record_truncated"},
                               {DecodeError::bad_hop_limit, "bad_hop_limit"},
                               {DecodeError::bad_source_address, "bad_source_address"},
                               {DecodeError::missing_router_alert, "missing_router_alert"}});
}
static_assert(names_of(DecodeError{}).items.size() == static_cast<std::size_t>(DecodeError::kCount),
              "a name for every DecodeError");
inline std::string_view to_string(DecodeError v) { return names_of(v).name(v); }
constexpr auto names_of(MessageType) {
    return names<MessageType>({{MessageType::query, "query"},
                               {MessageType::report, "report"},
                               {MessageType::leave, "leave"},
                               {MessageType::v3_report, "v3_report"},
                               {MessageType::mrd_advertisement, "mrd_advertisement"},
                               {MessageType::mrd_solicitation, "mrd_solicitation"},
                               {MessageType::mrd_termination, "mrd_termination"}});
}
inline std::string_view to_string(MessageType v) { return names_of(v).name(v); }
constexpr auto names_of(RecordType) {
    return names<RecordType>({{RecordType::mode_is_include, "is_in"},
                              {RecordType::mode_is_exclude, "is_ex"},
                              {RecordType::change_to_include, "to_in"},
                              {RecordType::change_to_exclude, "to_ex"},
                              {RecordType::allow_new_sources, "allow"},
                              {RecordType::block_old_sources, "block"}});
}
inline std::string_view to_string(RecordType v) { return names_of(v).name(v); }

// Decodes an IGMP message (family v4: the IPv4 payload) or an ICMPv6 MLD/MRD
// message (family v6: the ICMPv6 message). `out` is overwritten on success and
// unspecified on failure.
DecodeError decode(IpFamily family, std::span<const std::uint8_t> l4, const IpContext& ip, Message& out);

// The holdtime of a PIM hello (RFC 7761 §4.9.2): `pim` is the PIM message
// from its 4-byte header on; option 1 (Holdtime, 2 bytes) if present and
// whole, else the default 3.5 × 30 s. Options past the end are ignored.
Duration pim_hello_holdtime(std::span<const std::uint8_t> pim);

// Max Resp Code / QQIC exponential encodings (RFC 3376 §4.1.1, §4.1.7; RFC
// 3810 §5.1.3, §5.1.9). Encoders round down to the nearest representable value
// and saturate at the largest.
constexpr std::uint32_t decode_code8(std::uint8_t code) {
    if (code < 128) return code;
    const unsigned exp = (code >> 4) & 0x7;
    const unsigned mant = code & 0xf;
    return (mant | 0x10u) << (exp + 3);
}
constexpr std::uint8_t encode_code8(std::uint32_t value) {
    if (value < 128) return static_cast<std::uint8_t>(value);
    for (unsigned exp = 0; exp < 8; ++exp) {
        const std::uint32_t mant = value >> (exp + 3);
        if (mant < 0x20) return static_cast<std::uint8_t>(0x80 | (exp << 4) | (mant & 0xf));
    }
    return 0xff;
}
constexpr std::uint32_t decode_code16(std::uint16_t code) {
    if (code < 32768) return code;
    const unsigned exp = (code >> 12) & 0x7;
    const unsigned mant = code & 0xfff;
    return (mant | 0x1000u) << (exp + 3);
}
constexpr std::uint16_t encode_code16(std::uint32_t value) {
    if (value < 32768) return static_cast<std::uint16_t>(value);
    for (unsigned exp = 0; exp < 8; ++exp) {
        const std::uint32_t mant = value >> (exp + 3);
        if (mant < 0x2000) return static_cast<std::uint16_t>(0x8000 | (exp << 12) | (mant & 0xfff));
    }
    return 0xffff;
}

// Encodes `m` as an IGMP message or an ICMPv6 message with its checksum
// (the MLD checksum covers the IPv6 pseudo-header, hence `src` and `dst`).
std::vector<std::uint8_t> encode(const Message& m, const IpAddr& src, const IpAddr& dst);
// The same into `out`: returns the message's length, and wrote it only when
// that is <= out.size() (an empty `out` measures).
std::size_t encode(const Message& m, const IpAddr& src, const IpAddr& dst, std::span<std::uint8_t> out);

// Where a message of this kind is sent (RFC 3376 §4.1.12/§4.2.14, RFC 2236 §9,
// RFC 3810 §5.1.15/§5.2.14, RFC 4286 §4-5).
IpAddr default_destination(const Message& m);

// A complete untagged Ethernet frame carrying `m`, as a querier or proxy sends
// it: IPv4 TTL 1 with Router Alert and TOS 0xc0, or IPv6 hop limit 1 with a
// Hop-by-Hop Router Alert; destination MAC is the mapping of `dst`.
std::vector<std::uint8_t> build_frame(const Message& m, const MacAddr& src_mac, const IpAddr& src,
                                      const IpAddr& dst);
// The same into `out` (an mbuf's data room, with no allocation): returns the
// frame's length, and wrote it only when that is <= out.size().
std::size_t build_frame(const Message& m, const MacAddr& src_mac, const IpAddr& src, const IpAddr& dst,
                        std::span<std::uint8_t> out);
inline std::vector<std::uint8_t> build_frame(const Message& m, const MacAddr& src_mac, const IpAddr& src) {
    return build_frame(m, src_mac, src, default_destination(m));
}

}  // namespace l2snoop
