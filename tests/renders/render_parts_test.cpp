// The render service's parts: the concurrency limiter, the ffprobe check, the store rows, the
// synced commit.
#include "fake_nemo/sample_media.hpp"
#include "service/ffprobe_check.hpp"
#include "service/render_rows.hpp"
#include "service/slot_limiter.hpp"
#include "store/migrations.hpp"
#include "store/transaction.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

namespace reel::test {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> hold_slot(service::slot_limiter* l, int id, std::vector<int>* order,
                                int* holding, int* peak) {
  auto slot = co_await l->acquire();
  if (!slot) co_return;
  order->push_back(id);
  *peak = std::max(*peak, ++*holding);
  const auto ex = co_await asio::this_coro::executor;
  asio::steady_timer t(ex);
  t.expires_after(std::chrono::milliseconds(5));
  co_await t.async_wait(asio::use_awaitable);
  --*holding;
}

asio::awaitable<bool> got_slot(service::slot_limiter* l) {
  auto s = co_await l->acquire();
  co_return static_cast<bool>(s);
}

service::render_check_result probe(const std::string& path) {
  asio::io_context io;
  std::optional<service::render_check_result> out;
  asio::co_spawn(io, service::ffprobe_check(path),
                 [&](std::exception_ptr, service::render_check_result r) { out = r; });
  io.run();
  return *out;
}

}  // namespace

TEST_CASE("the limiter lets N through at once, in order of arrival") {
  asio::io_context io;
  service::slot_limiter limit(3);
  std::vector<int> order;
  int holding = 0, peak = 0;
  for (int i = 0; i < 20; ++i)
    asio::co_spawn(io, hold_slot(&limit, i, &order, &holding, &peak), asio::detached);
  io.run();
  CHECK(peak == 3);
  CHECK(limit.peak() == 3);
  CHECK(limit.in_use() == 0);
  REQUIRE(order.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("a cancelled wait for a slot gives up its place") {
  asio::io_context io;
  service::slot_limiter limit(1);
  std::vector<int> order;
  int holding = 0, peak = 0;
  asio::co_spawn(io, hold_slot(&limit, 0, &order, &holding, &peak), asio::detached);
  asio::cancellation_signal cancel;
  std::optional<bool> second;
  asio::co_spawn(io, got_slot(&limit),
                 asio::bind_cancellation_slot(cancel.slot(),
                                              [&](std::exception_ptr, bool ok) { second = ok; }));
  asio::co_spawn(io, hold_slot(&limit, 2, &order, &holding, &peak), asio::detached);
  io.poll();
  CHECK(limit.waiting() == 2);
  cancel.emit(asio::cancellation_type::terminal);
  io.run();
  REQUIRE(second.has_value());
  CHECK_FALSE(*second);
  CHECK(order == std::vector<int>{0, 2});
  CHECK(limit.in_use() == 0);
}

TEST_CASE("ffprobe passes a whole MP4 and refuses one cut short or not a video") {
  temp_dir dir;
  const auto& mp4 = fake_nemo::shared_sample_mp4();
  auto ok = probe(mp4.path.string());
  CHECK(ok.ok);
  CHECK(ok.duration_s == doctest::Approx(2.0).epsilon(0.05));

  // Cut short: with its moov atom at the front this still opens, but reads "partial file".
  const auto fast = dir.file("fast.mp4");
  REQUIRE(std::system(("ffmpeg -nostdin -loglevel error -y -i '" + mp4.path.string() +
                       "' -c copy -movflags +faststart '" + fast + "'")
                          .c_str()) == 0);
  std::filesystem::resize_file(fast, std::filesystem::file_size(fast) * 2 / 3);
  auto cut = probe(fast);
  CHECK_FALSE(cut.ok);
  CHECK_FALSE(cut.message.empty());

  auto text = probe(dir.write("notes.mp4", "not a video at all"));
  CHECK_FALSE(text.ok);
  CHECK_FALSE(probe(dir.file("missing.mp4")).ok);
  CHECK_FALSE(std::filesystem::exists(fast + ".probe.json"));
}

TEST_CASE("read_ffprobe needs an MP4 with video frames and a duration") {
  nlohmann::json good = {
      {"streams", {{{"codec_type", "video"}, {"nb_read_packets", "50"}}}},
      {"format", {{"format_name", "mov,mp4,m4a,3gp,3g2,mj2"}, {"duration", "2.000000"}}}};
  CHECK(service::read_ffprobe(good, 0, "").ok);
  CHECK_FALSE(service::read_ffprobe(good, 1, "moov atom not found").ok);
  CHECK_FALSE(service::read_ffprobe(good, 0, "stream 0, offset 0x4e65: partial file").ok);
  auto audio = good;
  audio["streams"][0]["codec_type"] = "audio";
  CHECK_FALSE(service::read_ffprobe(audio, 0, "").ok);
  auto webm = good;
  webm["format"]["format_name"] = "matroska,webm";
  CHECK_FALSE(service::read_ffprobe(webm, 0, "").ok);
}

TEST_CASE("a job survives the trip to a store row and back") {
  auto j = core::make_render_job("render_5_z", "s_1", "nemovideo", {{"v", 1}, {"x", {1}}},
                                 {{"format", "mp4"}}, "/tmp/render_5_z.mp4", 5);
  j.state = core::render_state::completed;
  j.progress = 1;
  j.submitted_ms = 6;
  j.finished_ms = 9;
  j.attempts = 2;
  j.output = {"/tmp/render_5_z.mp4", "https://cdn/x.mp4", 31973, "ab", 2.04};
  auto back = service::from_row(service::to_row(j));
  REQUIRE(back);
  CHECK(core::to_api_json(*back) == core::to_api_json(j));
  CHECK(back->draft == j.draft);
  CHECK(back->attempts == 2);
  j.state = core::render_state::failed;
  j.failure = core::make_error(core::errc::plan_blocked, "HTTP 402");
  CHECK(service::from_row(service::to_row(j))->failure->code == core::errc::plan_blocked);
  auto bad = service::to_row(j);
  bad.state = "exploded";
  CHECK_FALSE(service::from_row(bad));
}

TEST_CASE("a synced transaction commits with synchronous=FULL and leaves NORMAL behind") {
  temp_dir dir;
  auto db = store::database::open(dir.file("t.db"), 1000);
  REQUIRE(db.has_value());
  auto sync_level = [&] {
    auto st = db->prepare("PRAGMA synchronous");
    st.step();
    return st.column_int64(0);
  };
  CHECK(sync_level() == 1);  // NORMAL
  {
    store::transaction tx(*db, store::durability::synced);
    CHECK(sync_level() == 2);  // FULL for this commit
    db->exec("CREATE TABLE t (x)");
    tx.commit();
  }
  CHECK(sync_level() == 1);
  {
    store::transaction tx(*db, store::durability::synced);
    db->exec("INSERT INTO t VALUES (1)");
  }  // rolled back
  CHECK(sync_level() == 1);
}

}  // namespace reel::test
