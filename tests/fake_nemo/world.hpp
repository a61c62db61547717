#pragma once
// The simulator's state as plain data (internal): users, tokens, sessions, renders, faults and
// counters. Guarded by simulator's mutex; route functions get it by reference.
#include "fake_nemo/counters.hpp"
#include "fake_nemo/knobs.hpp"
#include "fake_nemo/turn_script.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>

namespace reel::fake_nemo {

using sim_clock = std::chrono::system_clock;
using sim_time = sim_clock::time_point;

struct user_record {
  std::string id;
  std::int64_t available = 0;
  std::int64_t frozen = 0;
  std::int64_t spent = 0;
};

struct token_record {
  std::string token;
  std::string user_id;
  std::string client_id;  // empty for registered tokens (add_token)
  sim_time issued;
  sim_time expires;
  int calls = 0;  // authenticated calls accepted
  bool revoked = false;
};

struct session_record {
  std::string id;
  std::string task_id;
  std::string user_id;
  std::string task_name;
  std::string language;
  nlohmann::json draft;
  nlohmann::json video_infos = nlohmann::json::array();
  nlohmann::json generated_media = nlohmann::json::array();
  std::deque<turn_script> queued;
  int turns = 0;
  int media_seq = 0;
};

struct render_record {
  std::string id;
  std::string session_id;
  std::string user_id;
  nlohmann::json draft;
  nlohmann::json output;  // the "output" object the client asked for
  header_list headers;    // the POST's headers
  sim_time created;
  int polls = 0;
  std::string status = "pending";  // pending, processing, completed, failed, cancelled
  int progress = 0;
  bool published = false;  // added to the session's generated_media
};

// A fault armed for the next `remaining` requests of one endpoint.
struct fault_arm {
  int remaining = 0;
  int status = 502;               // fail: the HTTP status answered
  std::uint64_t after_bytes = 0;  // drop: body bytes sent before the cut
};

struct world {
  knobs k;
  std::chrono::seconds clock_shift{0};
  std::map<std::string, user_record> users;
  std::map<std::string, token_record> tokens;
  std::map<std::string, std::string> client_tokens;  // client id -> latest token
  std::map<std::string, session_record> sessions;
  std::map<std::string, render_record> renders;
  std::map<endpoint, fault_arm> fail_arms;
  std::map<endpoint, fault_arm> drop_arms;
  counters count;
  std::deque<request_record> log;
  std::mt19937_64 rng{std::random_device{}()};
  int unscripted_turns = 0;
  std::string base_url;  // "http://127.0.0.1:<port>", set by the server

  sim_time now() const { return sim_clock::now() + clock_shift; }

  // `n` random lower-case hex digits.
  std::string random_hex(std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    std::uniform_int_distribution<int> d(0, 15);
    for (std::size_t i = 0; i < n; ++i) out += digits[d(rng)];
    return out;
  }
};

}  // namespace reel::fake_nemo
