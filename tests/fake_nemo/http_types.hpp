#pragma once
// Beast-free request and response values that pass between the connection code and the
// simulator's handlers.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel::fake_nemo {

using header_list = std::vector<std::pair<std::string, std::string>>;

// The first value of header `name` (case-insensitive); empty when absent.
std::string find_header(const header_list& headers, std::string_view name);
// True when header `name` is present (even with an empty value).
bool has_header(const header_list& headers, std::string_view name);
// ASCII lower-case copy.
std::string to_lower(std::string_view s);

// The request line and headers, known before any body byte is read.
struct request_head {
  std::string method;
  std::string target;
  header_list headers;

  // The first value of header `name`; empty when absent.
  std::string header(std::string_view name) const { return find_header(headers, name); }
};

// One file part of a multipart upload: its bytes were counted, never kept (only `head`).
struct uploaded_part {
  std::string field;
  std::string filename;
  std::string content_type;
  std::uint64_t size = 0;
  std::string head;  // the first bytes, for magic-number sniffing
};

// A request body as the simulator needs it: small bodies as text, multipart as summaries.
struct request_body {
  std::string text;  // non-multipart bodies (capped)
  bool multipart = false;
  std::vector<uploaded_part> parts;
  std::uint64_t bytes = 0;  // body bytes received
  std::string error;        // malformed multipart, text over the cap, ...
  bool too_large = false;   // the body passed the limit and was not read to the end
};

struct sim_request {
  request_head head;
  request_body body;
};

// A piece of an event stream: written after `pause`; the connection is cut after it when
// `close_after`.
struct sse_chunk {
  std::string bytes;
  std::chrono::milliseconds pause{0};
  bool close_after = false;
};

// A slice of a file on disk to send as the response body.
struct file_slice {
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

enum class body_kind { text, sse, file };

// What to answer. The connection applies `delay` before the header, sends `body`, `sse` (chunked
// transfer encoding) or `file`, and cuts the connection after `cut_after` body bytes when set.
struct sim_response {
  int status = 200;
  header_list headers;
  body_kind kind = body_kind::text;
  std::string body;
  std::vector<sse_chunk> sse;
  file_slice file;
  std::chrono::milliseconds delay{0};
  std::optional<std::uint64_t> cut_after;
  bool close = false;
  std::function<void()> on_done;  // run once when the body was written or abandoned
  // Event streams only: called with each chunk's bytes just before the chunk is written.
  std::function<void(std::string_view)> on_write;
};

}  // namespace reel::fake_nemo
