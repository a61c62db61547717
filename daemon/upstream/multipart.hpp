#pragma once
// multipart/form-data bodies (RFC 7578) described as pieces: framing text held in memory, file
// contents named by path and read only while the body is written.
#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace reel::upstream {

// One file of a multipart upload.
struct upload_part {
  std::filesystem::path path;  // read while sending, never held whole in memory
  std::string filename;        // the name the server sees; empty: the path's file name
  std::string content_type;    // empty: guessed from the extension
  std::string field = "files";
};

// A piece of a request body: `bytes`, or `file_size` bytes read from `file`.
struct body_piece {
  std::string bytes;
  std::filesystem::path file;
  std::uint64_t file_size = 0;
  bool is_file = false;
};

struct multipart_body {
  std::string content_type;  // "multipart/form-data; boundary=..."
  std::vector<body_piece> pieces;
  std::uint64_t length = 0;  // the Content-Length
};

// Frames `parts` with `boundary` (which must not occur in the files: use 32+ random characters).
// Sizes the files now; fails with bad_request naming a file that is missing or not a regular file.
core::result<multipart_body> make_multipart(const std::vector<upload_part>& parts,
                                            const std::string& boundary);

// The media type for a file name's extension (the contract's 13 formats), else
// "application/octet-stream".
std::string guess_media_type(std::string_view filename);

}  // namespace reel::upstream
