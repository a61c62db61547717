#include "upstream/multipart.hpp"

#include <array>
#include <utility>

namespace reel::upstream {
namespace {

// A quoted-string parameter value: quotes, backslashes and line breaks would end the header.
std::string quote_param(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '\r' || c == '\n')
      out += '_';
    else
      out += c;
  }
  return out + "\"";
}

}  // namespace

core::result<multipart_body> make_multipart(const std::vector<upload_part>& parts,
                                            const std::string& boundary) {
  multipart_body out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  for (const auto& p : parts) {
    std::error_code ec;
    const auto status = std::filesystem::status(p.path, ec);
    if (ec || !std::filesystem::is_regular_file(status))
      return core::make_error(core::errc::bad_request,
                              "cannot upload " + p.path.string() + ": not a readable regular file");
    const auto size = std::filesystem::file_size(p.path, ec);
    if (ec)
      return core::make_error(core::errc::bad_request,
                              "cannot upload " + p.path.string() + ": " + ec.message());
    const std::string name = p.filename.empty() ? p.path.filename().string() : p.filename;
    const std::string type = p.content_type.empty() ? guess_media_type(name) : p.content_type;
    body_piece head;
    head.bytes = "--" + boundary +
                 "\r\nContent-Disposition: form-data; name=" + quote_param(p.field) +
                 "; filename=" + quote_param(name) + "\r\nContent-Type: " + type + "\r\n\r\n";
    out.length += head.bytes.size();
    out.pieces.push_back(std::move(head));
    body_piece file;
    file.file = p.path;
    file.file_size = size;
    file.is_file = true;
    out.length += size;
    out.pieces.push_back(std::move(file));
    body_piece tail;
    tail.bytes = "\r\n";
    out.length += tail.bytes.size();
    out.pieces.push_back(std::move(tail));
  }
  body_piece end;
  end.bytes = "--" + boundary + "--\r\n";
  out.length += end.bytes.size();
  out.pieces.push_back(std::move(end));
  return out;
}

std::string guess_media_type(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types{{
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"},
      {"avi", "video/x-msvideo"},
      {"webm", "video/webm"},
      {"mkv", "video/x-matroska"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},
      {"m4a", "audio/mp4"},
      {"aac", "audio/aac"},
  }};
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot + 1));
  for (auto& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const auto& [e, t] : types)
    if (e == ext) return std::string(t);
  return "application/octet-stream";
}

}  // namespace reel::upstream
