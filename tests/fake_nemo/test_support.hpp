#pragma once
// Shared helpers of the simulator's tests (header-only, no Beast): a started server with a client,
// the usual calls, and a deliberately simple SSE splitter (the real parser lives in the core).
#include "fake_nemo/http_client.hpp"
#include "fake_nemo/server.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace reel::fake_nemo::testing {

// Headers a well-behaved client sends on every authenticated call.
inline header_list auth_headers(const std::string& token) {
  return {{"Authorization", "Bearer " + token},
          {"X-Skill-Source", "video-create-ai"},
          {"X-Skill-Version", "1.0.0"},
          {"X-Skill-Platform", "unknown"}};
}

// A unique client id per call in this process.
inline std::string next_client_id() {
  static std::atomic<int> n{0};
  return "client-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

// A fresh temporary directory, removed by the destructor.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("reel-fake-nemo-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

// A running simulator plus a client pointed at it.
struct fixture {
  server srv;
  http_client client;

  explicit fixture(server_options o = {}, client_options co = {})
      : srv(std::move(o)), client(start(srv, std::move(co))) {}

  simulator& sim() { return srv.sim(); }

  // A new anonymous token (fails the test through an empty string if refused).
  std::string token(const std::string& client_id = next_client_id()) {
    const auto r = client.post_json("/api/auth/anonymous-token", nlohmann::json::object(),
                                    {{"X-Client-Id", client_id}});
    const auto j = r.json();
    if (j.is_object() && j.contains("data") && j["data"].contains("token")) {
      return j["data"]["token"].get<std::string>();
    }
    return j.is_object() && j.contains("token") ? j["token"].get<std::string>() : std::string();
  }

  // A new session for `token` (empty string if refused).
  std::string session(const std::string& token) {
    const auto r =
        client.post_json("/api/tasks/me/with-session/nemo_agent",
                         {{"task_name", "project"}, {"language", "en"}}, auth_headers(token));
    const auto j = r.json();
    const auto& d = j.contains("data") ? j["data"] : j;
    return d.is_object() && d.contains("session_id") ? d["session_id"].get<std::string>()
                                                     : std::string();
  }

  http_reply chat(const std::string& token, const std::string& sid, const std::string& text) {
    return client.send({"POST", "/run_sse",
                        with(auth_headers(token), {{"Accept", "text/event-stream"},
                                                   {"Content-Type", "application/json"}}),
                        nlohmann::json{{"app_name", "nemo_agent"},
                                       {"user_id", "me"},
                                       {"session_id", sid},
                                       {"new_message", {{"parts", {{{"text", text}}}}}}}
                            .dump()});
  }

  nlohmann::json state(const std::string& token, const std::string& sid) {
    return client.get("/api/state/nemo_agent/me/" + sid + "/latest", auth_headers(token)).json();
  }

  http_reply render(const std::string& sid, const std::string& id, header_list headers) {
    return client.post_json(
        "/api/render/proxy/lambda",
        {{"id", id},
         {"sessionId", sid},
         {"draft", {{"t", nlohmann::json::array()}, {"x_future", {{"k", {1, 2}}}}}},
         {"output", {{"format", "mp4"}, {"quality", "high"}}}},
        std::move(headers));
  }

  static header_list with(header_list a, const header_list& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

 private:
  static http_client start(server& s, client_options co) {
    co.port = s.start();
    return http_client(std::move(co));
  }
};

// An SSE body split the simple way: line endings normalized, events at blank lines.
struct sse_parsed {
  std::vector<nlohmann::json> events;  // each `data:` payload that is JSON
  int comments = 0;
  int empty_data = 0;
  bool saw_crlf = false;
  bool saw_bare_lf = false;
};

inline sse_parsed parse_sse(std::string_view body) {
  sse_parsed out;
  std::string text;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') {
        out.saw_crlf = true;
        ++i;
      }
      text += '\n';
    } else {
      if (body[i] == '\n') out.saw_bare_lf = true;
      text += body[i];
    }
  }
  std::size_t at = 0;
  while (at < text.size()) {
    auto eol = text.find('\n', at);
    if (eol == std::string::npos) eol = text.size();
    const auto line = std::string_view(text).substr(at, eol - at);
    at = eol + 1;
    if (line.starts_with(":")) ++out.comments;
    if (line == "data:" || line == "data: ") ++out.empty_data;
    if (line.starts_with("data: ") && line.size() > 6) {
      auto j = nlohmann::json::parse(line.substr(6), nullptr, false);
      if (!j.is_discarded()) out.events.push_back(std::move(j));
    }
  }
  return out;
}

// The concatenated text of the non-partial text events.
inline std::string final_text(const sse_parsed& s) {
  std::string out;
  for (const auto& e : s.events) {
    if (e.value("partial", false) || !e.contains("content")) continue;
    for (const auto& p : e["content"]["parts"]) {
      if (p.contains("text")) out += p["text"].get<std::string>();
    }
  }
  return out;
}

}  // namespace reel::fake_nemo::testing
