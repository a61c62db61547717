// reel add --upload against a real reeld on the cloud backend: the files go as multipart
// (streamed from disk), sizes arrive intact, a file reeld cannot read is uploaded instead, a file
// the client cannot read is refused before anything is sent, and a 200 MB upload keeps reel's
// own peak RSS small.
#include "cloud_fixture.hpp"

#include <grp.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;

namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A file of `size` bytes that starts with `head`; sparse, so it is quick to make.
std::string sparse_file(cloud_fixture& f, const std::string& name, const std::string& head,
                        std::uint64_t size) {
  const auto path = f.write_file(name, head);
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
  return path;
}

std::string jpeg_head() {
  return std::string("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20);
}

json media_of(cloud_fixture& f, const std::string& id) {
  auto r = f.get("/v1/sessions/" + id + "/media");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json()["media"];
}

const json* find_named(const json& media, const std::string& name) {
  for (const auto& m : media)
    if (m.value("name", "") == name) return &m;
  return nullptr;
}

}  // namespace

TEST_CASE("reel add --upload: three files (one 20 MB) arrive as multipart, sizes intact") {
  cloud_fixture f;
  const std::string id = f.new_session()["id"];
  const std::uint64_t big = 20ull << 20;
  auto clip = sparse_file(f, "clip one.mp4", mp4_head(), big);
  auto logo = f.write_file("logo.png", png_head() + std::string(1000, 'p'));
  auto photo = f.write_file("photo.JPG", jpeg_head() + std::string(5000, 'j'));

  auto m = spawn_reel(f, {"add", "--upload", "--session", id, clip, logo, photo});
  const auto& r = m.run;
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "Added 3 items to " + id));
  // Not a terminal: the bytes reel sent, then the daemon's upload to the cloud.
  CHECK(has(r.err, "sending 3 files to reeld: 100%"));
  CHECK(has(r.err, "uploading clip one.mp4: 100%"));
  CHECK(f.calls(endpoint::upload) == 3);

  const auto media = media_of(f, id);
  REQUIRE(media.size() == 3);
  const std::vector<std::pair<std::string, std::uint64_t>> expected{
      {"clip one.mp4", big},
      {"logo.png", png_head().size() + 1000},
      {"photo.JPG", jpeg_head().size() + 5000}};
  for (const auto& [name, size] : expected) {
    const json* item = find_named(media, name);
    REQUIRE_MESSAGE(item != nullptr, name << " not in " << media.dump());
    CHECK((*item)["size"] == size);
    CHECK((*item)["meta"]["size"] == size);  // what the cloud received
  }
  // Nothing of the upload is left in the daemon's temporary directory (removed just after the
  // answer is written).
  auto left = [&] {
    std::error_code ec;
    std::size_t n = 0;
    for (std::filesystem::directory_iterator it(f.dir.file("state/tmp"), ec), end; !ec && it != end;
         it.increment(ec))
      ++n;
    return n;
  };
  for (int i = 0; i < 100 && left() > 0; ++i) std::this_thread::sleep_for(20ms);
  CHECK(left() == 0);

  // --json: the daemon's answer as it is.
  auto again = spawn_reel(f, {"add", "--upload", "--json", "--session", id, logo});
  REQUIRE_MESSAGE(again.run.exit_code == 0, again.run.err);
  CHECK(json::parse(again.run.out)["media"][0]["name"] == "logo.png");
}

TEST_CASE("reel add: a file reeld cannot read but reel can is uploaded instead") {
  cloud_fixture f;
  const std::string id = f.new_session()["id"];
  // reel reads the file through its inherited fd 900; for reeld, /proc/self/fd/900 is nothing,
  // which is what a file in the user's home is for a daemon running as user `reel`.
  auto real = sparse_file(f, "real.mp4", mp4_head(), 3u << 20);
  const auto link = f.dir.file("beach.mp4");
  REQUIRE(::symlink("/proc/self/fd/900", link.c_str()) == 0);
  const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);

  spawn_options so;
  so.pass_fd = fd;
  so.pass_as = 900;
  auto m = spawn_reel(f, {"add", "--session", id, link}, so);
  ::close(fd);
  REQUIRE_MESSAGE(m.run.exit_code == 0, m.run.err);
  CHECK(has(m.run.err, "cannot read beach.mp4"));
  CHECK(has(m.run.err, "uploading them instead"));
  CHECK(has(m.run.err, "sending beach.mp4 to reeld: 100%"));
  CHECK(has(m.run.out, "Added 1 item to " + id));
  const auto media = media_of(f, id);
  REQUIRE(media.size() == 1);
  CHECK(media[0]["name"] == "beach.mp4");
  CHECK(media[0]["size"] == 3u << 20);

  // A file missing for both is still an error, with or without --upload; nothing is sent.
  for (const bool upload : {false, true}) {
    std::vector<std::string> args{"add", "--session", id};
    if (upload) args.push_back("--upload");
    args.push_back(f.dir.file("missing.mp4"));
    auto r = spawn_reel(f, args).run;
    CHECK(r.exit_code == 1);
    CHECK(has(r.err, "missing.mp4: no such file"));
  }
  CHECK(media_of(f, id).size() == 1);
  CHECK(f.calls(endpoint::upload) == 1);
}

