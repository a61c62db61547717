// reel say and reel chat against a real reeld and the simulator.
#include "cloud/cloud_fixture.hpp"
#include "fake_nemo/turn_script.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::turn_script;

TEST_CASE("reel say streams the answer and ends with the timeline summary") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string upstream = s["upstream_session_id"];
  const std::string id = s["id"];
  f.sim().update_knobs([](auto& k) { k.sse_dribble = true; });
  f.sim().queue_turn(upstream, turn_script()
                                   .say("Ich füge den Titel hinzu. ", 3)
                                   .call("update_draft", {})
                                   .respond("update_draft", {{"status", "ok"}})
                                   .say("标题已添加。", 2));
  auto r = run_reel(f, {"say", "--session", id, "add a title 'Summer Sale'"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Ich füge den Titel hinzu. ") == 0);
  CHECK(r.out.find("标题已添加。") != std::string::npos);
  CHECK(r.out.find("Timeline (1 track): 1. Title: \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.err.find("update_draft") != std::string::npos);
}

TEST_CASE("reel say prints an agent's aggregate final text once, as it streamed it") {
  // Some ADK agents end a turn with one final event repeating every run of text in it.
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().queue_turn(s["upstream_session_id"],
                     turn_script()
                         .partial("Adding the title.")
                         .call("update_draft", {})
                         .respond("update_draft", {{"status", "ok"}})
                         .partial("It reads ")
                         .partial("Summer Sale.")
                         .final_text("Adding the title.It reads Summer Sale."));
  auto r = run_reel(f, {"say", "--session", s["id"], "add a title 'Summer Sale'"});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Adding the title.\n\nIt reads Summer Sale.") == 0);
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = r.out.find(what); at != std::string::npos; at = r.out.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("Adding the title.") == 1);
  CHECK(count("It reads Summer Sale.") == 1);
}

TEST_CASE("reel say --json prints every event of the turn as one line") {
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().queue_turn(s["upstream_session_id"], turn_script().say("Fertig.", 2));
  auto r = run_reel(f, {"say", "--json", "--session", s["id"], "mach etwas"});
  CHECK(r.exit_code == 0);
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) names.push_back(json::parse(l)["event"]);
  REQUIRE_FALSE(names.empty());
  CHECK(names.front() == "chat.started");
  CHECK(names.back() == "chat.done");
}

TEST_CASE("reel say reports out of credits with the link and exits 1") {
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().queue_turn(s["upstream_session_id"], turn_script().error("2001", "no credits"));
  auto r = run_reel(f, {"say", "--session", s["id"], "make a video"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("credits") != std::string::npos);
  CHECK(r.err.find("bind=") != std::string::npos);
}

TEST_CASE("reel say without a session says how to get one") {
  cloud_fixture f;
  auto r = run_reel(f, {"say", "hello"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("reel new") != std::string::npos);
}

TEST_CASE("reel chat takes lines, streams answers, and runs /credits, /show, /export") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string upstream = s["upstream_session_id"];
  f.sim().queue_turn(upstream, turn_script().say("Hallo! 你好！", 2));
  f.sim().queue_turn(upstream, turn_script::silent());
  auto r = run_reel(f, {"chat", "--session", s["id"]},
                    "hi there\n/credits\nadd a title 'Summer Sale'\n/show\n/nope\n"
                    "/export\n/quit\n");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Hallo! 你好！") != std::string::npos);
  CHECK(r.out.find("Credits: ") != std::string::npos);
  CHECK(r.out.find("Added title \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.out.find("1. Title: \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.err.find("unknown command /nope") != std::string::npos);
  CHECK(r.out.find("Export started") != std::string::npos);
  CHECK(f.calls(endpoint::run_sse) == 2);
}
