#include "core/multipart_parser.hpp"


#include <utility>

namespace reel::core {
namespace {

constexpr std::size_t max_header_block = 16 * 1024;

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (std::size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

std::string percent_decode(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

// Splits "type; k=v; k2=\"v;2\"" into the leading token and (lower-cased key, value) pairs.
std::vector<std::pair<std::string, std::string>> header_params(std::string_view value,
                                                               std::string& first) {
  std::vector<std::string_view> pieces;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '"' && (i == 0 || value[i - 1] != '\\')) quoted = !quoted;
    if (value[i] == ';' && !quoted) {
      pieces.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(value.substr(start));
  first = to_lower(trim(pieces.front()));
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const auto eq = pieces[i].find('=');
    if (eq == std::string_view::npos) continue;
    params.emplace_back(to_lower(trim(pieces[i].substr(0, eq))),
                        unquote(trim(pieces[i].substr(eq + 1))));
  }
  return params;
}

}  // namespace

multipart_parser::multipart_parser(std::string boundary)
    : delimiter_("\r\n--" + boundary), buf_("\r\n") {
  // The leading "\r\n" lets a body that starts directly with "--boundary" match the same
  // delimiter as every later one (RFC 2046: the CRLF belongs to the delimiter).
}

void multipart_parser::fail(std::vector<multipart_event>& out, std::string message) {
  state_ = state::failed;
  multipart_event e;
  e.what = multipart_event::kind::error;
  e.message = std::move(message);
  out.push_back(std::move(e));
}

bool multipart_parser::parse_headers(std::string_view block, multipart_event& begin) {
  while (!block.empty()) {
    const auto eol = block.find("\r\n");
    const auto line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    const auto name = to_lower(trim(line.substr(0, colon)));
    const auto value = trim(line.substr(colon + 1));
    if (name == "content-type") {
      begin.content_type = std::string(value);
    } else if (name == "content-disposition") {
      std::string type;
      for (auto& [k, v] : header_params(value, type)) {
        if (k == "name") begin.name = v;
        if (k == "filename" && begin.filename.empty()) begin.filename = v;
        if (k == "filename*") {
          // RFC 5987: charset'language'percent-encoded; it wins over a plain filename.
          const auto tick = v.find("''");
          begin.filename = percent_decode(tick == std::string::npos ? v : v.substr(tick + 2));
        }
      }
    }
  }
  return true;
}

std::vector<multipart_event> multipart_parser::feed(std::string_view bytes) {
  std::vector<multipart_event> out;
  if (state_ == state::failed) return out;
  // Views handed out by the previous call end here.
  buf_.erase(0, pos_);
  pos_ = 0;
  if (state_ == state::epilogue) {
    buf_.clear();
    return out;
  }
  buf_.append(bytes);
  const auto keep = delimiter_.size() - 1;
  for (;;) {
    switch (state_) {
      case state::preamble: {
        const auto f = buf_.find(delimiter_, pos_);
        if (f == std::string::npos) {
          if (buf_.size() > pos_ + keep) pos_ = buf_.size() - keep;
          return out;
        }
        pos_ = f + delimiter_.size();
        state_ = state::after_delimiter;
        break;
      }
      case state::after_delimiter: {
        while (pos_ < buf_.size() && (buf_[pos_] == ' ' || buf_[pos_] == '\t')) ++pos_;
        if (buf_.size() - pos_ < 2) return out;
        if (buf_.compare(pos_, 2, "--") == 0) {
          state_ = state::epilogue;
          pos_ = buf_.size();
          out.push_back(multipart_event{multipart_event::kind::finished, {}, {}, {}, {}, {}});
          return out;
        }
        if (buf_.compare(pos_, 2, "\r\n") != 0) {
          fail(out, "malformed multipart delimiter line");
          return out;
        }
        pos_ += 2;
        state_ = state::headers;
        break;
      }
      case state::headers: {
        if (buf_.size() - pos_ < 2) return out;
        multipart_event begin;
        begin.what = multipart_event::kind::part_begin;
        if (buf_.compare(pos_, 2, "\r\n") == 0) {
          pos_ += 2;  // a part without headers
        } else {
          const auto f = buf_.find("\r\n\r\n", pos_);
          if (f == std::string::npos) {
            if (buf_.size() - pos_ > max_header_block) fail(out, "multipart part headers too long");
            return out;
          }
          if (!parse_headers(std::string_view(buf_).substr(pos_, f - pos_), begin)) {
            fail(out, "malformed multipart part header");
            return out;
          }
          pos_ = f + 4;
        }
        out.push_back(std::move(begin));
        state_ = state::body;
        break;
      }
      case state::body: {
        const auto f = buf_.find(delimiter_, pos_);
        const auto end =
            f == std::string::npos ? (buf_.size() > pos_ + keep ? buf_.size() - keep : pos_) : f;
        if (end > pos_) {
          multipart_event data;
          data.what = multipart_event::kind::part_data;
          data.data = std::string_view(buf_).substr(pos_, end - pos_);
          out.push_back(std::move(data));
          pos_ = end;
        }
        if (f == std::string::npos) return out;
        out.push_back(multipart_event{multipart_event::kind::part_end, {}, {}, {}, {}, {}});
        pos_ = f + delimiter_.size();
        state_ = state::after_delimiter;
        break;
      }
      case state::epilogue:
        pos_ = buf_.size();
        return out;
      case state::failed:
        return out;
    }
  }
}

std::vector<multipart_event> multipart_parser::finish() {
  std::vector<multipart_event> out;
  if (state_ != state::epilogue && state_ != state::failed) {
    fail(out, "multipart body ended before its close delimiter");
  }
  return out;
}

std::string multipart_boundary(std::string_view content_type) {
  std::string type;
  const auto params = header_params(content_type, type);
  if (type != "multipart/form-data") return {};
  for (const auto& [k, v] : params) {
    if (k == "boundary") return v;
  }
  return {};
}

}  // namespace reel::core
