#pragma once
// Lenient reading of the cloud's render answers (spec/upstream-nemovideo.md, rows "export" and
// "export status"): the status word and its synonyms, progress on a 0-1 or 0-100 scale, the file
// URL wherever it is put, and error messages; then one classification of an HTTP answer
// (ok / duplicate / not found / failed) that render_machine's inputs are built from. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace reel::core {

enum class upstream_state { unknown, queued, processing, completed, failed, cancelled };

// queued|pending|waiting|submitted|created|accepted → queued; processing|rendering|running|
// in_progress|started → processing; completed|complete|done|success|succeeded|finished →
// completed; failed|failure|error|errored → failed; cancelled|canceled|aborted → cancelled.
// Case-insensitive; unknown otherwise.
upstream_state upstream_state_from_string(std::string_view word) noexcept;

struct render_status {
  upstream_state state = upstream_state::unknown;
  std::string word;                   // the status as sent ("pending")
  std::optional<double> progress;     // 0..1
  std::string url;                    // the finished file
  std::string message;                // why it failed, when it did
  std::optional<std::uint64_t> size;  // the file's size, when the cloud tells it
  std::string sha256;                 // the file's sha256 (lowercase hex), when told
};

// Reads a status body, unwrapping a {"code","message","data"} envelope. Status at status|state;
// progress a number or "42%" (an integer or a value above 1 is a percentage); URL at
// output.url, outputUrl, output_url, url, downloadUrl: under data first, then at the top; error
// at error (string or {message}), errorMessage, error_message, and message when failed. A URL
// without a status means completed. Never throws; what is missing stays empty.
render_status parse_render_status(const nlohmann::json& body);

// Why a call did not answer as hoped.
struct upstream_fault {
  int http_status = 0;      // 0: no HTTP answer (network, timeout, a cut connection)
  std::optional<int> code;  // the envelope's business code, when there was one
  std::string message;      // for a person
};

// True when trying again later may help: no answer, 5xx, 408 and 429.
bool is_retryable(const upstream_fault& f) noexcept;
// "HTTP 402 (code 402): Free plan export blocked" / "network: connection refused".
std::string describe(const upstream_fault& f);

enum class answer_kind {
  ok,         // 2xx with code 0 or no envelope; `status` is the body read
  duplicate,  // HTTP 409, code 4090, or a message saying the id already exists
  not_found,  // HTTP 404 or code 404: the cloud does not know the id
  failed,     // anything else; see `fault`
};

struct render_answer {
  answer_kind kind = answer_kind::failed;
  render_status status;
  upstream_fault fault;
};

// Classifies one HTTP answer to a render call (create or status). `body` may be anything (null
// when the body was not JSON).
render_answer classify_render_answer(int http_status, const nlohmann::json& body);
// The answer for a call that got no HTTP answer at all.
render_answer network_failure(std::string message);

}  // namespace reel::core
