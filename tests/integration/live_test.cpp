// The control channel's changes on a running switch (in process, real frames
// through the workers), and its dumps at 64 K entries.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "dataplane/ctl_show.h"
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

using json = nlohmann::json;

class LiveControl : public RingSwitch {
protected:
    void SetUp() override {
        Config c = access_all();
        c.unregistered = UnregisteredPolicy::drop;  // a group nobody joined goes nowhere
        start(c);
    }
    // A request as l2snoopctl sends it; the reply as it comes back.
    json call(const std::string& line) {
        auto r = ctl::parse_request(line);
        if (auto* why = std::get_if<std::string>(&r)) return {{"ok", false}, {"error", *why}};
        const ctl::Request& req = std::get<ctl::Request>(r);
        if (!ctl::changes(req.verb)) sw_->control().refresh_snapshot();  // as 250 ms later
        json reply = ctl::changes(req.verb) ? sw_->control().execute(req)
                                            : json::parse(show(req, *sw_->snapshot(), *sw_));
        work();  // frames the change made the control thread send
        return reply;
    }
    std::vector<unsigned> stream_to(const char* group) {
        drain_all();
        const auto f = udp4_frame(ip4(group), ip4("192.0.2.1"));
        inject(0, f);
        work();
        return receivers(f);
    }
};

TEST_F(LiveControl, mdb_add_makes_a_port_receive_and_mdb_del_stops_it) {
    EXPECT_TRUE(stream_to("239.1.1.1").empty());
    const json add = call(R"({"cmd":"mdb add","vlan":1,"group":"239.1.1.1","ports":[2]})");
    ASSERT_TRUE(add["ok"]) << add;
    EXPECT_EQ(add["changed"], json::array({"+ static-group = 1:239.1.1.1:2"}));
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{2});
    const json show = call(R"({"cmd":"mdb show","group":"239.1.1.1"})");
    ASSERT_EQ(show["total"], 1);
    EXPECT_EQ(show["entries"][0]["static"], true);
    EXPECT_EQ(show["forwarding"][0]["ports"], json::array({2}));
    ASSERT_TRUE(call(R"({"cmd":"mdb del","vlan":1,"group":"239.1.1.1","ports":[2]})")["ok"]);
    EXPECT_TRUE(stream_to("239.1.1.1").empty());
}

TEST_F(LiveControl, mdb_del_also_forgets_a_learned_membership) {
    inject(1, report("239.1.1.1"));
    run();
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{1});
    const json del = call(R"({"cmd":"mdb del","vlan":1,"group":"239.1.1.1","ports":[1]})");
    ASSERT_TRUE(del["ok"]) << del;
    EXPECT_TRUE(stream_to("239.1.1.1").empty());
    EXPECT_FALSE(call(R"({"cmd":"mdb del","vlan":1,"group":"239.1.1.1","ports":[1]})")["ok"]) << "nothing left to delete";
}

TEST_F(LiveControl, a_static_source_is_forwarded_from_that_source_only) {
    ASSERT_TRUE(call(R"({"cmd":"mdb add","vlan":1,"group":"232.1.1.1","ports":[3],"source":"192.0.2.1"})")["ok"]);
    EXPECT_EQ(stream_to("232.1.1.1"), std::vector<unsigned>{3});  // from 192.0.2.1
    const auto other = udp4_frame(ip4("232.1.1.1"), ip4("192.0.2.2"));
    inject(0, other);
    work();
    EXPECT_TRUE(receivers(other).empty());
}

TEST_F(LiveControl, mdb_flush_empties_the_table_and_forwarding_follows) {
    inject(1, report("239.1.1.1"));
    inject(2, report("239.1.1.2"));
    run();
    call(R"({"cmd":"mdb add","vlan":1,"group":"239.1.1.3","ports":[3]})");
    const json f = call(R"({"cmd":"mdb flush"})");
    ASSERT_TRUE(f["ok"]) << f;
    EXPECT_EQ(call(R"({"cmd":"mdb show"})")["total"], 0);
    for (const char* g : {"239.1.1.1", "239.1.1.2", "239.1.1.3"}) EXPECT_TRUE(stream_to(g).empty()) << g;
}

TEST_F(LiveControl, mdb_flush_of_one_port_leaves_the_others) {
    inject(1, report("239.1.1.1"));
    inject(2, report("239.1.1.1"));
    run();
    ASSERT_TRUE(call(R"({"cmd":"mdb flush","port":1})")["ok"]);
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{2});
}

