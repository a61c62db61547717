#include "fake_nemo/routes.hpp"

#include <ctime>

namespace reel::fake_nemo {

sim_response json_reply(int status, const nlohmann::json& body) {
  sim_response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

sim_response ok(const knobs& k, nlohmann::json data) {
  if (!k.envelope) return json_reply(200, data);
  return json_reply(200, {{"code", 0}, {"message", "success"}, {"data", std::move(data)}});
}

sim_response business_error(const knobs& k, int code, std::string message, nlohmann::json data) {
  int status = 200;
  if (k.business_http_status) {
    switch (code) {
      case 1001:
        status = 401;
        break;
      case 1002:
        status = 404;
        break;
      case 2001:
        status = 403;
        break;
      case 4001:
        status = 415;
        break;
      case 4002:
        status = 413;
        break;
      default:
        status = 400;
    }
  }
  return http_error(status, code, std::move(message), std::move(data));
}

sim_response http_error(int status, int code, std::string message, nlohmann::json data) {
  nlohmann::json body{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) body["data"] = std::move(data);
  return json_reply(status, body);
}

sim_response gateway_error(int status) {
  const char* reason = status == 502   ? "Bad Gateway"
                       : status == 503 ? "Service Unavailable"
                       : status == 504 ? "Gateway Timeout"
                                       : "Internal Server Error";
  sim_response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/html");
  r.body = "<html><head><title>" + std::to_string(status) + " " + reason +
           "</title></head><body><center><h1>" + std::to_string(status) + " " + reason +
           "</h1></center><hr><center>nginx</center></body></html>\n";
  return r;
}

std::optional<nlohmann::json> json_body(const sim_request& req) {
  auto j = nlohmann::json::parse(req.body.text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string origin(const call_ctx& c) {
  const auto& base = c.w.base_url;
  const auto scheme_end = base.find("://");
  const auto scheme =
      scheme_end == std::string::npos ? std::string("http") : base.substr(0, scheme_end);
  const auto host = c.req.head.header("Host");
  if (!host.empty()) return scheme + "://" + host;
  return base;
}

std::string iso8601(sim_time t) {
  const std::time_t tt = sim_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

session_record* owned_session(call_ctx& c, const std::string& sid) {
  c.session_id = sid;
  const auto it = c.w.sessions.find(sid);
  if (it == c.w.sessions.end()) return nullptr;
  if (c.user && it->second.user_id != c.user->id) return nullptr;
  return &it->second;
}

}  // namespace reel::fake_nemo
