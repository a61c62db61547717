#include "core/render_status.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace reel::core {
namespace {

using json = nlohmann::json;

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// The member `key` of `j` when `j` is an object that has it; null otherwise.
const json& member(const json& j, std::string_view key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string string_at(const json& j, std::string_view key) {
  const auto& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The body without its envelope: `data` when it is an object, else the body.
const json& unwrap(const json& body) {
  const auto& d = member(body, "data");
  return d.is_object() ? d : body;
}

// The first non-empty string among `keys` in data, then at the top level.
std::string first_string(const json& data, const json& top, std::string_view key) {
  if (auto s = string_at(data, key); !s.empty()) return s;
  if (&data != &top) return string_at(top, key);
  return {};
}

std::optional<double> read_progress(const json& v) {
  double x = 0;
  bool percent = false;
  if (v.is_number_integer() || v.is_number_unsigned()) {
    // Integers are percentages: the cloud counts 1..99 while processing; 0-1 scales use floats.
    x = v.get<double>();
    percent = true;
  } else if (v.is_number_float()) {
    x = v.get<double>();
  } else if (v.is_string()) {
    auto s = v.get<std::string>();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    if (!s.empty() && s.back() == '%') {
      percent = true;
      s.pop_back();
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    }
    const char* first = s.data();
    const char* last = s.data() + s.size();
    while (first != last && std::isspace(static_cast<unsigned char>(*first))) ++first;
    const auto [end, ec] = std::from_chars(first, last, x);
    if (ec != std::errc() || end != last || first == last) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(x)) return std::nullopt;
  if (percent || x > 1.0) x /= 100.0;
  return std::clamp(x, 0.0, 1.0);
}

std::string read_error(const json& j) {
  const auto& e = member(j, "error");
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object()) {
    for (auto key : {"message", "msg", "detail", "reason"})
      if (auto s = string_at(e, key); !s.empty()) return s;
  }
  for (auto key : {"errorMessage", "error_message", "failureReason", "reason"})
    if (auto s = string_at(j, key); !s.empty()) return s;
  return {};
}

std::optional<int> envelope_code(const json& body) {
  const auto& c = member(body, "code");
  if (c.is_number_integer()) return c.get<int>();
  return std::nullopt;
}

bool says_duplicate(std::string_view message) {
  const auto m = lower(message);
  return m.find("already exist") != std::string::npos || m.find("duplicate") != std::string::npos;
}

}  // namespace

upstream_state upstream_state_from_string(std::string_view word) noexcept {
  struct row {
    std::string_view word;
    upstream_state state;
  };
  static constexpr std::array<row, 25> table{{
      {"queued", upstream_state::queued},          {"pending", upstream_state::queued},
      {"waiting", upstream_state::queued},         {"submitted", upstream_state::queued},
      {"created", upstream_state::queued},         {"accepted", upstream_state::queued},
      {"processing", upstream_state::processing},  {"rendering", upstream_state::processing},
      {"running", upstream_state::processing},     {"in_progress", upstream_state::processing},
      {"started", upstream_state::processing},     {"completed", upstream_state::completed},
      {"complete", upstream_state::completed},     {"done", upstream_state::completed},
      {"success", upstream_state::completed},      {"succeeded", upstream_state::completed},
      {"finished", upstream_state::completed},     {"failed", upstream_state::failed},
      {"failure", upstream_state::failed},         {"error", upstream_state::failed},
      {"errored", upstream_state::failed},         {"cancelled", upstream_state::cancelled},
      {"canceled", upstream_state::cancelled},     {"aborted", upstream_state::cancelled},
      {"in-progress", upstream_state::processing},
  }};
  if (word.size() > 32) return upstream_state::unknown;
  std::string w;
  for (char c : word)
    if (!std::isspace(static_cast<unsigned char>(c)))
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& r : table)
    if (r.word == w) return r.state;
  return upstream_state::unknown;
}

render_status parse_render_status(const json& body) {
  render_status s;
  const json& data = unwrap(body);

  for (auto key : {"status", "state"}) {
    s.word = first_string(data, body, key);
    if (!s.word.empty()) break;
  }
  s.state = upstream_state_from_string(s.word);

  for (const json* j : {&data, &body}) {
    if (auto p = read_progress(member(*j, "progress"))) {
      s.progress = p;
      break;
    }
  }

  for (const json* j : {&data, &body}) {
    const auto& out = member(*j, "output");
    s.url = string_at(out, "url");
    for (auto key : {"outputUrl", "output_url", "url", "downloadUrl", "download_url"}) {
      if (!s.url.empty()) break;
      s.url = string_at(*j, key);
    }
    if (!s.url.empty()) break;
  }

  for (const json* j : {&data, &body}) {
    const auto& out = member(*j, "output");
    const auto& size = member(out, "size");
    if (!s.size && size.is_number_unsigned()) s.size = size.get<std::uint64_t>();
    if (!s.size && size.is_number_integer() && size.get<std::int64_t>() >= 0)
      s.size = static_cast<std::uint64_t>(size.get<std::int64_t>());
    if (s.sha256.empty()) s.sha256 = lower(string_at(out, "sha256"));
  }

  if (s.state == upstream_state::unknown && s.word.empty() && !s.url.empty())
    s.state = upstream_state::completed;
  if (s.state == upstream_state::completed) s.progress = 1.0;

  s.message = read_error(data);
  if (s.message.empty() && &data != &body) s.message = read_error(body);
  if (s.message.empty() && s.state == upstream_state::failed) {
    // An envelope's "message" is "success" on good answers; only a failed job's says why.
    s.message = string_at(data, "message");
    if (s.message.empty() || lower(s.message) == "success") s.message.clear();
  }
  return s;
}

bool is_retryable(const upstream_fault& f) noexcept {
  return f.http_status == 0 || f.http_status >= 500 || f.http_status == 408 || f.http_status == 429;
}

std::string describe(const upstream_fault& f) {
  std::string r = f.http_status == 0 ? "network" : "HTTP " + std::to_string(f.http_status);
  if (f.code && *f.code != f.http_status) r += " (code " + std::to_string(*f.code) + ")";
  if (!f.message.empty()) r += ": " + f.message;
  return r;
}

render_answer classify_render_answer(int http_status, const json& body) {
  render_answer a;
  const auto code = envelope_code(body);
  const auto message = string_at(body, "message");
  const bool ok_code = !code || *code == 0;
  if (http_status >= 200 && http_status < 300 && ok_code) {
    a.kind = answer_kind::ok;
    a.status = parse_render_status(body);
    return a;
  }
  a.fault.http_status = http_status;
  a.fault.code = code;
  a.fault.message = !message.empty() ? message : read_error(body);
  if (http_status == 409 || code == 4090 || says_duplicate(a.fault.message)) {
    a.kind = answer_kind::duplicate;
    a.status = parse_render_status(body);
  } else if (http_status == 404 || code == 404) {
    a.kind = answer_kind::not_found;
  } else {
    a.kind = answer_kind::failed;
  }
  return a;
}

render_answer network_failure(std::string message) {
  render_answer a;
  a.kind = answer_kind::failed;
  a.fault.message = std::move(message);
  return a;
}

}  // namespace reel::core
