#include "runtime/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <cstdlib>
#include <mutex>

namespace reel::runtime {
namespace {

// Formats each record, redacts it, and writes it to stderr in one write(2).
class redacting_stderr_sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit redacting_stderr_sink(std::shared_ptr<core::redactor> r) : redactor_(std::move(r)) {}
  void add_secret(std::string s) {
    std::lock_guard<std::mutex> lock(mutex_);
    redactor_->add_secret(std::move(s));
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    auto line = redactor_->redact(std::string_view(buf.data(), buf.size()));
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      auto n = ::write(STDERR_FILENO, p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  void flush_() override {}

 private:
  std::shared_ptr<core::redactor> redactor_;
};

std::shared_ptr<redacting_stderr_sink> g_sink;

}  // namespace

std::shared_ptr<core::redactor> init_logging(std::string_view level) {
  auto r = std::make_shared<core::redactor>();
  g_sink = std::make_shared<redacting_stderr_sink>(r);
  auto logger = std::make_shared<spdlog::logger>("reeld", g_sink);
  // Under systemd the journal stamps time and level; elsewhere a short stamp helps.
  if (std::getenv("JOURNAL_STREAM"))
    logger->set_pattern("<%l> %v");
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
  return r;
}

void add_log_secret(std::string secret) {
  if (g_sink) g_sink->add_secret(std::move(secret));
}

}  // namespace reel::runtime
