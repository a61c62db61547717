// The HTTP client's streamed bodies (strings and files as parts), in-process against the fake
// daemon: the bytes arrive in order with the right Content-Length, progress ends at the total,
// and a file that cannot be read fails before anything is sent.
#include "cli/fake_daemon.hpp"
#include "cli/http_client.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace reel::cli;
using namespace reel::cli::test;

namespace {

client_options parts_options(std::uint16_t port) {
  client_options o;
  o.address.host = "127.0.0.1";
  o.address.port = port;
  o.address.source = "--host";
  o.api_key = "k";
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.io_timeout = std::chrono::milliseconds(5000);
  return o;
}

std::string write_file(const temp_dir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir.file(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST_CASE("http_client: a parts body is the parts in order, files streamed in chunks") {
  temp_dir dir;
  // Larger than one 256 KiB chunk, and not a multiple of it.
  std::string big(600 * 1024 + 7, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const auto big_path = write_file(dir, "big.bin", big);
  const auto small_path = write_file(dir, "small.bin", "tiny");
  const auto empty_path = write_file(dir, "empty.bin", "");

  fake_daemon daemon([](const recorded_request& req) {
    return canned_response{201, R"({"size":)" + std::to_string(req.body.size()) + "}"};
  });
  http_request req;
  req.method = "POST";
  req.target = "/v1/sessions/s_1/media";
  req.content_type = "multipart/form-data; boundary=x";
  req.parts = {body_part::bytes("<head>"),  body_part::file(big_path),   body_part::bytes("|"),
               body_part::file(empty_path), body_part::file(small_path), body_part::bytes("<end>")};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  req.on_progress = [&](std::uint64_t sent, std::uint64_t total) {
    progress.emplace_back(sent, total);
  };
  const std::string expected = "<head>" + big + "|" + "tiny" + "<end>";

  auto r = http_client(parts_options(daemon.port())).call_json(req);
  REQUIRE(r.has_value());
  CHECK((*r)["size"] == expected.size());
  auto got = daemon.requests().at(0);
  CHECK(got.header("content-length") == std::to_string(expected.size()));
  CHECK(got.header("content-type") == "multipart/form-data; boundary=x");
  CHECK(got.header("authorization") == "Bearer k");
  CHECK(got.body == expected);

  REQUIRE(progress.size() >= 4);  // the big file alone is three chunks
  for (std::size_t i = 1; i < progress.size(); ++i)
    CHECK(progress[i].first > progress[i - 1].first);
  CHECK(progress.back().first == expected.size());
  CHECK(progress.back().second == expected.size());
}

TEST_CASE("http_client: a parts body with an unreadable file fails locally, nothing sent") {
  temp_dir dir;
  fake_daemon daemon([](const recorded_request&) { return canned_response{201, "{}"}; });
  http_request req;
  req.method = "POST";
  req.target = "/x";
  req.parts = {body_part::bytes("a"), body_part::file(dir.file("missing.bin"))};
  auto r = http_client(parts_options(daemon.port())).send(req);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == failure::local);
  CHECK(r.error().error.message.find("missing.bin") != std::string::npos);

  req.parts = {body_part::file(dir.path())};  // a directory
  r = http_client(parts_options(daemon.port())).send(req);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == failure::local);
  CHECK(r.error().error.message.find("not a regular file") != std::string::npos);
  CHECK(daemon.requests().empty());
}
