#pragma once
// The files of a spooled multipart/form-data upload (field `files`), split out of the spool
// into files of their own in constant memory: the body is read and written in blocks, a step at
// a time, so the caller can yield to the event loop between steps.
#include "core/error.hpp"
#include "core/multipart_parser.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::api {

struct spooled_file {
  std::string path;          // a temporary file; removed by the splitter that made it
  std::string filename;      // as the client named it (valid UTF-8, no directories)
  std::string content_type;  // the part's Content-Type, if any
  std::uint64_t size = 0;
};

class upload_splitter {
 public:
  // Reads `body_file` (a spooled body whose Content-Type is `content_type`) and writes each part
  // of field `files` (or `files[]`) to a new file in `tmp_dir`. A part over `max_file_bytes`
  // fails payload_too_large; a malformed body, another file field or no file fails bad_request.
  upload_splitter(std::string body_file, std::string_view content_type, std::string tmp_dir,
                  std::uint64_t max_file_bytes);
  ~upload_splitter();  // removes every file it wrote
  upload_splitter(const upload_splitter&) = delete;
  upload_splitter& operator=(const upload_splitter&) = delete;

  // Processes up to `budget` bytes of the body. True while there is more to do; once false,
  // result() says how it ended.
  bool step(std::size_t budget = 8u << 20);
  // The files (after the last step), or the failure.
  core::result<std::vector<spooled_file>> result() const;

 private:
  void fail(core::error e);
  void on_event(const core::multipart_event& ev);
  void finish_part();

  std::string body_file_;
  std::string tmp_dir_;
  std::uint64_t max_file_bytes_;
  std::unique_ptr<core::multipart_parser> parser_;
  int in_fd_ = -1;
  int out_fd_ = -1;
  bool in_file_part_ = false;
  bool done_ = false;
  std::optional<core::error> failed_;
  std::vector<spooled_file> files_;
  std::string buf_;
};

// `text` with every byte that is not part of valid UTF-8 replaced, so it can be sent as JSON.
std::string valid_utf8(std::string_view text);

}  // namespace reel::api
