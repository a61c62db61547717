// HTTPS: the same API over TLS with a certificate from a throwaway CA.
#include "fake_nemo/test_pki.hpp"
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;

TEST_CASE("over HTTPS a client that verifies against the test CA gets the whole API") {
  temp_dir dir;
  const auto pki = make_test_pki(dir.path);
  server_options so;
  so.tls = tls_files{pki.cert_chain, pki.private_key};
  client_options co;
  co.tls = true;
  co.ca_file = pki.ca_cert.string();
  fixture f(so, co);
  CHECK(f.srv.base_url().starts_with("https://127.0.0.1:"));
  const auto token = f.token();
  REQUIRE_FALSE(token.empty());
  const auto sid = f.session(token);
  const auto p = parse_sse(f.chat(token, sid, "add a title 'Secure'").body);
  CHECK(final_text(p).find("Secure") != std::string::npos);

  // The certificate also names 127.0.0.1.
  co.verify_name = "127.0.0.1";
  co.port = f.srv.port();
  const auto by_ip = http_client(co).get("/api/credits/balance/simple", auth_headers(token));
  CHECK(by_ip.json()["data"]["available"] == 99);
}

TEST_CASE("over HTTPS a client that trusts another CA fails the handshake") {
  temp_dir dir;
  temp_dir other;
  const auto pki = make_test_pki(dir.path);
  const auto stranger = make_test_pki(other.path);
  server_options so;
  so.tls = tls_files{pki.cert_chain, pki.private_key};
  server s(so);
  client_options co;
  co.port = s.start();
  co.tls = true;
  co.ca_file = stranger.ca_cert.string();
  const auto r = http_client(co).get("/api/credits/balance/simple");
  CHECK(r.status == 0);
  CHECK(r.error.find("handshake") != std::string::npos);
  // A name the certificate does not carry fails too.
  co.ca_file = pki.ca_cert.string();
  co.verify_name = "example.com";
  CHECK(http_client(co).get("/api/credits/balance/simple").status == 0);
}
