#include "fdb/addr.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace l2snoop {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// inet_pton needs a NUL-terminated string; addresses are short.
template <std::size_t N>
bool copy_terminated(std::string_view text, char (&buf)[N]) {
    if (text.size() >= N) return false;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return true;
}

}  // namespace

std::string MacAddr::to_string() const {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return buf;
}

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    MacAddr m;
    for (std::size_t i = 0; i < 6; ++i) {
        int hi = hex_digit(text[i * 3]);
        int lo = hex_digit(text[i * 3 + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        if (i < 5 && text[i * 3 + 2] != ':') return std::nullopt;
        m.b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return m;
}

std::string Ipv4Addr::to_string() const {
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, b.data(), buf, sizeof buf);
    return buf;
}

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) {
    char buf[INET_ADDRSTRLEN];
    Ipv4Addr a;
    if (!copy_terminated(text, buf) || inet_pton(AF_INET, buf, a.b.data()) != 1) return std::nullopt;
    return a;
}

std::string Ipv6Addr::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
    return buf;
}

std::optional<Ipv6Addr> Ipv6Addr::parse(std::string_view text) {
    char buf[INET6_ADDRSTRLEN];
    Ipv6Addr a;
    if (!copy_terminated(text, buf) || inet_pton(AF_INET6, buf, a.b.data()) != 1) return std::nullopt;
    return a;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        if (auto a = Ipv6Addr::parse(text)) return IpAddr(*a);
        return std::nullopt;
    }
    if (auto a = Ipv4Addr::parse(text)) return IpAddr(*a);
    return std::nullopt;
}

}  // namespace l2snoop
