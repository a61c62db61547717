#include "fake_nemo/body_source.hpp"

#include <algorithm>
#include <stdexcept>

namespace reel::fake_nemo {

body_source::body_source(sim_response& r) : kind_(r.kind), cut_after_(r.cut_after) {
  switch (kind_) {
    case body_kind::text:
      text_ = std::move(r.body);
      total_ = text_.size();
      break;
    case body_kind::sse:
      sse_ = std::move(r.sse);
      for (const auto& c : sse_) {
        total_ += c.bytes.size();
        if (c.close_after) cut_ = true;
      }
      break;
    case body_kind::file:
      file_.open(r.file.path, std::ios::binary);
      if (!file_) throw std::runtime_error("cannot open " + r.file.path.string());
      file_.seekg(static_cast<std::streamoff>(r.file.offset));
      remaining_ = total_ = r.file.length;
      break;
  }
  if (cut_after_ && *cut_after_ < total_) cut_ = true;
}

std::uint64_t body_source::allowance(std::uint64_t n) const {
  if (!cut_after_) return n;
  return std::min<std::uint64_t>(n, *cut_after_ > sent_ ? *cut_after_ - sent_ : 0);
}

std::optional<body_piece> body_source::next() {
  if (done_) return std::nullopt;
  if (cut_after_ && sent_ >= *cut_after_) {
    done_ = true;
    return std::nullopt;
  }
  body_piece p;
  switch (kind_) {
    case body_kind::text:
      done_ = true;
      p.bytes = text_.substr(0, allowance(text_.size()));
      break;
    case body_kind::sse: {
      if (next_chunk_ == sse_.size()) {
        done_ = true;
        return std::nullopt;
      }
      auto& c = sse_[next_chunk_++];
      p.pause = c.pause;
      p.bytes = c.bytes.substr(0, allowance(c.bytes.size()));
      if (c.close_after) done_ = true;
      break;
    }
    case body_kind::file: {
      if (remaining_ == 0) {
        done_ = true;
        return std::nullopt;
      }
      const auto n = allowance(std::min<std::uint64_t>(block, remaining_));
      p.bytes.resize(n);
      file_.read(p.bytes.data(), static_cast<std::streamsize>(n));
      if (static_cast<std::uint64_t>(file_.gcount()) != n) {
        throw std::runtime_error("short read from the sample file");
      }
      remaining_ -= n;
      break;
    }
  }
  sent_ += p.bytes.size();
  return p;
}

}  // namespace reel::fake_nemo
