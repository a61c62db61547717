#include "api/upload_spool.hpp"

#include "core/media_type.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace reel::api {

namespace {

constexpr std::size_t block = 256 * 1024;

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Browsers send a bare name, some tools a whole path (with either separator): keep the last
// component, so a name can never point anywhere.
std::string base_name(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return valid_utf8(name);
}

core::error bad(std::string message) {
  return core::make_error(core::errc::bad_request, std::move(message));
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    bool ok = len > 0 && i + len <= text.size() && !(len == 1 && c < 0x20);
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (ok && len == 2 && c < 0xC2) ok = false;  // overlong
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += '?';  // a control character or a byte that is not UTF-8
      ++i;
    }
  }
  return out;
}

upload_splitter::upload_splitter(std::string body_file, std::string_view content_type,
                                 std::string tmp_dir, std::uint64_t max_file_bytes)
    : body_file_(std::move(body_file)),
      tmp_dir_(std::move(tmp_dir)),
      max_file_bytes_(max_file_bytes) {
  const auto boundary = core::multipart_boundary(content_type);
  if (boundary.empty()) {
    fail(bad("the multipart/form-data Content-Type has no boundary"));
    return;
  }
  parser_ = std::make_unique<core::multipart_parser>(boundary);
  in_fd_ = ::open(body_file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd_ < 0) fail(core::make_error(core::errc::internal, "the spooled upload is gone"));
}

upload_splitter::~upload_splitter() {
  if (in_fd_ >= 0) ::close(in_fd_);
  if (out_fd_ >= 0) ::close(out_fd_);
  for (const auto& f : files_) ::unlink(f.path.c_str());
}

void upload_splitter::fail(core::error e) {
  if (!failed_) failed_ = std::move(e);
  done_ = true;
}

void upload_splitter::finish_part() {
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
  in_file_part_ = false;
}

void upload_splitter::on_event(const core::multipart_event& ev) {
  using kind = core::multipart_event::kind;
  switch (ev.what) {
    case kind::part_begin: {
      const bool files_field = ev.name == "files" || ev.name == "files[]";
      if (!files_field) {
        // Other text fields are ignored; a file anywhere else is a client mistake worth naming.
        if (!ev.filename.empty())
          fail(bad("a file came in field \"" + valid_utf8(ev.name) +
                   "\"; send files in the field \"files\""));
        return;
      }
      std::string tmpl = tmp_dir_ + "/part-XXXXXX";
      const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
      if (fd < 0) {
        fail(core::make_error(core::errc::internal,
                              "cannot write the upload to the state directory"));
        return;
      }
      out_fd_ = fd;
      in_file_part_ = true;
      spooled_file f;
      f.path = tmpl;
      f.filename = base_name(ev.filename);
      if (f.filename.empty()) f.filename = "file" + std::to_string(files_.size() + 1);
      f.content_type = ev.content_type;
      files_.push_back(std::move(f));
      return;
    }
    case kind::part_data:
      if (!in_file_part_) return;
      files_.back().size += ev.data.size();
      if (files_.back().size > max_file_bytes_) {
        // Only the size so far is known: say the limit, with the usual compress-or-trim hint.
        auto e = core::check_media_size(files_.back().size, max_file_bytes_).error();
        e.message = files_.back().filename + ": the file is larger than the limit of " +
                    std::to_string(max_file_bytes_) + " bytes.";
        fail(std::move(e));
        return;
      }
      if (!write_all(out_fd_, ev.data))
        fail(core::make_error(core::errc::internal,
                              "cannot write the upload to the state directory (disk full?)"));
      return;
    case kind::part_end:
      finish_part();
      return;
    case kind::finished:
      return;
    case kind::error:
      fail(bad("the multipart body is malformed: " + ev.message));
      return;
  }
}

bool upload_splitter::step(std::size_t budget) {
  if (done_) return false;
  buf_.resize(block);
  std::size_t used = 0;
  while (used < budget && !done_) {
    const auto n = ::read(in_fd_, buf_.data(), buf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fail(core::make_error(core::errc::internal, "cannot read the spooled upload"));
      break;
    }
    if (n == 0) {
      for (const auto& ev : parser_->finish()) on_event(ev);
      finish_part();
      if (!failed_ && files_.empty()) fail(bad("the body has no file in the field \"files\""));
      done_ = true;
      break;
    }
    used += static_cast<std::size_t>(n);
    for (const auto& ev :
         parser_->feed(std::string_view(buf_.data(), static_cast<std::size_t>(n)))) {
      on_event(ev);
      if (done_) break;
    }
    // Bytes after the close delimiter (an epilogue) are ignored.
    if (parser_->done() && !done_) {
      finish_part();
      if (files_.empty()) fail(bad("the body has no file in the field \"files\""));
      done_ = true;
    }
  }
  if (done_) {
    buf_.clear();
    buf_.shrink_to_fit();
  }
  return !done_;
}

core::result<std::vector<spooled_file>> upload_splitter::result() const {
  if (failed_) return *failed_;
  if (!done_) return core::make_error(core::errc::internal, "the upload was not read to its end");
  return files_;
}

}  // namespace reel::api
