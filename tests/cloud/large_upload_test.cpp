// A 300 MB file added by path goes to the cloud streamed: the daemon's resident memory stays
// under 64 MB the whole time (its peak, VmHWM, is read after the upload). A large multipart
// upload passes the spool and the split in constant memory too.
#include "cloud_fixture.hpp"

#include <fcntl.h>
#include <unistd.h>

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;

namespace {

// A file of `size` bytes that starts like an MP4; sparse, so it costs no disk.
std::string sparse_mp4(cloud_fixture& f, const std::string& name, std::uint64_t size) {
  const auto path = f.write_file(name, mp4_head());
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
  return path;
}

}  // namespace

TEST_CASE("a 300 MB file by path: streamed to the cloud, the daemon's RSS stays under 64 MB") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::uint64_t size = 300ull << 20;
  const auto path = sparse_mp4(f, "big.mp4", size);
  auto ws = f.subscribe("session:" + s["id"].get<std::string>());
  const long before_kb = peak_rss_kb(f.daemon->pid());

  auto r = f.call("POST", "/v1/sessions/" + s["id"].get<std::string>() + "/media",
                  json{{"paths", {path}}}.dump(), "application/json", std::chrono::minutes(5));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  auto m = r.json()["media"][0];
  CHECK(m["size"] == size);
  CHECK(m["meta"]["size"] == size);  // what the cloud received
  const long peak_kb = peak_rss_kb(f.daemon->pid());
  MESSAGE("reeld peak RSS: before " << before_kb << " kB, after a 300 MB upload " << peak_kb
                                    << " kB");
  CHECK(peak_kb > 0);
  CHECK(peak_kb < 64 * 1024);

  // About every 5%: a few dozen progress events, not thousands.
  int progress = 0;
  for (const auto& e : cloud_fixture::events(*ws, "media.added"))
    if (e["event"] == "upload.progress") ++progress;
  CHECK(progress >= 10);
  CHECK(progress <= 25);
}

TEST_CASE("a 64 MB multipart upload: spooled, split and sent in constant memory") {
  cloud_fixture f;
  auto s = f.new_session();
  std::string bytes = mp4_head();
  bytes.resize(64u << 20, 'z');
  auto [body, type] = cloud_fixture::multipart({{"clip.mp4", bytes}});
  bytes.clear();
  bytes.shrink_to_fit();
  auto r = f.call("POST", "/v1/sessions/" + s["id"].get<std::string>() + "/media", body, type,
                  std::chrono::minutes(2));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.json()["media"][0]["meta"]["size"] == 64u << 20);
  const long peak_kb = peak_rss_kb(f.daemon->pid());
  MESSAGE("reeld peak RSS after a 64 MB multipart upload: " << peak_kb << " kB");
  CHECK(peak_kb < 64 * 1024);
}
