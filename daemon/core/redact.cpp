#include "core/redact.hpp"

#include <algorithm>
#include <cctype>

namespace reel::core {
namespace {

constexpr std::string_view mask = "[redacted]";

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

// Finds "bearer" (any case) followed by spaces and a credential; masks the credential.
void mask_bearer(std::string& s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t hit = std::string::npos;
    for (std::size_t i = pos; i + 6 <= s.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) == 'b' &&
          std::equal(s.begin() + static_cast<std::ptrdiff_t>(i),
                     s.begin() + static_cast<std::ptrdiff_t>(i + 6), "bearer", [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == b;
                     })) {
        hit = i;
        break;
      }
    }
    if (hit == std::string::npos) return;
    std::size_t start = hit + 6;
    std::size_t cred = start;
    while (cred < s.size() && (s[cred] == ' ' || s[cred] == '\t')) ++cred;
    if (cred == start) {
      pos = start;
      continue;
    }
    std::size_t end = cred;
    while (end < s.size() && token_char(s[end])) ++end;
    if (end > cred && s.compare(cred, end - cred, mask) != 0) {
      s.replace(cred, end - cred, mask);
      end = cred + mask.size();
    }
    pos = end;
  }
}

}  // namespace

void redactor::add_secret(std::string secret) {
  if (secret.size() < 8) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end())
    secrets_.push_back(std::move(secret));
}

void redactor::remove_secret(std::string_view secret) {
  secrets_.erase(std::remove(secrets_.begin(), secrets_.end(), secret), secrets_.end());
}

std::string redactor::redact(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    std::size_t at = 0;
    while ((at = out.find(secret, at)) != std::string::npos) {
      out.replace(at, secret.size(), mask);
      at += mask.size();
    }
  }
  mask_bearer(out);
  return out;
}

bool redactor::needs_redaction(std::string_view text) const {
  return redact(text) != text;
}

}  // namespace reel::core
