// Sessions on the local backend through the real reeld: media checked and stored by content
// hash, refusals, the agent's turns as chat events, undo, and renders that survive a restart or
// a cancel without leaving files behind.
#include "local/local_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>
#include <thread>

namespace reel::test {
namespace {

// Serves `body` to every request on 127.0.0.1 (one connection at a time) until destroyed: a
// web server for the URL tests, with nothing from the network.
class file_server {
 public:
  explicit file_server(std::string body) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, body = std::move(body)] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::string req;
        char buf[4096];
        ssize_t n = 0;
        while (req.find("\r\n\r\n") == std::string::npos && (n = ::read(c, buf, sizeof buf)) > 0)
          req.append(buf, static_cast<std::size_t>(n));
        const std::string out = "HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                body;
        for (std::size_t at = 0; at < out.size();) {
          n = ::write(c, out.data() + at, out.size() - at);
          if (n <= 0) break;
          at += static_cast<std::size_t>(n);
        }
        ::close(c);
      }
    });
  }
  ~file_server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::size_t media_files(const local_daemon& d) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(d.state_dir() + "/media", ec);
       it != std::filesystem::directory_iterator(); ++it)
    ++n;
  return n;
}

bool has_event(const std::vector<nlohmann::json>& events, const std::string& name) {
  for (const auto& e : events)
    if (e.value("event", "") == name) return true;
  return false;
}

}  // namespace

TEST_CASE("local is the default backend; media are probed and stored under their sha256") {
  auto& d = shared_daemon();
  const auto s = d.new_session();
  CHECK(d.call_json("GET", "/v1/sessions/" + s, nullptr, 200)["backend"] == "local");
  const auto& m = sample_media::get();
  auto r = d.add(s, {m.photos[0], m.music});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const auto media = r.json()["media"];
  REQUIRE(media.size() == 2);
  CHECK(media[0]["kind"] == "image");
  CHECK(media[0]["meta"]["width"] == 1200);
  CHECK(media[0]["meta"]["height"] == 800);
  CHECK(media[0]["meta"]["rotation"] == 0);
  CHECK(media[0]["meta"]["has_audio"] == false);
  CHECK(media[1]["kind"] == "audio");
  CHECK(media[1]["meta"]["has_audio"] == true);
  CHECK(media[1]["meta"]["duration_s"].get<double>() == doctest::Approx(30.0).epsilon(0.01));
  const auto sha = media[0]["meta"]["sha256"].get<std::string>();
  CHECK(std::filesystem::exists(d.state_dir() + "/media/" + sha + ".jpg"));
  // The same file again is stored once.
  const auto before = media_files(d);
  d.add_ok(s, {m.photos[0]});
  CHECK(media_files(d) == before);
  CHECK(d.call_json("GET", "/v1/credits?backend=local", nullptr, 200) ==
        nlohmann::json{{"available", 0}, {"frozen", 0}, {"total", 0}, {"metered", false}});
}