TEST_F(LiveControl, router_add_makes_a_port_get_registered_groups_and_reports) {
    inject(1, report("239.1.1.1"));
    run();
    ASSERT_TRUE(call(R"({"cmd":"router add","vlan":1,"port":3})")["ok"]);
    EXPECT_EQ(stream_to("239.1.1.1"), (std::vector<unsigned>{1, 3}));
    const auto r = report("239.1.1.2");
    inject(2, r);
    run();
    EXPECT_EQ(receivers(r), std::vector<unsigned>{3}) << "reports go to the new router port";
    const json routers = call(R"({"cmd":"router show"})");
    EXPECT_EQ(routers["routers"][0]["static"], json::array({3}));
    ASSERT_TRUE(call(R"({"cmd":"router del","vlan":1,"port":3})")["ok"]);
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{1});
}

TEST_F(LiveControl, vlan_set_unregistered_changes_forwarding_at_once) {
    EXPECT_TRUE(stream_to("239.9.9.9").empty());
    ASSERT_TRUE(call(R"({"cmd":"vlan set","vlan":1,"option":"unregistered","policy":"flood"})")["ok"]);
    EXPECT_EQ(stream_to("239.9.9.9"), kAllBut0);
    EXPECT_EQ(call(R"({"cmd":"vlan show","vlan":1})")["vlans"][0]["unregistered"], "flood");
}

TEST_F(LiveControl, port_set_flood_makes_a_port_get_unregistered_groups) {
    ASSERT_TRUE(call(R"({"cmd":"port set","port":2,"option":"flood","on":true})")["ok"]);
    EXPECT_EQ(stream_to("239.9.9.9"), std::vector<unsigned>{2});
    EXPECT_EQ(call(R"({"cmd":"port show","port":2})")["ports"][0]["flood"], true);
}

TEST_F(LiveControl, port_set_fast_leave_changes_leave_handling) {
    inject(1, report("239.1.1.1"));
    run();
    ASSERT_TRUE(call(R"({"cmd":"port set","port":1,"option":"fast-leave","on":true})")["ok"]);
    inject(1, leave("239.1.1.1"));
    run();
    EXPECT_TRUE(stream_to("239.1.1.1").empty()) << "pruned at once";
}

TEST_F(LiveControl, vlan_set_snooping_off_floods_and_on_snoops_again) {
    inject(1, report("239.1.1.1"));
    run();
    ASSERT_TRUE(call(R"({"cmd":"vlan set","vlan":1,"option":"snooping","on":false})")["ok"]);
    EXPECT_EQ(stream_to("239.1.1.1"), kAllBut0);
    ASSERT_TRUE(call(R"({"cmd":"vlan set","vlan":1,"option":"snooping","on":true})")["ok"]);
    inject(2, report("239.1.1.1"));
    run();
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{2});
}

TEST_F(LiveControl, fdb_add_pins_a_mac_and_fdb_del_unpins_it) {
    ASSERT_TRUE(call(R"({"cmd":"fdb add","vlan":1,"mac":"02:00:00:00:00:99","port":3})")["ok"]);
    const json fdb = call(R"({"cmd":"fdb show","port":3})");
    ASSERT_EQ(fdb["total"], 1);
    EXPECT_EQ(fdb["entries"][0]["static"], true);
    ASSERT_TRUE(call(R"({"cmd":"fdb del","vlan":1,"mac":"02:00:00:00:00:99"})")["ok"]);
    EXPECT_EQ(call(R"({"cmd":"fdb show","port":3})")["total"], 0);
}

TEST_F(LiveControl, fdb_flush_forgets_learned_macs_and_keeps_static_ones) {
    auto from = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));  // link-local: flooded, its source learned
    const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0xaa};
    std::copy(mac, mac + 6, from.begin() + 6);
    inject(1, from);
    run();
    call(R"({"cmd":"fdb add","vlan":1,"mac":"02:00:00:00:00:99","port":3})");
    ASSERT_EQ(call(R"({"cmd":"fdb show"})")["total"], 2);
    const json f = call(R"({"cmd":"fdb flush","port":1})");
    ASSERT_TRUE(f["ok"]) << f;
    EXPECT_EQ(f["changed"], json::array({"forgot 1 learned MAC(s)"}));
    const json left = call(R"({"cmd":"fdb show"})");
    ASSERT_EQ(left["total"], 1);
    EXPECT_EQ(left["entries"][0]["static"], true);
}

