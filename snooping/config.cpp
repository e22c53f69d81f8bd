#include "snooping/config.h"

#include <algorithm>

namespace l2snoop {

bool GroupPrefix::contains(const IpAddr& a) const {
    if (a.family() != prefix.family()) return false;
    const auto& x = a.bytes();
    const auto& y = prefix.bytes();
    unsigned bits = std::min<unsigned>(length, static_cast<unsigned>(a.size() * 8));
    for (std::size_t i = 0; bits > 0; ++i) {
        const unsigned take = std::min(bits, 8u);
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
        if ((x[i] & mask) != (y[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

std::string GroupPrefix::to_string() const { return prefix.to_string() + "/" + std::to_string(length); }

bool FilterProfile::permits(const IpAddr& group) const {
    bool has_permit = false;
    for (const FilterRule& r : rules) {
        if (r.range.contains(group)) return r.permit;
        has_permit |= r.permit && r.range.prefix.family() == group.family();
    }
    return !has_permit;
}

EffectiveTimers EffectiveTimers::from(const Timers& t, unsigned adopted_qrv, Duration adopted_qi) {
    EffectiveTimers e{};
    e.robustness = adopted_qrv ? adopted_qrv : t.robustness;
    e.query_interval = adopted_qi.count() > 0 ? adopted_qi : t.query_interval;
    e.query_response_interval = t.query_response_interval;
    e.last_member_query_interval = t.last_member_query_interval;
    e.last_member_query_count = t.last_member_query_count ? t.last_member_query_count : e.robustness;
    e.startup_query_interval = t.startup_query_interval.count() > 0 ? t.startup_query_interval : e.query_interval / 4;
    e.startup_query_count = t.startup_query_count ? t.startup_query_count : e.robustness;
    // RFC 3376 §8.4, §8.5, §8.13.
    const Duration gmi = e.query_interval * e.robustness + e.query_response_interval;
    e.membership_interval = t.membership_interval.count() > 0 ? t.membership_interval : gmi;
    e.other_querier_interval = t.other_querier_interval.count() > 0
                                   ? t.other_querier_interval
                                   : e.query_interval * e.robustness + e.query_response_interval / 2;
    e.older_host_present = gmi;
    e.router_timeout = t.router_timeout;
    return e;
}

std::vector<std::string> validate(const SnoopConfig& c) {
    std::vector<std::string> err;
    const Timers& t = c.timers;
    if (t.robustness == 0 || t.robustness > 7)
        err.push_back("--robustness must be 1..7 (RFC 3376 §8.1; the QRV field has 3 bits)");
    auto positive = [&](Duration d, const char* name) {
        if (d.count() <= 0) err.push_back(std::string(name) + " must be greater than zero");
    };
    positive(t.query_interval, "--query-interval");
    positive(t.query_response_interval, "--query-response-interval");
    positive(t.last_member_query_interval, "--last-member-query-interval");
    positive(t.router_timeout, "--router-timeout");
    if (t.query_response_interval >= t.query_interval)
        err.push_back("--query-response-interval must be less than --query-interval (RFC 3376 §8.3)");
    if (t.membership_interval.count() < 0) err.push_back("--membership-interval must not be negative");
    if (t.other_querier_interval.count() < 0) err.push_back("--other-querier-interval must not be negative");
    if (t.startup_query_interval.count() < 0) err.push_back("--startup-query-interval must not be negative");
    if (c.igmp_version != 2 && c.igmp_version != 3) err.push_back("--igmp-version must be 2 or 3");
    if (c.mld_version != 1 && c.mld_version != 2) err.push_back("--mld-version must be 1 or 2");
    for (const auto& [vid, a] : c.querier_address4)
        if (a.is_multicast() || a.b[0] == 255)
            err.push_back("--querier-address " + std::to_string(vid) + "=" + a.to_string() + " is not a unicast address");
    for (const auto& [vid, a] : c.querier_address6)
        if (!a.is_unspecified() && !a.is_link_local_unicast())
            err.push_back("--querier-address " + std::to_string(vid) + "=" + a.to_string() +
                          " must be link-local (RFC 3810 §5.1.14) or ::");
    for (const auto& [port, f] : c.port_filters)
        for (const auto& r : f.rules) {
            const GroupPrefix& p = r.range;
            const unsigned lo = p.prefix.is_v4() ? 4u : 8u;  // inside 224.0.0.0/4, ff00::/8
            if (!p.prefix.is_multicast() || p.length < lo || p.length > (p.prefix.is_v4() ? 32u : 128u))
                err.push_back("filter profile '" + f.name + "': " + p.to_string() + " is not a multicast range");
        }
    if (c.max_records_per_report == 0) err.push_back("max records per report must be at least 1");
    if (c.max_sources_per_record == 0) err.push_back("max sources per record must be at least 1");
    return err;
}

}  // namespace l2snoop