TEST_CASE("reel add: a file reel cannot read fails with a clear message, nothing sent") {
  cloud_fixture f;
  const std::string id = f.new_session()["id"];
  auto secret = f.write_file("secret.mp4", mp4_head() + "x");
  REQUIRE(::chmod(secret.c_str(), 0600) == 0);
  spawn_options so;
  // Root reads anything: run reel as nobody then (the file is root's, mode 0600).
  if (::geteuid() == 0) {
    so.as_nobody = true;
    // nobody must reach the file's directory to get "permission denied" from the file itself.
    REQUIRE(::chmod(f.dir.path().c_str(), 0711) == 0);
    // ... and run reel from a place nobody may enter: the build tree may be in a private
    // directory (a CI checkout under mktemp -d).
    const auto bin_dir = f.dir.file("bin");
    std::filesystem::create_directory(bin_dir);
    REQUIRE(::chmod(bin_dir.c_str(), 0755) == 0);
    so.binary = bin_dir + "/reel";
    std::filesystem::copy_file(reel_binary(), so.binary);
    REQUIRE(::chmod(so.binary.c_str(), 0755) == 0);
  } else {
    REQUIRE(::chmod(secret.c_str(), 0) == 0);
  }
  for (const bool upload : {false, true}) {
    std::vector<std::string> args{"add", "--session", id};
    if (upload) args.push_back("--upload");
    args.push_back(secret);
    auto r = spawn_reel(f, args, so).run;
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(has(r.err, secret + ": cannot read it (permission denied)"), r.err);
  }
  CHECK(media_of(f, id).empty());
  CHECK(f.calls(endpoint::upload) == 0);
}

TEST_CASE("reel add --upload of 200 MB: reel's peak RSS stays under 32 MB") {
  cloud_fixture f;
  const std::string id = f.new_session()["id"];
  const std::uint64_t size = 200ull << 20;
  auto path = sparse_file(f, "big.mp4", mp4_head(), size);
  spawn_options so;
  so.sample_rss = true;
  auto m = spawn_reel(f, {"add", "--upload", "--session", id, path}, so);
  REQUIRE_MESSAGE(m.run.exit_code == 0, m.run.err);
  const auto media = media_of(f, id);
  REQUIRE(media.size() == 1);
  CHECK(media[0]["size"] == size);
  MESSAGE("reel peak RSS (VmHWM) during a 200 MB upload: " << m.peak_rss_kb << " kB");
  CHECK(m.peak_rss_kb > 0);
  CHECK(m.peak_rss_kb < 32 * 1024);
}

TEST_CASE("reel add --upload over the daemon's body limit: the 413 answer is what reel shows") {
  cloud_options o;
  o.env = {"REEL_API_MAX_MEDIA_BODY=1048576"};
  cloud_fixture f(o);
  const std::string id = f.new_session()["id"];
  auto path = sparse_file(f, "long.mp4", mp4_head(), 40ull << 20);
  auto r = spawn_reel(f, {"add", "--upload", "--session", id, path}).run;
  CHECK(r.exit_code == 1);
  // The daemon refuses by Content-Length, before reading the body; reel shows that answer, not
  // the write it could not finish.
  CHECK_MESSAGE(has(r.err, "the body is larger than this call takes (at most 1048576 bytes)"),
                r.err);
  CHECK_FALSE(has(r.err, "lost the connection"));
  r = spawn_reel(f, {"add", "--upload", "--json", "--session", id, path}).run;
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["error"]["code"] == "payload_too_large");
  CHECK(media_of(f, id).empty());
}
