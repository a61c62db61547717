#pragma once
// Render jobs for people: the progress bar `reel export --wait` draws, the table of `reel jobs`
// and the details of `reel job ID`. Pure; lenient: what the daemon did not send prints as "-".
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace reel::cli {

// "[##########..........]  50%  rendering" for a job (GET /v1/renders/{id}) or an event's data
// ({"job","state","progress"}); `width` cells of bar.
std::string format_progress(const nlohmann::json& job, int width = 30);

// One row per job under a header: ID, STATE, PROGRESS, SESSION, UPDATED, OUTPUT (the file, or
// the error's message for a failed job). Ends in a newline; "No render jobs.\n" when empty.
std::string format_jobs(const nlohmann::json& jobs);

// "label   value" rows: id, session, backend, state, progress, created, updated, output path,
// size, sha256, duration, URL, error.
std::string format_job(const nlohmann::json& job);

// True for completed, failed and cancelled.
bool job_finished(const nlohmann::json& job);

// Draws a job's progress on `err`: redrawn in place on a terminal (`tty`), else one line per
// state or 10% step. Ends its line when it dies. `err` outlives it.
class job_bar {
 public:
  job_bar(std::ostream& err, bool tty) : err_(err), tty_(tty) {}
  ~job_bar() { end_line(); }
  job_bar(const job_bar&) = delete;
  job_bar& operator=(const job_bar&) = delete;
  // Takes the job (or a render.* event's data) as it is now.
  void update(const nlohmann::json& job);
  // A line of its own ("reel: reconnecting ..."), below the bar.
  void notice(const std::string& line);
  // Ends the bar's line, if one is drawn.
  void end_line();

 private:
  std::ostream& err_;
  bool tty_;
  bool drawn_ = false;
  std::string state_;
  int step_ = -1;
};

}  // namespace reel::cli
