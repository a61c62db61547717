#include "cli/command_context.hpp"

#include "cli/daemon_config_file.hpp"
#include "cli/interrupt.hpp"

namespace reel::cli {

command_context::command_context(const global_options& globals, core::env_lookup env,
                                 std::ostream& out, std::ostream& err)
    : globals_(globals), env_(std::move(env)), out_(out), err_(err) {}

void command_context::trace(std::string_view line) {
  if (globals_.verbose > 0) err_ << "reel: " << line << '\n' << std::flush;
}

client_result<client_options> command_context::client_options_for_daemon() {
  if (resolved_) return *resolved_;
  std::vector<std::string> warnings;
  auto files = read_daemon_config_files(daemon_config_paths(env_), warnings);
  for (const auto& w : warnings) trace("ignoring a config file that does not parse: " + w);
  auto address = resolve_daemon_address(globals_.host, env_, files);
  if (!address) return address.error();

  std::optional<std::string> state_dir;
  for (const auto& f : files) {
    if (f.state_dir) {
      state_dir = f.state_dir;
      break;
    }
  }
  auto key = load_api_key(globals_.key_file, env_, api_key_candidates(env_, state_dir));
  if (!key) return key.error();
  key_ = *key;
  if (key->value)
    trace("API key from " + key->source);
  else
    trace("no API key found; sending requests without one");

  client_options o;
  o.address = *address;
  o.api_key = key->value;
  o.stop = [] { return interrupted(); };
  if (globals_.verbose > 0) o.trace = [this](std::string_view line) { trace(line); };
  resolved_ = o;
  return o;
}

std::string command_context::key_hint() const {
  if (!key_) return {};
  if (key_->value)
    return "the API key came from " + key_->source +
           "; it must be the one of the daemon you reach (pass another with --key-file FILE)";
  std::string looked;
  for (const auto& p : key_->looked_at) looked += (looked.empty() ? "" : ", ") + p;
  return "no API key found (looked at " + looked +
         "): the daemon writes one when it first starts; or pass --key-file FILE or set "
         "$REEL_API_KEY";
}

nlohmann::json command_context::error_json(const client_error& e) const {
  if (e.kind == failure::daemon && e.envelope.is_object()) return e.envelope;
  auto j = core::to_json(e.error);
  j["error"]["code"] = e.code_name;
  if (e.kind == failure::unreachable && resolved_) {
    j["error"]["address"] = resolved_->address.authority();
    j["error"]["address_source"] = resolved_->address.source;
  }
  if (e.http_status != 0) j["error"]["http_status"] = e.http_status;
  if (e.close_code != 0) j["error"]["close_code"] = e.close_code;
  return j;
}

int command_context::fail(const client_error& e) {
  if (globals_.json) {
    print_json(error_json(e));
  } else {
    err_ << "reel: " << e.error.message << '\n';
    if (e.error.hint) {
      // Multi-line hints (how to start the daemon) read better on their own lines.
      if (e.error.hint->find('\n') != std::string::npos)
        err_ << *e.error.hint << '\n';
      else
        err_ << "hint: " << *e.error.hint << '\n';
    }
    if (e.code_name == "unauthorized") {
      auto hint = key_hint();
      if (!hint.empty()) err_ << "hint: " << hint << '\n';
    }
    err_ << std::flush;
  }
  return exit_code(e.kind);
}

void command_context::print_json(const nlohmann::json& j, bool one_line) {
  constexpr auto replace = nlohmann::json::error_handler_t::replace;
  out_ << (one_line ? j.dump(-1, ' ', false, replace) : j.dump(2, ' ', false, replace)) << '\n'
       << std::flush;
}

}  // namespace reel::cli
