// POST /api/upload-video/nemo_agent/me/<sid>: multipart `files` or JSON {"urls":[...]}.
#include "fake_nemo/media_sniff.hpp"
#include "fake_nemo/routes.hpp"

namespace reel::fake_nemo {
namespace {

struct candidate {
  std::string name;
  std::uint64_t size = 0;
  media_format format;
  std::string source;  // "upload" or "url"
  std::string url;
};

// A URL's last path segment, without query.
std::string url_name(const std::string& url) {
  auto path = url.substr(0, url.find_first_of("?#"));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

sim_response upload(call_ctx& c) {
  auto& w = c.w;
  auto* s = owned_session(c, c.route.param);
  if (!s) return business_error(w.k, 1002, "session not found");
  if (c.req.body.too_large) {
    return business_error(w.k, 4002, "file too large (request body over the limit)");
  }

  std::vector<candidate> files;
  if (c.req.body.multipart) {
    if (!c.req.body.error.empty()) return http_error(400, 400, c.req.body.error);
    for (const auto& p : c.req.body.parts) {
      if (p.field != "files") continue;  // the contract's field name; others are ignored
      const auto fmt = format_from_name(p.filename);
      if (w.k.force_unsupported_type || !fmt || !magic_matches(fmt->ext, p.head)) {
        return business_error(
            w.k, 4001, "unsupported file type: " + p.filename,
            {{"accepted", "mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a aac"}});
      }
      if (p.size > w.k.max_upload_bytes) {
        return business_error(w.k, 4002, "file too large: " + p.filename,
                              {{"max_bytes", w.k.max_upload_bytes}, {"size", p.size}});
      }
      files.push_back({p.filename, p.size, *fmt, "upload", {}});
    }
    if (files.empty()) return http_error(400, 400, "multipart body has no \"files\" part");
  } else {
    const auto body = json_body(c.req);
    if (!body || !body->is_object() || !body->contains("urls") || !(*body)["urls"].is_array() ||
        (*body)["urls"].empty()) {
      return http_error(400, 400, "expected multipart field \"files\" or JSON {\"urls\":[...]}");
    }
    for (const auto& u : (*body)["urls"]) {
      if (!u.is_string()) return http_error(400, 400, "urls must be strings");
      const auto url = u.get<std::string>();
      const auto fmt = format_from_name(url_name(url));
      if (w.k.force_unsupported_type || !fmt) {
        return business_error(w.k, 4001, "unsupported file type: " + url);
      }
      files.push_back({url_name(url), 0, *fmt, "url", url});
    }
  }

  auto uploaded = nlohmann::json::array();
  for (const auto& f : files) {
    // A URL's size is unknown to the simulator: its duration is a fixed guess per kind.
    const auto duration = f.source == "url" ? (f.format.kind == media_kind::image ? 3000 : 10000)
                                            : guess_duration_ms(f.format.kind, f.size);
    nlohmann::json info{{"media_id", "media_" + std::to_string(++s->media_seq)},
                        {"name", f.name},
                        {"size", f.size},
                        {"type", to_string(f.format.kind)},
                        {"format", f.format.ext},
                        {"duration", duration},
                        {"source", f.source}};
    if (!f.url.empty()) info["url"] = f.url;
    s->video_infos.push_back(info);
    uploaded.push_back(std::move(info));
  }
  return ok(w.k, {{"session_id", s->id}, {"uploaded", std::move(uploaded)}});
}

}  // namespace reel::fake_nemo
