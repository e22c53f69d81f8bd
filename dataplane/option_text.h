// Shared by the option files (options.cpp: the typed options and parsing;
// option_lists.cpp: the repeatable, structured ones): how a value's text
// becomes a number, a port, a VLAN, a list, and how a bad one is reported.
// Internal to the options library.
#pragma once

#include <charconv>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "dataplane/options.h"

namespace boost::program_options {
class variables_map;
}

namespace l2snoop::option_text {

// A bad value: carries the option name so the message can say which.
struct Bad {
    std::string msg;
};

// The whole of `s` as a number, or nothing.
template <class T>
std::optional<T> parse_number(const std::string& s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

template <class T>
Bad not_in_range(const std::string& opt, const std::string& text, T lo, T hi) {
    return Bad{"--" + opt + ": '" + text + "' is not a number in " + std::to_string(lo) + ".." + std::to_string(hi)};
}

template <class T>
T number(const std::string& s, const std::string& opt, T lo, T hi) {
    const std::optional<T> v = parse_number<T>(s);
    if (!v || *v < lo || *v > hi) throw not_in_range(opt, s, lo, hi);
    return *v;
}

// on|yes|true|1, off|no|false|0
inline std::optional<bool> parse_on_off(const std::string& s) {
    if (s == "on" || s == "yes" || s == "true" || s == "1") return true;
    if (s == "off" || s == "no" || s == "false" || s == "0") return false;
    return std::nullopt;
}

inline std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

inline VlanId vid(const std::string& s, const std::string& opt) { return number<VlanId>(s, opt, 1, kMaxVlanId); }
inline PortId port(const std::string& s, const std::string& opt) {
    return number<PortId>(s, opt, 0, static_cast<PortId>(kMaxPorts - 1));
}

inline PortSet port_list(const std::string& s, const std::string& opt) {
    PortSet set;
    for (const auto& p : split(s, ',')) set.add(port(p, opt));
    return set;
}

// A duration as the options write it, exactly: "125s", "500ms", "10us", "7ns".
inline std::string duration_text(Duration d) {
    const auto n = d.count();  // nanoseconds
    if (n % 1'000'000'000 == 0) return std::to_string(n / 1'000'000'000) + "s";
    if (n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "ms";
    if (n % 1'000 == 0) return std::to_string(n / 1'000) + "us";
    return std::to_string(n) + "ns";
}

// The list options (repeatable, structured values) of `vm` into `c`.
void apply_lists(const boost::program_options::variables_map& vm, Config& c);

}  // namespace l2snoop::option_text
