#include "dataplane/ctl_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_thread.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

namespace l2snoop {

namespace {

std::string refusal(const std::string& why) { return nlohmann::json{{"ok", false}, {"error", why}}.dump(); }

}  // namespace

bool ControlServer::start(const std::string& path, std::optional<gid_t> group, std::string& error) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {
        error = "control socket path too long: " + path;
        return false;
    }
    path_ = path;
    ::unlink(path.c_str());  // a socket left by a process of this prefix that died
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    // Nobody but root can use the socket before its mode is set.
    const mode_t old = ::umask(0077);
    const bool bound = listen_fd_ >= 0 && ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::umask(old);
    if (wake_fd_ < 0 || !bound || ::listen(listen_fd_, 16) != 0) {
        error = "control socket " + path + ": " + std::strerror(errno);
        stop();
        return false;
    }
    if (group) {
        // The group may reach the socket: the EAL runtime directory is 0700.
        const std::string dir = path.substr(0, path.rfind('/'));
        if (::chown(path.c_str(), 0, *group) != 0 || ::chmod(path.c_str(), 0660) != 0 ||
            ::chown(dir.c_str(), 0, *group) != 0 || ::chmod(dir.c_str(), 0750) != 0) {
            error = "control socket " + path + ": cannot give it to the group: " + std::strerror(errno);
            stop();
            return false;
        }
    } else if (::chmod(path.c_str(), 0660) != 0) {
        error = "control socket " + path + ": " + std::strerror(errno);
        stop();
        return false;
    }
    if (rte_ctrl_thread_create(&thread_, "l2s-ctl-socket", nullptr, &ControlServer::thread_main, this) != 0) {
        error = "control socket: cannot start its thread";
        stop();
        return false;
    }
    running_ = true;
    return true;
}

void ControlServer::stop() {
    if (running_) {
        stopping_.store(true, std::memory_order_relaxed);
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto w = ::write(wake_fd_, &one, sizeof one);
        pthread_join(thread_, nullptr);
        running_ = false;
    }
    for (auto& [fd, c] : clients_) ::close(fd);
    clients_.clear();
    if (listen_fd_ >= 0) {
        ::close(listen_fd_);
        ::unlink(path_.c_str());
    }
    if (wake_fd_ >= 0) ::close(wake_fd_);
    listen_fd_ = wake_fd_ = -1;
}

void* ControlServer::thread_main(void* self) {
    static_cast<ControlServer*>(self)->loop();
    return nullptr;
}

void ControlServer::loop() {
    std::vector<pollfd> fds;
    while (!stopping_.load(std::memory_order_relaxed)) {
        fds.clear();
        fds.push_back({listen_fd_, POLLIN, 0});
        fds.push_back({wake_fd_, POLLIN, 0});
        for (const auto& [fd, c] : clients_) {
            if (c.eof && c.out.empty()) continue;  // waiting for a change's reply (POLLHUP would spin)
            fds.push_back({fd, static_cast<short>((c.busy || c.eof ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT)), 0});
        }
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;
        if (fds[1].revents & POLLIN) {
            std::uint64_t n;
            [[maybe_unused]] const auto r = ::read(wake_fd_, &n, sizeof n);
            deliver();
        }
        for (std::size_t i = 2; i < fds.size(); ++i) {
            const auto it = clients_.find(fds[i].fd);
            if (it == clients_.end()) continue;
            Client& c = it->second;
            if (fds[i].revents & POLLOUT) {
                const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno != EAGAIN && errno != EINTR) {
                    close_client(c.fd);
                    continue;
                }
                if (n > 0) {
                    c.out.erase(0, static_cast<std::size_t>(n));
                    c.since = std::chrono::steady_clock::now();
                    if (c.out.empty()) next_request(c);  // requests pipelined behind this reply
                    if (c.out.empty() && c.eof && !c.busy) {
                        close_client(c.fd);
                        continue;
                    }
                }
            }
            if (!c.eof && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) read_client(c);
        }
        if (fds[0].revents & POLLIN) accept_client();
        // Clients that stall a request or a reply go; an idle connection may stay.
        const auto now = std::chrono::steady_clock::now();
        std::vector<int> late;
        for (const auto& [fd, c] : clients_)
            if (!c.busy && (!c.in.empty() || !c.out.empty() || c.eof) && now - c.since > kClientTimeout)
                late.push_back(fd);
        for (int fd : late) close_client(fd);
    }
}

void ControlServer::accept_client() {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (clients_.size() >= kMaxClients) {
        const std::string r = refusal("too many clients (" + std::to_string(kMaxClients) + ")") + "\n";
        [[maybe_unused]] const auto n = ::send(fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(fd);
        return;
    }
    Client& c = clients_[fd];
    c.fd = fd;
    c.since = std::chrono::steady_clock::now();
}

void ControlServer::read_client(Client& c) {
    char buf[16384];
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 && (c.busy || !c.out.empty() || c.in.find('\n') != std::string::npos)) {
        c.eof = true;  // half-closed after its request (`nc -N`): the reply still goes out
        next_request(c);
        return;
    }
    if (n <= 0 && (n == 0 || (errno != EAGAIN && errno != EINTR))) {
        close_client(c.fd);  // gone; a change in flight is still applied, its reply dropped
        return;
    }
    if (n < 0) return;
    if (c.in.empty()) c.since = std::chrono::steady_clock::now();
    c.in.append(buf, static_cast<std::size_t>(n));
    if (c.in.find('\n') == std::string::npos && c.in.size() > ctl::kMaxRequest) {
        c.out += refusal("request larger than " + std::to_string(ctl::kMaxRequest) + " bytes") + "\n";
        [[maybe_unused]] const auto w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        close_client(c.fd);
        return;
    }
    if (c.out.empty()) next_request(c);
}

void ControlServer::next_request(Client& c) {
    while (!c.busy && c.out.empty()) {
        const auto nl = c.in.find('\n');
        if (nl == std::string::npos) return;
        const std::string line = c.in.substr(0, nl);
        c.in.erase(0, nl + 1);
        c.since = std::chrono::steady_clock::now();
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
        auto parsed = ctl::parse_request(line);
        if (auto* why = std::get_if<std::string>(&parsed)) {
            c.out = refusal(*why) + "\n";
            return;
        }
        const ctl::Request& req = std::get<ctl::Request>(parsed);
        if (!ctl::changes(req.verb)) {
            read_(req, [&c](std::string reply) { c.out = std::move(reply) + "\n"; });
            return;
        }
        c.busy = true;
        c.serial = next_serial_++;
        const std::uint64_t serial = c.serial;
        change_(req, [this, serial](std::string reply) {
            {
                std::lock_guard lock(done_mu_);
                done_.emplace_back(serial, std::move(reply));
            }
            const std::uint64_t one = 1;
            [[maybe_unused]] const auto w = ::write(wake_fd_, &one, sizeof one);
        });
    }
}

void ControlServer::deliver() {
    std::vector<std::pair<std::uint64_t, std::string>> done;
    {
        std::lock_guard lock(done_mu_);
        done.swap(done_);
    }
    for (auto& [serial, reply] : done)
        for (auto& [fd, c] : clients_)
            if (c.busy && c.serial == serial) {
                c.busy = false;
                c.out = std::move(reply) + "\n";
                c.since = std::chrono::steady_clock::now();
            }
}

void ControlServer::close_client(int fd) {
    ::close(fd);
    clients_.erase(fd);
}

}  // namespace l2snoop
