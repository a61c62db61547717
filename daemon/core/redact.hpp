#pragma once
// Keeps secrets out of text: known secret values and the credentials of Authorization headers
// and bearer tokens are replaced by "[redacted]". Pure.
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

class redactor {
 public:
  // Adds a secret value to hide (ignored when shorter than 8 characters: too likely to be text).
  void add_secret(std::string secret);
  // Removes a secret that is no longer in use (a replaced token).
  void remove_secret(std::string_view secret);
  // `text` with every secret and every "Bearer <credential>" replaced.
  std::string redact(std::string_view text) const;
  // Whether `text` would change.
  bool needs_redaction(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace reel::core
