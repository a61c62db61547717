#include "core/sse_parser.hpp"

#include <cstring>
#include <limits>
#include <utility>

namespace reel::core {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

const char* find_byte(const char* from, const char* to, char c) noexcept {
  if (from >= to) return nullptr;
  return static_cast<const char*>(std::memchr(from, c, static_cast<std::size_t>(to - from)));
}

// The spec removes exactly one U+0020 after the colon, not any whitespace.
std::string_view drop_one_space(std::string_view v) noexcept {
  if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  return v;
}

std::optional<std::uint64_t> parse_retry(std::string_view v) noexcept {
  if (v.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    // A value that does not fit is as useless as a malformed one: ignore it like the spec
    // ignores non-digits, rather than wrapping into a short and surprising delay.
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
  }
  return n;
}

}  // namespace

sse_parser::sse_parser(sse_limits limits) : limits_(limits) {}

result<void> sse_parser::fail(std::string message) {
  failed_ = true;
  failure_ = std::move(message);
  // Free what the oversized input made us hold: the failed state must not keep 8 MiB alive.
  line_ = std::string();
  data_ = std::string();
  type_ = std::string();
  return make_error(errc::upstream_error, failure_);
}

result<void> sse_parser::feed(std::string_view bytes, std::vector<sse_event>& out) {
  if (failed_) return make_error(errc::upstream_error, failure_);

  if (!bom_done_) {
    // The BOM may itself arrive split across feeds, so match it byte by byte.
    while (!bytes.empty() && bom_seen_ < utf8_bom.size()) {
      if (bytes.front() != utf8_bom[bom_seen_]) {
        line_.append(utf8_bom.substr(0, bom_seen_));  // a BOM prefix that was just content
        bom_done_ = true;
        break;
      }
      ++bom_seen_;
      bytes.remove_prefix(1);
    }
    if (bom_seen_ == utf8_bom.size()) bom_done_ = true;
    if (!bom_done_) return {};
  }

  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes.front() == '\n') bytes.remove_prefix(1);  // the LF half of a split CRLF
  }

  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  // The next LF is remembered across lines so a CR-only stream stays linear.
  const char* lf = nullptr;
  while (p < end) {
    if (lf == nullptr || lf < p) {
      lf = find_byte(p, end, '\n');
      if (lf == nullptr) lf = end;
    }
    const char* cr = find_byte(p, lf, '\r');
    const char* eol = cr != nullptr ? cr : (lf != end ? lf : nullptr);
    if (eol == nullptr) {
      const auto rest = static_cast<std::size_t>(end - p);
      if (line_.size() + rest > limits_.max_line) {
        return fail("event stream line longer than " + std::to_string(limits_.max_line) + " bytes");
      }
      line_.append(p, rest);
      break;
    }
    const std::string_view piece(p, static_cast<std::size_t>(eol - p));
    if (line_.size() + piece.size() > limits_.max_line) {
      return fail("event stream line longer than " + std::to_string(limits_.max_line) + " bytes");
    }
    result<void> r;
    if (line_.empty()) {
      r = on_line(piece, out);  // the common case: no copy
    } else {
      line_.append(piece);
      r = on_line(line_, out);
      line_.clear();
    }
    if (!r) return r;
    p = eol + 1;
    if (*eol == '\r') {
      if (p == end) {
        after_cr_ = true;
      } else if (*p == '\n') {
        ++p;
      }
    }
  }
  return {};
}

result<void> sse_parser::on_line(std::string_view line, std::vector<sse_event>& out) {
  if (line.empty()) {
    dispatch(out);
    return {};
  }
  if (line.front() == ':') {
    sse_event ev;
    ev.kind = sse_kind::comment;
    ev.data.assign(drop_one_space(line.substr(1)));
    out.push_back(std::move(ev));
    return {};
  }
  const auto colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  const std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : drop_one_space(line.substr(colon + 1));
  has_fields_ = true;
  if (field == "data") {
    if (data_.size() + value.size() + 1 > limits_.max_event) {
      return fail("event stream event larger than " + std::to_string(limits_.max_event) + " bytes");
    }
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    if (auto ms = parse_retry(value)) retry_ = ms;
  }
  // Any other field is ignored, as the spec says.
  return {};
}

void sse_parser::dispatch(std::vector<sse_event>& out) {
  if (!has_fields_) return;  // a stray blank line is not an event
  has_fields_ = false;
  sse_event ev;
  ev.type = type_.empty() ? std::string("message") : std::move(type_);
  ev.id = last_id_;
  if (!data_.empty() && data_.back() == '\n') data_.pop_back();
  if (data_.empty()) {
    ev.kind = sse_kind::heartbeat;
  } else {
    ev.kind = sse_kind::message;
    ev.data = std::move(data_);
  }
  data_.clear();
  type_.clear();
  out.push_back(std::move(ev));
}

bool sse_parser::finish() {
  const bool discarded = !line_.empty() || has_fields_ || (!bom_done_ && bom_seen_ > 0);
  line_ = std::string();
  data_ = std::string();
  type_.clear();
  has_fields_ = false;
  after_cr_ = false;
  bom_seen_ = 0;
  bom_done_ = false;
  return discarded;
}

}  // namespace reel::core
