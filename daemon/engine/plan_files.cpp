#include "engine/plan_files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace reel::engine {

plan_files::plan_files(const core::render_plan& plan) : files_(plan.files) {
  for (const auto& f : plan.files) remove_.push_back(f.path);
  remove_.insert(remove_.end(), plan.scratch.begin(), plan.scratch.end());
}

plan_files::~plan_files() {
  for (const auto& p : remove_) {
    std::error_code ec;
    std::filesystem::remove(p, ec);  // gone already (renamed into place) is fine
  }
}

core::result<void> plan_files::write() {
  for (const auto& f : files_) {
    std::ofstream out(f.path, std::ios::binary | std::ios::trunc);
    out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    out.close();
    if (!out)
      return core::make_error(core::errc::internal,
                              "cannot write " + f.path + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace reel::engine
