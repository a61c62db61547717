// The turn service over a test double backend: fan-out, one turn per session, silent turns,
// broken and stalled streams, never a second send, direct answers.
#include "turn_fixture.hpp"

using namespace reel;
using namespace reel::chat_test;

TEST_CASE("a streamed reply reaches every subscriber identically, in order, ending in chat.done") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder a, b, c;
  for (auto* r : {&a, &b, &c}) f.hub.subscribe(*r, "session:" + sid, std::nullopt);
  const std::string reply = "Titel hinzugefügt. 标题已添加。Done!";
  f.backend.turns.push_back(scripted_turn{}
                                .beat()
                                .text("Titel hinzu")
                                .pause(5ms)
                                .text("gefügt. 标题已")
                                .beat()
                                .text("添加。Done!")
                                .text(reply, false));
  const auto turn = f.send(sid, "add a title");
  REQUIRE(f.run_until([&] { return a.ended(turn); }));
  CHECK(a.got == b.got);
  CHECK(a.got == c.got);
  // After a quiet interval a sentence goes out at once (what follows within a millisecond is
  // joined, see below); then the final text, then chat.done.
  const auto names = a.names(turn);
  REQUIRE(names.size() >= 5);
  CHECK(names.front() == "chat.started");
  CHECK(a.got[1]["data"]["text"] == "Titel hinzugefügt. ");
  for (std::size_t i = 1; i + 2 < names.size(); ++i) CHECK(names[i] == "chat.text");
  CHECK(names[names.size() - 2] == "chat.text");
  CHECK(names.back() == "chat.done");
  CHECK(a.streamed(turn) == reply);
  CHECK(a.last("chat.text")->at("data")["text"] == reply);
  CHECK(a.last("chat.text")->at("data")["final"] == true);
  CHECK(a.got.front()["data"] == json{{"turn", turn}, {"route", "chat"}, {"text", "add a title"}});
  CHECK(f.backend.chats == 1);
  CHECK(f.run_until([&] { return f.turns->active() == 0; }));
  CHECK_FALSE(f.turns->running(sid));
}

TEST_CASE("a burst of text goes out in a few chat.text, a paced one piece by piece") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  // 200 sentences back to back: after the first, at most one chat.text per millisecond.
  scripted_turn burst;
  std::string all;
  for (int i = 0; i < 200; ++i) {
    const auto s = "Satz " + std::to_string(i) + ". ";
    burst.text(s);
    all += s;
  }
  f.backend.turns.push_back(burst);
  auto turn = f.send(sid, "burst");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  auto deltas = [&](const std::string& t) {
    std::size_t n = 0;
    for (const auto& e : r.got)
      if (e["event"] == "chat.text" && e["data"]["turn"] == t && !e["data"]["final"]) ++n;
    return n;
  };
  CHECK(r.streamed(turn) == all);
  CHECK(deltas(turn) < 50);
  // Three sentences 20 ms apart: each goes out as it comes, none is held for the next.
  f.backend.turns.push_back(
      scripted_turn{}.text("Eins. ").pause(20ms).text("Zwei. ").pause(20ms).text("Drei. "));
  REQUIRE(f.run_until([&] { return f.turns->active() == 0; }));
  turn = f.send(sid, "paced");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  CHECK(r.streamed(turn) == "Eins. Zwei. Drei. ");
  CHECK(deltas(turn) == 3);
}

TEST_CASE("a second message while a turn runs gets conflict, and nothing is queued") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  f.backend.turns.push_back(scripted_turn{}.pause(100ms).text("One.", false));
  const auto turn = f.send(sid, "make a video");
  CHECK(f.turns->running(sid) == turn);
  auto second = f.turns->send(sid, "make it shorter");
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code == core::errc::conflict);
  CHECK(second.error().message.find(turn) != std::string::npos);
  auto exporting = f.turns->send(sid, "export");
  REQUIRE_FALSE(exporting.has_value());
  CHECK(exporting.error().code == core::errc::conflict);
  // Questions that do not touch the agent are answered beside the turn.
  const auto credits = f.send(sid, "credits", "credits");
  REQUIRE(f.run_until([&] { return r.ended(turn) && r.ended(credits); }));
  CHECK(f.backend.chats == 1);
  CHECK(f.backend.turns.empty());
  // Once it ended, the session takes messages again.
  f.backend.turns.push_back(scripted_turn{}.text("Two.", false));
  const auto next = f.send(sid, "make it shorter");
  REQUIRE(f.run_until([&] { return r.ended(next); }));
  CHECK(f.backend.chats == 2);
}

TEST_CASE("unknown sessions and empty messages are refused") {
  turn_fixture f;
  auto r = f.turns->send("s_nope", "hello");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::not_found);
  const auto sid = f.new_session();
  auto e = f.turns->send(sid, "  \n");
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == core::errc::bad_request);
  auto big = f.turns->send(sid, std::string(20'001, 'a'));
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code == core::errc::bad_request);
}

