#include "api/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace reel::api {

std::string_view request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  }
  return {};
}

response response::json(int status, const nlohmann::json& body) {
  response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

response response::error(const core::error& e) {
  return json(core::http_status(e.code), core::to_json(e));
}

response response::text(int status, std::string body, std::string content_type) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

response response::file_at(std::string path, std::string content_type) {
  response r;
  r.file = std::move(path);
  r.content_type = std::move(content_type);
  return r;
}

}  // namespace reel::api
