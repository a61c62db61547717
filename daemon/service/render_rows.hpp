#pragma once
// A render job as the store keeps it (store::job_row, JSON as text) and as the core sees it
// (core::render_job): both ways, nothing lost.
#include "core/render_job.hpp"
#include "store/jobs_repo.hpp"

#include <optional>

namespace reel::service {

store::job_row to_row(const core::render_job& job);
// The job a row holds; nullopt when the row cannot be read as one (an unknown state name).
// Unreadable JSON columns come back as empty objects.
std::optional<core::render_job> from_row(const store::job_row& row);

}  // namespace reel::service
