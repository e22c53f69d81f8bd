// The control channel's socket: a Unix stream socket in the EAL runtime
// directory (/var/run/dpdk/PREFIX/l2snoop.ctl), mode 0660, owned by root and
// the --control-group if given. One thread (a DPDK control thread, never on a
// worker's core) serves every client with poll(): a request is one line of
// JSON (ctl_proto.h), the reply one line of JSON. Reads are answered on this
// thread from the control plane's snapshot; changes are posted to the control
// thread, whose reply comes back through a wake-up eventfd, so a slow change
// never blocks other clients. A client that sends more than kMaxRequest
// without a newline, or leaves a request or a reply unfinished for
// kClientTimeout, is disconnected; the switch never waits on a client.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <string>
#include <vector>

#include "dataplane/ctl_proto.h"

namespace l2snoop {

class ControlServer {
public:
    using Reply = std::function<void(std::string)>;
    // `read` answers a request that changes nothing, on the server thread;
    // `change` takes one that does and calls Reply later, from any thread.
    using Handler = std::function<void(const ctl::Request&, Reply)>;
    static constexpr std::chrono::seconds kClientTimeout{10};
    static constexpr std::size_t kMaxClients = 32;

    ControlServer(Handler read, Handler change) : read_(std::move(read)), change_(std::move(change)) {}
    ~ControlServer() { stop(); }
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Binds `path` and starts serving. `group`: the group that may connect
    // (the directory is opened to it too); none: root only.
    bool start(const std::string& path, std::optional<gid_t> group, std::string& error);
    void stop();
    const std::string& path() const { return path_; }

private:
    struct Client {
        int fd = -1;
        std::string in, out;
        bool busy = false;  // a change is with the control thread
        bool eof = false;   // the client sent all it will (half-closed): reply, then close
        std::chrono::steady_clock::time_point since;  // start of the unfinished request or reply
        std::uint64_t serial = 0;
    };
    static void* thread_main(void* self);
    void loop();
    void accept_client();
    void read_client(Client& c);
    void next_request(Client& c);
    void deliver();  // replies the control thread finished
    void close_client(int fd);

    Handler read_, change_;
    std::string path_;
    int listen_fd_ = -1, wake_fd_ = -1;
    pthread_t thread_{};
    bool running_ = false;
    std::atomic<bool> stopping_{false};
    std::map<int, Client> clients_;  // server thread only
    std::uint64_t next_serial_ = 1;
    std::mutex done_mu_;  // control thread -> server thread
    std::vector<std::pair<std::uint64_t, std::string>> done_;
};

}  // namespace l2snoop
