#pragma once
// A throwaway certificate authority and a server certificate it signed, for HTTPS tests and
// for running the simulator by hand with TLS (OpenSSL's C API, no shell).
#include <filesystem>

namespace reel::fake_nemo {

struct pki_files {
  std::filesystem::path ca_cert;      // PEM: the CA clients verify against
  std::filesystem::path cert_chain;   // PEM: the leaf, then the CA
  std::filesystem::path private_key;  // PEM: the leaf's key (unencrypted)
};

// Writes ca.pem, server.pem and server.key into `dir` (created if needed). The leaf is valid
// for DNS "localhost" and IP 127.0.0.1 for 30 days, keys are P-256. Throws std::runtime_error
// when OpenSSL or the file system fails.
pki_files make_test_pki(const std::filesystem::path& dir);

}  // namespace reel::fake_nemo
