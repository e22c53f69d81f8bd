// Telemetry commands under /l2snoop/ (dpdk-telemetry.py and scripts/l2snoopctl).
// Callbacks run on DPDK's telemetry threads: they read the control thread's
// snapshot and worker counters (atomics) only, and validate their params.
#pragma once

namespace l2snoop {
class Switch;
// Registers the commands (once) and points them at `sw`; null detaches them,
// waiting for callbacks in flight: after it returns, `sw` may be destroyed.
void register_telemetry(Switch* sw);
}  // namespace l2snoop
