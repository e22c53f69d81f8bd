// Telemetry commands under /l2snoop/ (dpdk-telemetry.py and scripts/l2snoopctl).
// Callbacks run on DPDK's telemetry threads: they read the control thread's
// snapshot and worker counters (atomics) only, and validate their params.
#pragma once

namespace l2snoop {
class Switch;
// Registers the commands; `sw` must outlive the EAL.
void register_telemetry(Switch* sw);
}  // namespace l2snoop
