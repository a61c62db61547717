#pragma once
// The NemoVideo simulator on a real socket: its own io_context on its own thread, HTTP or HTTPS,
// bound to 127.0.0.1 port 0 by default. Tests start it in-process; the fake_nemo executable
// wraps it for use by hand.
#include "fake_nemo/simulator.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace reel::fake_nemo {

struct tls_files {
  std::filesystem::path cert_chain;   // PEM, leaf first
  std::filesystem::path private_key;  // PEM
};

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (read it from start())
  std::optional<tls_files> tls;
  bool verbose = false;  // one stderr line per request
};

class server {
 public:
  explicit server(server_options options = {});
  // Stops the server if it runs.
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Makes the sample MP4 (once per process), binds, listens and starts the I/O thread; returns
  // the bound port. Throws (std::runtime_error, boost::system::system_error) on failure. Once.
  std::uint16_t start();
  // Closes the listener and every connection and joins the thread. Idempotent.
  void stop();

  std::uint16_t port() const noexcept;
  // "http://127.0.0.1:<port>" or "https://...".
  std::string base_url() const;
  // Knobs, faults, scripted turns, counters: thread-safe, usable before and after start().
  simulator& sim() noexcept;
  std::shared_ptr<simulator> shared_sim() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::fake_nemo
