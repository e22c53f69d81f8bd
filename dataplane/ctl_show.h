// The control channel's reads (`mdb show`, `port show`, `stats` ...): one JSON
// reply from a snapshot of the control plane and the ports' counters. Runs on
// the control channel's thread; never touches live control state.
#pragma once

#include <string>

#include "dataplane/control.h"
#include "dataplane/ctl_proto.h"
#include "dataplane/switch.h"

namespace l2snoop {

std::string show(const ctl::Request& r, const ControlSnapshot& s, const Switch& sw);

}  // namespace l2snoop