TEST_F(LiveControl, port_set_router_learning_off_drops_a_learned_router_and_ignores_its_queries) {
    inject(3, general_query("10.0.0.1"));
    run();
    EXPECT_EQ(call(R"({"cmd":"router show"})")["routers"][0]["ports"], json::array({3}));
    ASSERT_TRUE(call(R"({"cmd":"port set","port":3,"option":"router-learning","on":false})")["ok"]);
    EXPECT_EQ(call(R"({"cmd":"router show"})")["routers"][0]["ports"], json::array());
    inject(3, general_query("10.0.0.1"));
    run();
    EXPECT_EQ(call(R"({"cmd":"router show"})")["routers"][0]["ports"], json::array()) << "not learned again";
    EXPECT_EQ(call(R"({"cmd":"port show","port":3})")["ports"][0]["router_learning"], false);
}

TEST_F(LiveControl, refused_requests_change_nothing) {
    inject(1, report("239.1.1.1"));
    run();
    call(R"({"cmd":"mdb add","vlan":1,"group":"239.1.1.2","ports":[2]})");
    const Config before = sw_->control().live_config();
    const auto memberships = [&] {
        std::vector<std::tuple<VlanId, IpAddr, PortId>> m;
        for (const auto& v : sw_->snooper().memberships(sw_->now())) m.emplace_back(v.vid, v.group, v.port);
        return m;
    };
    const auto learned = memberships();
    ASSERT_EQ(learned.size(), 1u);
    const char* bad[] = {
        R"({"cmd":"mdb add","vlan":1,"group":"239.1.1.1","ports":[9]})",   // no such port
        R"({"cmd":"mdb add","vlan":7,"group":"239.1.1.1","ports":[1]})",   // a VLAN on no port
        R"({"cmd":"mdb add","vlan":1,"group":"10.1.1.1","ports":[1]})",    // not multicast
        R"({"cmd":"mdb del","vlan":1,"group":"239.1.1.9","ports":[1]})",   // no such entry
        R"({"cmd":"router del","vlan":1,"port":2})",                       // not a router port
        R"({"cmd":"port set","port":12,"option":"flood","on":true})",      // no such port
        R"({"cmd":"fdb add","vlan":7,"mac":"02:00:00:00:00:77","port":1})",  // a VLAN on no port
        R"({"cmd":"fdb del","vlan":1,"mac":"02:00:00:00:00:77"})",         // no such entry
        R"({"cmd":"config save","path":"/nonexistent/dir/x.ini"})",        // cannot write
        R"({"cmd":"mdb explode"})", "{oops",
    };
    for (const char* b : bad) {
        const json r = call(b);
        EXPECT_EQ(r["ok"], false) << b;
        EXPECT_FALSE(r.value("error", "").empty()) << b;
        EXPECT_TRUE(sw_->control().live_config() == before) << b;
        EXPECT_EQ(memberships(), learned) << b;
    }
    EXPECT_EQ(stream_to("239.1.1.1"), std::vector<unsigned>{1});
    EXPECT_EQ(stream_to("239.1.1.2"), std::vector<unsigned>{2});
}

TEST_F(LiveControl, only_a_restart_changes_table_sizes_and_port_modes) {
    Config next = sw_->control().live_config();
    next.mdb_size *= 2;
    next.ports[1] = PortConfig{PortConfig::Mode::access, 20, {}, {}};
    std::vector<std::string> changed;
    std::string error;
    EXPECT_FALSE(sw_->control().reconfigure(next, changed, error));
    EXPECT_EQ(error, "only a restart changes --port, --mdb-size");
    EXPECT_TRUE(changed.empty());
}

TEST_F(LiveControl, config_show_reads_back_to_the_live_configuration) {
    call(R"({"cmd":"mdb add","vlan":1,"group":"239.1.1.1","ports":[2]})");
    call(R"({"cmd":"port set","port":1,"option":"fast-leave","on":true})");
    const std::string ini = call(R"({"cmd":"config show"})")["config"];
    const std::string path = ::testing::TempDir() + "l2snoop_live_test.ini";
    std::ofstream(path) << ini;
    const ParseResult back = parse_options({"--config", path});
    std::remove(path.c_str());
    ASSERT_TRUE(back.config) << back.error;
    EXPECT_TRUE(*back.config == sw_->control().live_config()) << ini;
}

