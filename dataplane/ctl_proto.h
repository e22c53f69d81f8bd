// The control channel's requests (docs/operation.md): one JSON object per
// line, e.g. {"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[2,3]}.
// Parsing is pure (no EAL) and strict: a request names a known command, has
// every field the command needs, no field it does not know, and each value
// of its type and range; otherwise one line says what is wrong. Whether the
// ports and VLANs exist is the executor's question (control thread).
// JSON: nlohmann-json (Debian's nlohmann-json3-dev), header-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "fdb/addr.h"
#include "fdb/port_set.h"
#include "fdb/vlan_table.h"

namespace l2snoop::ctl {

// Requests larger than this are refused and the connection closed.
inline constexpr std::size_t kMaxRequest = 64 * 1024;

enum class Verb : std::uint8_t {
    mdb_show, mdb_add, mdb_del, mdb_flush,
    router_show, router_add, router_del,
    port_show, port_set,
    vlan_show, vlan_set,
    fdb_show, fdb_add, fdb_del, fdb_flush,
    querier_show, stats, mrp_show,
    config_show, config_save,
};

// `port set P OPTION on|off`, `vlan set VID OPTION ...`.
enum class Option : std::uint8_t { none, fast_leave, router_learning, flood, snooping, querier, unregistered };

struct Request {
    Verb verb{};
    std::optional<VlanId> vlan;
    std::optional<PortId> port;
    PortSet ports;                   // mdb add/del
    std::optional<IpAddr> group;     // mdb
    std::optional<IpAddr> source;    // mdb add/del: (S,G)
    std::optional<MacAddr> mac;      // fdb
    Option option = Option::none;    // port set / vlan set
    bool on = false;                 // port set / vlan set snooping|querier
    std::optional<IpAddr> address;   // vlan set querier: our querier address
    UnregisteredPolicy policy{};     // vlan set unregistered
    std::string path;                // config save
    std::size_t offset = 0, limit = 0;  // shows: rows [offset, offset + limit); limit 0: all
};

// The command's name as a client writes it ("mdb add").
std::string_view name(Verb v);
// Changes state (goes to the control thread) or only reads it (served from a snapshot).
bool changes(Verb v);

// A request, or the one-line reason it is refused.
std::variant<Request, std::string> parse_request(std::string_view line);

}  // namespace l2snoop::ctl
