#include "cli/media_upload.hpp"

#include "cli/current_session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string_view>

namespace reel::cli {
namespace {

// The Content-Type of an uploaded part, by extension; the daemon decides by content anyway.
std::string content_type_for(const std::string& name) {
  static constexpr std::pair<std::string_view, std::string_view> types[] = {
      {"mp4", "video/mp4"},       {"m4v", "video/mp4"},    {"mov", "video/quicktime"},
      {"avi", "video/x-msvideo"}, {"webm", "video/webm"},  {"mkv", "video/x-matroska"},
      {"jpg", "image/jpeg"},      {"jpeg", "image/jpeg"},  {"png", "image/png"},
      {"gif", "image/gif"},       {"webp", "image/webp"},  {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},       {"m4a", "audio/mp4"},    {"aac", "audio/aac"},
      {"txt", "text/plain"},      {"md", "text/markdown"}, {"markdown", "text/markdown"},
  };
  const auto dot = name.find_last_of('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string ext = name.substr(dot + 1);
  for (auto& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const auto& [e, type] : types)
    if (e == ext) return std::string(type);
  return "application/octet-stream";
}

// The name in Content-Disposition: filename="..." with nothing that could end the quoted string
// or the header line, and filename*=UTF-8''... (RFC 5987) with the exact name, which wins.
std::string disposition_for(const std::string& name) {
  std::string plain;
  std::string encoded;
  for (const unsigned char c : name) {
    plain += (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~").find(static_cast<char>(c)) != std::string_view::npos) {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return "form-data; name=\"files\"; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

// 32 random hex digits after a prefix: 128 bits, so no file holds it by chance.
std::string random_boundary() {
  std::random_device rd;
  std::string b = "reel-upload-";
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    b += hex;
  }
  return b;
}

}  // namespace

client_result<std::vector<local_file>> check_files(const std::vector<std::string>& files) {
  std::vector<local_file> out;
  for (const auto& f : files) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(f, ec).lexically_normal();
    if (ec) return make_failure(failure::local, "file_not_found", f + ": no such file");
    const int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR)
        return make_failure(failure::local, "file_not_found", f + ": no such file");
      if (err == EACCES || err == EPERM)
        return make_failure(failure::local, "file_unreadable",
                            f + ": cannot read it (permission denied)");
      return make_failure(failure::local, "file_unreadable",
                          f + ": cannot read it (" + std::strerror(err) + ")");
    }
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular)
      return make_failure(failure::local, "file_unreadable", f + ": not a regular file");
    local_file lf;
    lf.path = abs.string();
    lf.name = abs.filename().string();
    lf.size = static_cast<std::uint64_t>(st.st_size);
    out.push_back(std::move(lf));
  }
  return out;
}

// POST .../media as multipart/form-data (field "files"), the files streamed from disk.
http_request upload_request(const std::string& target, const std::vector<local_file>& files,
                            send_progress* progress) {
  const auto boundary = random_boundary();
  http_request req;
  req.method = "POST";
  req.target = target;
  req.content_type = "multipart/form-data; boundary=" + boundary;
  std::string pending;
  for (const auto& f : files) {
    pending += "--" + boundary + "\r\nContent-Disposition: " + disposition_for(f.name) +
               "\r\nContent-Type: " + content_type_for(f.name) + "\r\n\r\n";
    req.parts.push_back(body_part::bytes(std::move(pending)));
    req.parts.push_back(body_part::file(f.path));
    pending = "\r\n";
  }
  pending += "--" + boundary + "--\r\n";
  req.parts.push_back(body_part::bytes(std::move(pending)));
  if (progress != nullptr) {
    req.on_progress = [progress](std::uint64_t sent, std::uint64_t total) {
      progress->total = total;
      progress->sent = sent;
    };
  }
  // The daemon answers once every file is with the backend: minutes for large files.
  req.answer_timeout = std::chrono::hours(2);
  return req;
}

// The daemon could not open a file this client can read (it runs as another user, or in a
// container): its refusal is "cannot read NAME: no such file, or no permission".
bool daemon_cannot_read(const client_error& e) {
  return e.kind == failure::daemon && e.http_status == 400 && e.code_name == "bad_request" &&
         e.error.message.rfind("cannot read ", 0) == 0 &&
         e.error.message.find("no such file, or no permission") != std::string::npos;
}

client_result<nlohmann::json> add_files(const client_options& opts, const std::string& session_id,
                                        const std::vector<local_file>& files, bool upload,
                                        const std::function<void(const client_error&)>& on_fallback,
                                        send_progress* progress) {
  const std::string target = "/v1/sessions/" + url_encoded(session_id) + "/media";
  // The daemon answers once every file is with the backend: minutes for large files.
  auto long_opts = opts;
  long_opts.io_timeout = std::chrono::hours(2);
  http_client http(long_opts);
  if (!upload) {
    nlohmann::json body{{"paths", nlohmann::json::array()}};
    for (const auto& f : files) body["paths"].push_back(f.path);
    auto listed = http.call_json("POST", target, &body);
    if (listed || !daemon_cannot_read(listed.error())) return listed;
    if (on_fallback) on_fallback(listed.error());
  }
  return http.call_json(upload_request(target, files, progress));
}

}  // namespace reel::cli