TEST_F(LiveControl, stats_count_per_port_and_per_vlan_with_rejections_by_reason) {
    inject(1, report("239.1.1.1"));
    auto bad = report("239.1.1.2");
    bad[14 + 4 * (bad[14] & 0x0f) + 2] ^= 0xff;  // the IGMP checksum
    inject(2, bad);
    run();
    const json port1 = call(R"({"cmd":"stats","port":1})");
    EXPECT_EQ(port1["ports"]["1"]["snooping"]["igmpv2_reports"], 1) << port1;
    EXPECT_FALSE(port1["ports"].contains("2")) << "one port asked for";
    EXPECT_FALSE(port1.contains("snooping")) << "no switch totals with a filter";
    EXPECT_EQ(call(R"({"cmd":"stats","port":2})")["ports"]["2"]["snooping"]["rejected"]["bad_checksum"], 1);
    const json vlan = call(R"({"cmd":"stats","vlan":1})");
    EXPECT_EQ(vlan["vlans"]["1"]["snooping"]["igmpv2_reports"], 1);
    EXPECT_EQ(vlan["vlans"]["1"]["snooping"]["rejected"]["bad_checksum"], 1);
    EXPECT_EQ(vlan["vlans"]["1"]["snooping"]["elections_won"], 0);
}

// `stats` lists the counters from their tables (fdb/names.h CounterRow), no
// more and no fewer: a counter added to a table needs no change here.
TEST_F(LiveControl, stats_lists_exactly_the_counter_tables_rows) {
    const json s = call(R"({"cmd":"stats"})");
    const auto keys = [](const json& o) {
        std::set<std::string> k;
        for (const auto& [name, v] : o.items())
            if (v.is_number()) k.insert(name);
        return k;
    };
    const auto names = [](const auto& rows) {
        std::set<std::string> n;
        for (const auto& r : rows) n.insert(std::string(r.name));
        return n;
    };
    EXPECT_EQ(keys(s["snooping"]), names(kSnoopCounters)) << s["snooping"];
    EXPECT_EQ(keys(s["control"]), names(kControlCounters)) << s["control"];
}

TEST_F(LiveControl, vlan_set_querier_on_sends_queries_from_the_address_given) {
    drain_all();
    const json r = call(R"({"cmd":"vlan set","vlan":1,"option":"querier","on":true,"address":"192.0.2.9"})");
    ASSERT_TRUE(r["ok"]) << r;
    sw_->control_iteration();  // the timers run: startup queries
    work();
    const auto got = take(1);
    ASSERT_FALSE(got.empty()) << "a general query on port 1";
    Message m;
    const std::size_t ihl = 4 * (got[0][14] & 0x0f);
    ASSERT_EQ(decode(IpFamily::v4, std::span(got[0]).subspan(14 + ihl), {*IpAddr::parse("192.0.2.9"),
              *IpAddr::parse("224.0.0.1"), 1, true}, m), DecodeError::none);
    EXPECT_TRUE(m.is_general_query());
    EXPECT_EQ(IpAddr(Ipv4Addr{{got[0][26], got[0][27], got[0][28], got[0][29]}}), *IpAddr::parse("192.0.2.9"));
    const json q = call(R"({"cmd":"querier show"})");
    EXPECT_EQ(q["queriers"][0]["querier"], "192.0.2.9");
    EXPECT_EQ(q["queriers"][0]["self"], true);
}

// 65,536 memberships, listed completely; pages add up to the whole.
class Dump : public RingSwitch {};

TEST_F(Dump, sixty_five_thousand_memberships_are_listed_completely) {
    Config c = access_all();
    c.mdb_size = 1 << 17;
    for (unsigned i = 0; i < 65536; ++i) {
        const Ipv4Addr g{{239, 10, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}};
        c.static_groups[{1, IpAddr(g)}] = PortSet::of({static_cast<PortId>(1 + i % 3)});
    }
    start(c);
    const auto all = json::parse(show(std::get<ctl::Request>(ctl::parse_request(R"({"cmd":"mdb show"})")),
                                      *sw_->snapshot(), *sw_));
    EXPECT_EQ(all["total"], 65536);
    EXPECT_EQ(all["entries"].size(), 65536u);
    EXPECT_EQ(all["forwarding"].size(), 65536u);
    std::size_t seen = 0;
    for (std::size_t offset = 0; offset < 65536; offset += 10000) {
        const std::string req = R"({"cmd":"mdb show","limit":10000,"offset":)" + std::to_string(offset) + "}";
        const auto page = json::parse(show(std::get<ctl::Request>(ctl::parse_request(req)), *sw_->snapshot(), *sw_));
        EXPECT_EQ(page["total"], 65536);
        EXPECT_EQ(page["entries"][0], all["entries"][offset]);
        seen += page["count"].get<std::size_t>();
    }
    EXPECT_EQ(seen, 65536u);
}

}  // namespace
}  // namespace l2snoop::test
