#include "dataplane/log.h"

namespace l2snoop {
int g_log_dataplane = RTE_LOGTYPE_USER1;
int g_log_snooping = RTE_LOGTYPE_USER2;

void register_log_types() {
    if (int t = rte_log_register_type_and_pick_level("l2snoop.dataplane", RTE_LOG_INFO); t >= 0) g_log_dataplane = t;
    if (int t = rte_log_register_type_and_pick_level("l2snoop.snooping", RTE_LOG_NOTICE); t >= 0) g_log_snooping = t;
}
}  // namespace l2snoop
