#include "dataplane/ctl_proto.h"

#include <nlohmann/json.hpp>

#include <array>
#include <set>

namespace l2snoop::ctl {

namespace {

using json = nlohmann::json;

// What each command takes: fields it requires and fields it allows besides.
struct Shape {
    Verb verb;
    std::string_view name;
    std::set<std::string_view> required, optional;
};

const std::array<Shape, 20>& shapes() {
    static const std::array<Shape, 20> s{{
        {Verb::mdb_show, "mdb show", {}, {"vlan", "port", "group", "offset", "limit"}},
        {Verb::mdb_add, "mdb add", {"vlan", "group", "ports"}, {"source"}},
        {Verb::mdb_del, "mdb del", {"vlan", "group", "ports"}, {"source"}},
        {Verb::mdb_flush, "mdb flush", {}, {"vlan", "port"}},
        {Verb::router_show, "router show", {}, {}},
        {Verb::router_add, "router add", {"vlan", "port"}, {}},
        {Verb::router_del, "router del", {"vlan", "port"}, {}},
        {Verb::port_show, "port show", {}, {"port"}},
        {Verb::port_set, "port set", {"port", "option", "on"}, {}},
        {Verb::vlan_show, "vlan show", {}, {"vlan"}},
        {Verb::vlan_set, "vlan set", {"vlan", "option"}, {"on", "policy", "address"}},
        {Verb::fdb_show, "fdb show", {}, {"vlan", "port", "offset", "limit"}},
        {Verb::fdb_add, "fdb add", {"vlan", "mac", "port"}, {}},
        {Verb::fdb_del, "fdb del", {"vlan", "mac"}, {}},
        {Verb::fdb_flush, "fdb flush", {}, {"vlan", "port"}},
        {Verb::querier_show, "querier show", {}, {}},
        {Verb::stats, "stats", {}, {"port", "vlan"}},
        {Verb::mrp_show, "mrp show", {}, {"vlan", "port", "offset", "limit"}},
        {Verb::config_show, "config show", {}, {}},
        {Verb::config_save, "config save", {"path"}, {}},
    }};
    return s;
}

struct Refused {
    std::string why;
};

std::uint64_t unsigned_field(const json& v, std::string_view key, std::uint64_t max) {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
        throw Refused{"'" + std::string(key) + "' must be a whole number in 0.." + std::to_string(max)};
    return v.get<std::uint64_t>();
}

std::string string_field(const json& v, std::string_view key) {
    if (!v.is_string()) throw Refused{"'" + std::string(key) + "' must be a string"};
    return v.get<std::string>();
}

PortId port_field(const json& v, std::string_view key) {
    return static_cast<PortId>(unsigned_field(v, key, kMaxPorts - 1));
}

VlanId vlan_field(const json& v) {
    const auto n = unsigned_field(v, "vlan", kMaxVlanId);
    if (n == 0) throw Refused{"'vlan' must be in 1.." + std::to_string(kMaxVlanId)};
    return static_cast<VlanId>(n);
}

IpAddr ip_field(const json& v, std::string_view key) {
    const std::string s = string_field(v, key);
    const auto a = IpAddr::parse(s);
    if (!a) throw Refused{"'" + std::string(key) + "': '" + s + "' is not an IPv4 or IPv6 address"};
    return *a;
}

Option option_field(const json& v, Verb verb) {
    const std::string s = string_field(v, "option");
    if (verb == Verb::port_set) {
        if (s == "fast-leave") return Option::fast_leave;
        if (s == "router-learning") return Option::router_learning;
        if (s == "flood") return Option::flood;
        throw Refused{"'option': '" + s + "' is not fast-leave, router-learning or flood"};
    }
    if (s == "snooping") return Option::snooping;
    if (s == "querier") return Option::querier;
    if (s == "unregistered") return Option::unregistered;
    throw Refused{"'option': '" + s + "' is not snooping, querier or unregistered"};
}

void field(Request& r, const std::string& key, const json& v) {
    if (key == "vlan") {
        r.vlan = vlan_field(v);
    } else if (key == "port") {
        r.port = port_field(v, key);
    } else if (key == "ports") {
        if (!v.is_array() || v.empty()) throw Refused{"'ports' must be a non-empty array of port numbers"};
        for (const json& p : v) r.ports.add(port_field(p, "ports"));
    } else if (key == "group") {
        r.group = ip_field(v, key);
        if (!r.group->is_multicast()) throw Refused{"'group': " + r.group->to_string() + " is not a multicast group"};
    } else if (key == "source") {
        r.source = ip_field(v, key);
        if (r.source->is_multicast() || r.source->is_unspecified())
            throw Refused{"'source': " + r.source->to_string() + " is not a unicast address"};
    } else if (key == "mac") {
        const std::string s = string_field(v, key);
        const auto m = MacAddr::parse(s);
        if (!m || m->is_multicast()) throw Refused{"'mac': '" + s + "' is not a unicast MAC address"};
        r.mac = *m;
    } else if (key == "option") {
        r.option = option_field(v, r.verb);
    } else if (key == "on") {
        if (!v.is_boolean()) throw Refused{"'on' must be true or false"};
        r.on = v.get<bool>();
    } else if (key == "policy") {
        const std::string s = string_field(v, key);
        const auto p = names_of(UnregisteredPolicy{}).parse(s);
        if (!p) throw Refused{"'policy': '" + s + "' is not " + names_of(UnregisteredPolicy{}).alternatives()};
        r.policy = *p;
    } else if (key == "address") {
        r.address = ip_field(v, key);
        if (r.address->is_multicast()) throw Refused{"'address': " + r.address->to_string() + " is not unicast"};
    } else if (key == "path") {
        r.path = string_field(v, key);
        if (r.path.empty() || r.path.front() != '/') throw Refused{"'path' must be an absolute path"};
    } else if (key == "offset") {
        r.offset = unsigned_field(v, key, 1u << 30);
    } else if (key == "limit") {
        r.limit = unsigned_field(v, key, 1u << 30);
    }
}

}  // namespace

std::string_view name(Verb v) {
    for (const Shape& s : shapes())
        if (s.verb == v) return s.name;
    return "?";
}

bool changes(Verb v) {
    switch (v) {
        case Verb::mdb_add:
        case Verb::mdb_del:
        case Verb::mdb_flush:
        case Verb::router_add:
        case Verb::router_del:
        case Verb::port_set:
        case Verb::vlan_set:
        case Verb::fdb_add:
        case Verb::fdb_del:
        case Verb::fdb_flush:
        case Verb::config_save: return true;
        default: return false;
    }
}

std::variant<Request, std::string> parse_request(std::string_view line) {
    if (line.size() > kMaxRequest) return "request larger than " + std::to_string(kMaxRequest) + " bytes";
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return std::string("malformed JSON");
    if (!j.is_object()) return std::string("a request is a JSON object");
    const auto cmd = j.find("cmd");
    if (cmd == j.end() || !cmd->is_string()) return std::string("missing \"cmd\" (a string, e.g. \"mdb show\")");
    const std::string c = cmd->get<std::string>();
    const Shape* shape = nullptr;
    std::string known;
    for (const Shape& s : shapes()) {
        if (s.name == c) shape = &s;
        known += std::string(known.empty() ? "" : ", ") + std::string(s.name);
    }
    if (shape == nullptr) return "unknown command '" + c + "' (one of: " + known + ")";
    Request r;
    r.verb = shape->verb;
    try {
        // "option" first: the meaning of "on" and "policy" depends on it.
        if (const auto o = j.find("option"); o != j.end() && shape->required.count("option")) field(r, "option", *o);
        for (const auto& [key, value] : j.items()) {
            if (key == "cmd" || key == "option") continue;
            if (!shape->required.count(key) && !shape->optional.count(key))
                throw Refused{"unknown field '" + key + "'"};
            field(r, key, value);
        }
        for (std::string_view k : shape->required)
            if (!j.contains(std::string(k))) throw Refused{"missing '" + std::string(k) + "'"};
        if (r.verb == Verb::vlan_set) {
            if ((r.option == Option::snooping || r.option == Option::querier) && !j.contains("on"))
                throw Refused{"snooping and querier need 'on'"};
            if (j.contains("address") && r.option != Option::querier) throw Refused{"only querier takes 'address'"};
            if (r.option == Option::unregistered && !j.contains("policy")) throw Refused{"unregistered needs 'policy'"};
        }
        if (r.source && r.group && r.source->family() != r.group->family())
            throw Refused{"'source' and 'group' are of different families"};
    } catch (const Refused& e) {
        return c + ": " + e.why;
    }
    return r;
}

}  // namespace l2snoop::ctl