TEST_CASE("a silent turn yields timeline.changed naming the change and a final text saying it") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  f.backend.turns.push_back(scripted_turn{}.beat().edit(titled_draft()).beat());
  const auto turn = f.send(sid, "add a title 'Summer Sale'");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  CHECK(r.names(turn) ==
        std::vector<std::string>{"chat.started", "timeline.changed", "chat.text", "chat.done"});
  const auto& changed = r.last("timeline.changed")->at("data");
  CHECK(changed["sentence"].get<std::string>().find("Added title \"Summer Sale\" (0-3s)") !=
        std::string::npos);
  CHECK(changed["summary"].get<std::string>().find("Summer Sale") != std::string::npos);
  CHECK(r.last("chat.text")->at("data")["text"] == changed["sentence"]);
  CHECK(r.last("chat.done")->at("data")["changed"] == true);
  CHECK(f.backend.states == 2);  // before and after
}

TEST_CASE(
    "a stream dropped mid-event ends the turn with an error, fetches the state, never resends") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  f.backend.turns.push_back(
      scripted_turn{}
          .text("Adding the title. ")
          .edit(titled_draft())
          .fail(core::make_error(core::errc::upstream_unavailable, "The stream broke off.")));
  const auto turn = f.send(sid, "add a title 'Summer Sale'");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  REQUIRE(r.last("chat.error"));
  const auto& err = r.last("chat.error")->at("data")["error"];
  CHECK(err["code"] == "upstream_unavailable");
  CHECK(err["message"].get<std::string>().find("not sent again") != std::string::npos);
  CHECK(r.last("timeline.changed"));  // the state shows what did happen
  CHECK(f.backend.chats == 1);
  CHECK(f.backend.states == 2);
}

TEST_CASE("an out-of-credits stream ends with out_of_credits and the backend's link") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  core::upstream_context ctx;
  ctx.client_id = "cid-7";
  f.backend.turns.push_back(
      scripted_turn{}.error_item(2001).fail(core::map_upstream_code(2001, ctx)));
  const auto turn = f.send(sid, "make a video");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  const auto& err = r.last("chat.error")->at("data")["error"];
  CHECK(err["code"] == "out_of_credits");
  CHECK(err["upstream_code"] == 2001);
  CHECK(err["hint"].get<std::string>().find("bind=cid-7") != std::string::npos);
  CHECK(f.backend.chats == 1);
}

TEST_CASE("chat.working comes while the agent is quiet; heartbeats alone stall and stop the turn") {
  core::turn_limits l;
  l.working_interval_ms = 60;
  l.stall_ms = 400;
  l.limit_ms = 5000;
  turn_fixture f(l);
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  scripted_turn t;
  for (int i = 0; i < 20; ++i) t.beat().pause(40ms);
  t.hang();
  f.backend.turns.push_back(std::move(t));
  const auto started = std::chrono::steady_clock::now();
  const auto turn = f.send(sid, "make a video");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= 390ms);  // the stall clock counts whole milliseconds
  CHECK(took < 2s);
  const auto names = r.names(turn);
  CHECK(std::count(names.begin(), names.end(), "chat.working") >= 4);
  const auto& err = r.last("chat.error")->at("data")["error"];
  CHECK(err["code"] == "timeout");
  CHECK(err["message"].get<std::string>().find("keep-alives") != std::string::npos);
  // The stream was stopped, and not sent again.
  REQUIRE(f.run_until([&] { return f.backend.stopped; }));
  CHECK(f.backend.chats == 1);
}

TEST_CASE("a turn is stopped at its limit even while the agent keeps working") {
  core::turn_limits l;
  l.working_interval_ms = 10'000;
  l.stall_ms = 10'000;
  l.limit_ms = 300;
  turn_fixture f(l);
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  scripted_turn t;
  for (int i = 0; i < 100; ++i) t.tool("step").pause(20ms);
  f.backend.turns.push_back(std::move(t));
  const auto turn = f.send(sid, "make a long video");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  CHECK(r.last("chat.error")->at("data")["error"]["code"] == "timeout");
  REQUIRE(f.run_until([&] { return f.backend.stopped; }));
  CHECK(f.backend.chats == 1);
}

TEST_CASE("a refusal because the cloud lost the session is retried once on a new session") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  f.backend.chat_refusal = core::map_upstream_code(1002);
  f.backend.turns.push_back(scripted_turn{}.text("Hello again.", false));
  const auto turn = f.send(sid, "make a video");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  CHECK(r.last("chat.done"));
  CHECK(f.backend.chats == 2);
  CHECK(f.backend.creates == 2);
  CHECK(r.last("session.replaced"));
}

