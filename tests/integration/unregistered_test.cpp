// The three unregistered-multicast policies, told apart on a VLAN with a
// multicast router port (3) and a flood port (2) (docs/snooping.md, forward.h).
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

class Unregistered : public RingSwitch {
protected:
    // Port 3: a static IGMP router port; port 2: a --flood-ports port.
    void start_with(UnregisteredPolicy u) {
        Config c = access_all();
        c.unregistered = u;
        start(c, [](Config& cfg, const std::vector<PortId>& ids) {
            cfg.snoop.static_router_ports = PortSet::of({ids[3]});
            cfg.flood_ports = PortSet::of({ids[2]});
        });
    }
    std::vector<unsigned> unregistered_receivers() {
        const auto f = udp4_frame(ip4("239.9.9.9"), ip4("192.0.2.1"));
        inject(0, f);
        work();
        return receivers(f);
    }
};

TEST_F(Unregistered, flood_sends_to_every_port_of_the_vlan) {
    start_with(UnregisteredPolicy::flood);
    EXPECT_EQ(unregistered_receivers(), (std::vector<unsigned>{1, 2, 3}));
}

TEST_F(Unregistered, router_sends_to_router_ports_and_flood_ports) {
    start_with(UnregisteredPolicy::router);
    EXPECT_EQ(unregistered_receivers(), (std::vector<unsigned>{2, 3}));
}

TEST_F(Unregistered, drop_sends_to_flood_ports_only_not_even_router_ports) {
    start_with(UnregisteredPolicy::drop);
    EXPECT_EQ(unregistered_receivers(), std::vector<unsigned>{2});
}

TEST_F(Unregistered, drop_leaves_registered_groups_going_to_router_ports) {
    start_with(UnregisteredPolicy::drop);
    inject(1, report("239.9.9.9"));
    run();
    drain_all();
    EXPECT_EQ(unregistered_receivers(), (std::vector<unsigned>{1, 3})) << "registered now: members and routers";
}

}  // namespace
}  // namespace l2snoop::test
