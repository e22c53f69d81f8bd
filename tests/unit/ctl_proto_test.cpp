// The control channel's requests: what each command takes, and every kind of
// bad request refused with one line naming what is wrong.
#include <gtest/gtest.h>

#include "dataplane/ctl_proto.h"

namespace l2snoop::test {
namespace {

using ctl::Request;
using ctl::Verb;

Request ok(const std::string& line) {
    auto r = ctl::parse_request(line);
    if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << line << ": " << *why;
    return std::holds_alternative<Request>(r) ? std::get<Request>(r) : Request{};
}

std::string refused(const std::string& line) {
    auto r = ctl::parse_request(line);
    EXPECT_TRUE(std::holds_alternative<std::string>(r)) << line << " was accepted";
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

TEST(CtlProto, mdb_add_takes_a_vlan_a_group_ports_and_a_source) {
    const Request r = ok(R"({"cmd":"mdb add","vlan":10,"group":"232.1.1.1","ports":[2,3],"source":"192.0.2.1"})");
    EXPECT_EQ(r.verb, Verb::mdb_add);
    EXPECT_EQ(*r.vlan, 10);
    EXPECT_EQ(r.group->to_string(), "232.1.1.1");
    EXPECT_EQ(r.ports, PortSet::of({2, 3}));
    EXPECT_EQ(r.source->to_string(), "192.0.2.1");
    EXPECT_TRUE(ctl::changes(r.verb));
}

TEST(CtlProto, shows_take_filters_and_pages) {
    const Request r = ok(R"({"cmd":"mdb show","vlan":10,"port":1,"group":"ff0e::1","offset":100,"limit":50})");
    EXPECT_EQ(r.verb, Verb::mdb_show);
    EXPECT_EQ(*r.port, 1);
    EXPECT_EQ(r.offset, 100u);
    EXPECT_EQ(r.limit, 50u);
    EXPECT_FALSE(ctl::changes(r.verb));
    EXPECT_EQ(ok(R"({"cmd":"config show"})").verb, Verb::config_show);
}

TEST(CtlProto, port_and_vlan_settings) {
    const Request p = ok(R"({"cmd":"port set","port":2,"option":"fast-leave","on":true})");
    EXPECT_EQ(p.option, ctl::Option::fast_leave);
    EXPECT_TRUE(p.on);
    const Request v = ok(R"({"cmd":"vlan set","vlan":20,"option":"unregistered","policy":"drop"})");
    EXPECT_EQ(v.option, ctl::Option::unregistered);
    EXPECT_EQ(v.policy, UnregisteredPolicy::drop);
    EXPECT_EQ(ok(R"({"cmd":"vlan set","vlan":20,"option":"snooping","on":false})").option, ctl::Option::snooping);
    const Request q = ok(R"({"cmd":"vlan set","vlan":20,"option":"querier","on":true,"address":"fe80::9"})");
    EXPECT_EQ(q.option, ctl::Option::querier);
    EXPECT_EQ(q.address->to_string(), "fe80::9");
}

TEST(CtlProto, fdb_verbs_take_a_unicast_mac) {
    const Request r = ok(R"({"cmd":"fdb add","vlan":10,"mac":"02:00:00:00:00:09","port":3})");
    EXPECT_EQ(r.mac->to_string(), "02:00:00:00:00:09");
}

struct Bad {
    const char* line;
    const char* says;
};
class BadRequests : public ::testing::TestWithParam<Bad> {};

TEST_P(BadRequests, are_refused_with_one_line_saying_why) {
    const std::string why = refused(GetParam().line);
    EXPECT_NE(why.find(GetParam().says), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    CtlProto, BadRequests,
    ::testing::Values(Bad{"{not json", "malformed JSON"}, Bad{"[1,2]", "JSON object"},
                      Bad{R"({"vlan":10})", "missing \"cmd\""}, Bad{R"({"cmd":"mdb explode"})", "unknown command"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1"})", "missing 'ports'"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"10.0.0.1","ports":[1]})", "not a multicast group"},
                      Bad{R"({"cmd":"mdb add","vlan":0,"group":"239.1.1.1","ports":[1]})", "'vlan'"},
                      Bad{R"({"cmd":"mdb add","vlan":4095,"group":"239.1.1.1","ports":[1]})", "'vlan'"},
                      Bad{R"({"cmd":"mdb add","vlan":"ten","group":"239.1.1.1","ports":[1]})", "'vlan'"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[]})", "'ports'"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[-1]})", "'ports'"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[1],"colour":"red"})",
                          "unknown field 'colour'"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[1],"source":"239.2.2.2"})",
                          "not a unicast address"},
                      Bad{R"({"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[1],"source":"2001:db8::1"})",
                          "different families"},
                      Bad{R"({"cmd":"port set","port":1,"option":"turbo","on":true})", "not fast-leave"},
                      Bad{R"({"cmd":"port set","port":1,"option":"flood","on":"yes"})", "'on'"},
                      Bad{R"({"cmd":"vlan set","vlan":10,"option":"unregistered"})", "needs 'policy'"},
                      Bad{R"({"cmd":"vlan set","vlan":10,"option":"unregistered","policy":"all"})", "'policy'"},
                      Bad{R"({"cmd":"fdb add","vlan":10,"mac":"01:00:5e:00:00:01","port":1})", "unicast MAC"},
                      Bad{R"({"cmd":"vlan set","vlan":10,"option":"querier"})", "need 'on'"},
                      Bad{R"({"cmd":"vlan set","vlan":10,"option":"querier","on":true,"address":"239.1.1.1"})", "not unicast"},
                      Bad{R"({"cmd":"vlan set","vlan":10,"option":"snooping","on":true,"address":"10.0.0.1"})",
                          "only querier takes 'address'"},
                      Bad{R"({"cmd":"config save","path":"relative.ini"})", "absolute path"},
                      Bad{R"({"cmd":"router show","vlan":10})", "unknown field 'vlan'"}));

TEST(CtlProto, an_oversize_request_is_refused) {
    const std::string big = R"({"cmd":"mdb show","pad":")" + std::string(ctl::kMaxRequest, 'x') + "\"}";
    EXPECT_NE(refused(big).find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace l2snoop::test