TEST_CASE("a file ffprobe cannot read is refused with unsupported_media and not stored") {
  auto& d = shared_daemon();
  temp_dir tmp;
  const auto s = d.new_session();
  // Random bytes named .jpg: not a picture by its first bytes.
  auto r = d.add(s, {tmp.write("noise.jpg", random_bytes(5000, 1))});
  CHECK(r.status == 415);
  CHECK(r.json()["error"]["code"] == "unsupported_media");
  // A JPEG header followed by noise: it looks like a JPEG, and ffprobe cannot read it.
  const auto before = media_files(d);
  r = d.add(s,
            {tmp.write("broken.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + random_bytes(5000, 2))});
  CHECK(r.status == 415);
  CHECK(r.json()["error"]["code"] == "unsupported_media");
  CHECK(r.json()["error"]["message"].get<std::string>().find("broken.jpg") != std::string::npos);
  CHECK(media_files(d) == before);
  CHECK(d.call_json("GET", "/v1/sessions/" + s + "/media", nullptr, 200)["media"].empty());
}

TEST_CASE("a URL is fetched and probed like a file; an unreachable one is a clear error") {
  auto& d = shared_daemon();
  const auto s = d.new_session();
  std::ifstream music(sample_media::get().music, std::ios::binary);
  file_server web(std::string(std::istreambuf_iterator<char>(music), {}));
  auto r = d.call("POST", "/v1/sessions/" + s + "/media",
                  nlohmann::json{{"urls", {web.url("/song.mp3?sig=abc")}}}.dump());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const auto added = r.json()["media"];
  REQUIRE(added.size() == 1);
  CHECK(added[0]["kind"] == "audio");
  CHECK(added[0]["meta"]["duration_s"].get<double>() > 0);
  CHECK(added[0]["meta"].contains("sha256"));
  CHECK(std::filesystem::is_empty(d.state_dir() + "/tmp"));

  r = d.call("POST", "/v1/sessions/" + s + "/media",
             R"({"urls":["http://127.0.0.1:1/photo.jpg"]})");
  CHECK(r.status >= 400);
  CHECK(r.json()["error"]["message"].get<std::string>().find(
            "cannot fetch http://127.0.0.1:1/photo.jpg") != std::string::npos);
  CHECK(d.call_json("GET", "/v1/sessions/" + s + "/media", nullptr, 200)["media"].size() == 1);
}

TEST_CASE("scripts are kept as text and give the title") {
  auto& d = shared_daemon();
  const auto s = d.new_session();
  temp_dir tmp;
  const auto& m = sample_media::get();
  d.add_ok(s, {m.photos[0], m.photos[1],
               tmp.write("script.txt", "Grand Opening\nEverything is new. Come and see.\n")});
  const auto events = d.say(s, "make a video from my script");
  CHECK(has_event(events, "chat.done"));
  const auto st = d.state(s);
  CHECK(st["summary"].get<std::string>().find("Grand Opening") != std::string::npos);
}

TEST_CASE("a turn comes as chat events with tool calls; undo goes back one version") {
  auto& d = shared_daemon();
  const auto& m = sample_media::get();
  const auto s = d.new_session();
  d.add_ok(s, {m.photos[0], m.photos[1], m.music});
  auto events = d.say(s, "make a 10-second video with background music");
  CHECK(has_event(events, "chat.started"));
  CHECK(has_event(events, "chat.tool"));
  CHECK(has_event(events, "timeline.changed"));
  CHECK(has_event(events, "chat.done"));
  const auto first = d.state(s)["draft"];

  d.say(s, "add a title 'Summer Sale' for 3 seconds");
  const auto titled = d.state(s)["draft"];
  CHECK(titled != first);
  CHECK(titled.dump().find("Summer Sale") != std::string::npos);

  events = d.say(s, "undo");
  CHECK(has_event(events, "timeline.changed"));
  CHECK(d.state(s)["draft"] == first);
  // Nothing before the first version: the agent says so and changes nothing.
  CHECK(local_daemon::reply_of(d.say(s, "undo")).find("nothing to undo") != std::string::npos);
  CHECK(d.state(s)["draft"] == first);
  // A new edit after an undo builds on the restored version.
  d.say(s, "make it 12 seconds");
  const auto now = d.state(s)["draft"];
  CHECK(now.value("d", 0) == 12000);
  CHECK(now.dump().find("Summer Sale") == std::string::npos);
  d.say(s, "undo");
  CHECK(d.state(s)["draft"] == first);
}

TEST_CASE("a request the agent cannot do gets a helpful reply, not silence") {
  auto& d = shared_daemon();
  const auto& m = sample_media::get();
  const auto s = d.new_session();
  d.add_ok(s, {m.photos[0], m.photos[1]});
  d.say(s, "make a 6-second video");
  const auto before = d.state(s)["draft"];
  const auto events = d.say(s, "add a 3D explosion and lip-sync the dog");
  const auto reply = local_daemon::reply_of(events);
  MESSAGE("reply: " << reply);
  CHECK(reply.size() > 40);
  CHECK(has_event(events, "chat.done"));
  CHECK_FALSE(has_event(events, "chat.error"));
  CHECK(d.state(s)["draft"] == before);
}

TEST_CASE("a local render cut short by a restart is rendered again; a cancel leaves no files") {
  local_daemon d;  // its own daemon: it is killed
  const auto& m = sample_media::get();
  const auto s = d.new_session();
  d.add_ok(s, {m.photos[0], m.photos[1], m.photos[2]});
  d.say(s, "make a 12-second video");
  auto job = d.call_json("POST", "/v1/sessions/" + s + "/renders",
                         nlohmann::json{{"quality", "draft"}}, 202);
  const std::string id = job["id"];
  // Wait until ffmpeg is at work, then kill the daemon as a crash would.
  for (int i = 0; i < 200; ++i) {
    job = d.call_json("GET", "/v1/renders/" + id, nullptr, 200);
    if (job.value("state", "") == "rendering" && job.value("progress", 0.0) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  d.daemon->kill_now();
  d.start();
  const auto done = d.wait_finished(id, std::chrono::seconds(120));
  const auto p = probe(local_daemon::output_of(done));
  CHECK(std::abs(p.duration_s - 12.0) <= 0.1);
  CHECK(d.work_files() == 0);

  // Cancel mid-render: ffmpeg is stopped and its files removed.
  job = d.call_json("POST", "/v1/sessions/" + s + "/renders", nlohmann::json{{"quality", "draft"}},
                    202);
  const std::string second = job["id"];
  for (int i = 0; i < 200; ++i) {
    job = d.call_json("GET", "/v1/renders/" + second, nullptr, 200);
    if (job.value("state", "") == "rendering") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto cancelled = d.call("DELETE", "/v1/renders/" + second);
  CHECK(cancelled.status == 200);
  CHECK(d.wait_finished(second, std::chrono::seconds(30))["state"] == "cancelled");
  for (int i = 0; i < 100 && d.work_files() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(d.work_files() == 0);
}

}  // namespace reel::test

namespace reel::test {

TEST_CASE("credits on the local backend: none counted, and a credits message says so") {
  auto& d = shared_daemon();
  auto c = d.call_json("GET", "/v1/credits?backend=local", nullptr, 200);
  CHECK(c["metered"] == false);
  CHECK(c["available"] == 0);
  const auto s = d.new_session();
  const auto reply = local_daemon::reply_of(d.say(s, "how many credits do I have?"));
  CHECK(reply.find("free") != std::string::npos);
}

}  // namespace reel::test
