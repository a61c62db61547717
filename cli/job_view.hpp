#pragma once
// Render jobs for people: the progress bar `reel export --wait` draws, the table of `reel jobs`
// and the details of `reel job ID`. Pure; lenient: what the daemon did not send prints as "-".
#include <nlohmann/json.hpp>

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

}  // namespace reel::cli
