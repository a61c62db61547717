#include "fake_nemo/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace reel::fake_nemo {
namespace {

struct key_free {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct file_close {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_pki: ") + what + " failed");
}

key_ptr make_key() {
  key_ptr k(EVP_EC_gen("P-256"));
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  check(ok, "X509_add_ext");
}

x509_ptr make_cert(EVP_PKEY* key, const char* common_name, long serial, X509* issuer,
                   EVP_PKEY* issuer_key, bool ca) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, "serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Reel fake_nemo"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer");
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid");
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::unique_ptr<std::FILE, file_close> open_for_write(const std::filesystem::path& p) {
  std::unique_ptr<std::FILE, file_close> f(std::fopen(p.c_str(), "wb"));
  check(f != nullptr, "fopen");
  return f;
}

}  // namespace

pki_files make_test_pki(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto ca_key = make_key();
  const auto ca = make_cert(ca_key.get(), "Reel fake_nemo test CA", 1, nullptr, nullptr, true);
  const auto leaf_key = make_key();
  const auto leaf = make_cert(leaf_key.get(), "localhost", 2, ca.get(), ca_key.get(), false);

  pki_files files{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
  {
    auto f = open_for_write(files.ca_cert);
    check(PEM_write_X509(f.get(), ca.get()) == 1, "PEM_write_X509 (ca)");
  }
  {
    auto f = open_for_write(files.cert_chain);
    check(PEM_write_X509(f.get(), leaf.get()) == 1, "PEM_write_X509 (leaf)");
    check(PEM_write_X509(f.get(), ca.get()) == 1, "PEM_write_X509 (chain)");
  }
  {
    auto f = open_for_write(files.private_key);
    check(PEM_write_PrivateKey(f.get(), leaf_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_PrivateKey");
  }
  std::filesystem::permissions(
      files.private_key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return files;
}

}  // namespace reel::fake_nemo