TEST_CASE("direct routes are answered without the agent") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  f.backend.draft = titled_draft();

  const auto credits = f.send(sid, "how many credits do I have?", "credits");
  REQUIRE(f.run_until([&] { return r.ended(credits); }));
  CHECK(r.names(credits) == std::vector<std::string>{"chat.started", "chat.text", "chat.done"});
  CHECK(r.last("chat.text")->at("data")["text"] ==
        "You have 97 credits available (1 frozen, 98 in all).");
  CHECK(r.last("chat.done")->at("data")["credits"]["available"] == 97);

  const auto state = f.send(sid, "show tracks", "state");
  REQUIRE(f.run_until([&] { return r.ended(state); }));
  CHECK(r.last("chat.text")->at("data")["text"].get<std::string>().find("Summer Sale") !=
        std::string::npos);

  const auto upload = f.send(sid, "upload", "upload");
  REQUIRE(f.run_until([&] { return r.ended(upload); }));
  CHECK(r.last("chat.text")->at("data")["text"].get<std::string>().find("reel add") !=
        std::string::npos);

  const auto exp = f.send(sid, "export", "export");
  REQUIRE(f.run_until([&] { return r.ended(exp); }));
  CHECK(r.last("chat.error")->at("data")["error"]["code"] == "bad_request");
  CHECK(f.backend.chats == 0);
}

TEST_CASE("the export route starts the render service's export when there is one") {
  service::turn_service::options o;
  std::vector<std::string> exported;
  o.start_export = [&exported](std::string session) -> service::async_result<json> {
    exported.push_back(session);
    co_return core::json_value(json{{"id", "r_1"}, {"state", "queued"}});
  };
  turn_fixture f({}, std::move(o));
  const auto sid = f.new_session();
  recorder r;
  f.hub.subscribe(r, "session:" + sid, std::nullopt);
  const auto turn = f.send(sid, "export the video please", "export");
  REQUIRE(f.run_until([&] { return r.ended(turn); }));
  CHECK(exported == std::vector<std::string>{sid});
  CHECK(r.last("chat.done")->at("data")["job"]["id"] == "r_1");
}

TEST_CASE("a subscriber that joins mid-turn with since misses nothing") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder early;
  f.hub.subscribe(early, "session:" + sid, std::nullopt);
  f.backend.turns.push_back(scripted_turn{}
                                .text("First sentence. ")
                                .pause(50ms)
                                .text("Second sentence. ")
                                .pause(50ms)
                                .text("Third.", false));
  const auto turn = f.send(sid, "tell me");
  REQUIRE(f.run_until([&] { return early.streamed(turn).size() > 10; }));
  f.hub.flush();
  recorder late;
  auto replay = f.hub.subscribe(late, "session:" + sid, 0);
  for (auto& fr : replay.frames) late.deliver(fr, {});
  REQUIRE(f.run_until([&] { return early.ended(turn); }));
  // The late one also replayed session.created, from before `early` subscribed.
  REQUIRE(late.got.size() == early.got.size() + 1);
  CHECK(late.got.front()["event"] == "session.created");
  CHECK(std::vector<json>(late.got.begin() + 1, late.got.end()) == early.got);
}

TEST_CASE("pieces handed over together are joined: one chat.text per batch, GUI talk still seen") {
  turn_fixture f;
  const auto sid = f.new_session();
  recorder a;
  f.hub.subscribe(a, "session:" + sid, std::nullopt);
  scripted_turn t;
  // One burst of 200 pieces (one read of a fast stream), a pause, then a burst whose GUI
  // instruction is split across pieces, a tool call, and one more piece.
  std::string first;
  for (int i = 0; i < 200; ++i) {
    const auto piece = "[#" + std::to_string(i) + "] Zeile " + std::to_string(i) + ".\n";
    first += piece;
    t.text(piece);
  }
  t.pause(20ms).text("Done! Click the Ex").text("port button to download it.\n").tool("render");
  t.text("Rendering.");
  f.backend.turns.push_back(std::move(t));
  const auto turn = f.send(sid, "stream");
  REQUIRE(f.run_until([&] { return a.ended(turn); }));
  std::vector<std::string> deltas;
  for (const auto& e : a.got) {
    if (e["event"] == "chat.text" && e["data"]["final"] == false)
      deltas.push_back(e["data"]["text"].get<std::string>());
  }
  REQUIRE(deltas.size() == 3);
  CHECK(deltas[0] == first);
  CHECK(deltas[1] == "Done! Say \"export\" and I will render the video for you.\n");
  CHECK(deltas[2] == "Rendering.");
  const auto names = a.names(turn);
  CHECK(std::find(names.begin(), names.end(), "chat.tool") != names.end());
  const auto final_text = a.last("chat.text")->at("data");
  CHECK(final_text["final"] == true);
  CHECK(final_text["text"].get<std::string>().find("Click") == std::string::npos);
  CHECK(final_text["actions"] == json::array({"export"}));
}
