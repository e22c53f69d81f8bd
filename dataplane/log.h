// DPDK log types of l2snoop, so `--log-level=l2snoop.snooping:debug` works.
#pragma once

#include <rte_log.h>

namespace l2snoop {
extern int g_log_dataplane;  // l2snoop.dataplane: ports, links, start/stop
extern int g_log_snooping;   // l2snoop.snooping: groups joining/leaving, routers, querier
void register_log_types();
}  // namespace l2snoop

#define L2S_LOG(type, level, ...) rte_log(RTE_LOG_##level, ::l2snoop::g_log_##type, "l2snoop: " __VA_ARGS__)
