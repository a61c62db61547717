#pragma once
// The files of one render (core::render_plan): written before its first step, and removed,
// together with everything the steps wrote (parts, the unfinished output), when this object
// dies: on success, failure, cancel, or an exception.
#include "core/error.hpp"
#include "core/render_plan.hpp"

#include <string>
#include <vector>

namespace reel::engine {

class plan_files {
 public:
  // Remembers what to remove; writes nothing yet.
  explicit plan_files(const core::render_plan& plan);
  ~plan_files();
  plan_files(const plan_files&) = delete;
  plan_files& operator=(const plan_files&) = delete;

  // Writes every plan file. internal error naming the file when one cannot be written.
  core::result<void> write();

 private:
  std::vector<core::plan_file> files_;
  std::vector<std::string> remove_;
};

}  // namespace reel::engine
