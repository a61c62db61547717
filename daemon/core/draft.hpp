#pragma once
// The draft: the cloud's short-key timeline JSON (spec/upstream-nemovideo.md "The draft") plus
// the local engine's fields (proto/draft.schema.json), read and written through typed views
// over the JSON itself, so that every key this code does not know is kept exactly.
//
// Readers are lenient: alternative key names (listed per accessor, first match wins), missing
// fields, numbers written as strings. Writers write to the key the object already uses (the
// first alias present), else to the short key, so a read after a write sees the new value and
// a cloud draft keeps its own shape. Views and refs point into the JSON: they stay valid until
// the array holding their object changes (adding or removing a sibling).
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

// Track types on the wire (`tt`).
inline constexpr int tt_video = 0;
inline constexpr int tt_audio = 1;
inline constexpr int tt_text = 7;

enum class track_kind { video, audio, text, other };

// The kind for a `tt` value; anything but 0, 1 and 7 is `other` (kept, never an error).
track_kind track_kind_of(int tt) noexcept;
// The `tt` written for a kind; `other` has none and gives -1.
int tt_of(track_kind kind) noexcept;

// A Ken Burns framing: (x, y) the centre of the visible window as fractions of the picture
// (0.5, 0.5 is the middle), z the zoom (1 shows the whole picture, 1.2 a 1/1.2 window).
struct frame_point {
  double x = 0.5;
  double y = 0.5;
  double z = 1.0;
  bool operator==(const frame_point&) const = default;
};

// `mo`: a preset name, or explicit keyframes (then `preset` is empty).
struct motion_spec {
  std::string preset;
  frame_point from;
  frame_point to;
  bool operator==(const motion_spec&) const = default;
};

// The keyframes of a preset ("none", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up",
// "pan_down"); nullopt for an unknown name.
std::optional<motion_spec> motion_preset(std::string_view name);

enum class transition_kind { none, fade, slide, wipe };
// `tr`, the transition into a segment: {"type","d"}; the shorthand "fade" means d = 500 ms.
struct transition_spec {
  transition_kind type = transition_kind::none;
  std::int64_t duration_ms = 0;
  bool operator==(const transition_spec&) const = default;
};
// "none", "fade", "slide", "wipe".
std::string_view to_string(transition_kind kind) noexcept;

enum class fit_mode { cover, contain };
enum class text_position { top, center, bottom };

// A text segment's look: flat keys `font`, `size` (px at the draft's height), `color`, `pos`,
// `bg` (box colour). Unset fields are left to the renderer's defaults.
struct text_style {
  std::optional<std::string> font;
  std::optional<double> size;
  std::optional<std::string> color;
  std::optional<text_position> pos;
  std::optional<std::string> bg;
  bool operator==(const text_style&) const = default;
};

// Read-only view of one segment object.
class segment_view {
 public:
  explicit segment_view(const nlohmann::json& j) noexcept : j_(&j) {}
  // The segment object itself, unknown keys included.
  const nlohmann::json& raw() const noexcept { return *j_; }
  // `id` (string or number, as text); nullopt when absent.
  std::optional<std::string> id() const;
  // Start in ms: `st` | `start` | `s`; 0 when missing or unreadable.
  std::int64_t start_ms() const;
  // Duration in ms: `d` | `duration` | `dur`; 0 when missing or unreadable.
  std::int64_t duration_ms() const;
  std::int64_t end_ms() const { return start_ms() + duration_ms(); }
  // Media id or URL: `src` | `m.src` | `url` | `m.url`.
  std::optional<std::string> source() const;
  // Text of a text segment: `text` | `txt` | `m.text`.
  std::optional<std::string> text() const;
  // A display name: `n` | `name` | `m.name`.
  std::optional<std::string> label() const;
  // Volume as a fraction: `v` | `vol` | `volume` | `m.volume`; values above 1 are percent.
  std::optional<double> volume() const;
  // Trim into the source, in ms: `ti` (in point), `to` (out point).
  std::optional<std::int64_t> trim_in_ms() const;
  std::optional<std::int64_t> trim_out_ms() const;
  // `fit`: cover | contain; nullopt when absent or unknown.
  std::optional<fit_mode> fit() const;
  // `mo`: preset name or {"from":{x,y,z},"to":{x,y,z}}; nullopt when absent or unreadable.
  std::optional<motion_spec> motion() const;
  // `tr`; nullopt when absent or of an unknown type.
  std::optional<transition_spec> transition() const;
  // `font`, `size`, `color`, `pos`, `bg`.
  text_style style() const;
  // `fi`, `fo`: audio/video fade in and out, in ms.
  std::optional<std::int64_t> fade_in_ms() const;
  std::optional<std::int64_t> fade_out_ms() const;

 private:
  const nlohmann::json* j_;
};

// Mutable view of one segment; setters return *this for chaining and keep unknown keys.
class segment_ref : public segment_view {
 public:
  explicit segment_ref(nlohmann::json& j) noexcept : segment_view(j), m_(&j) {}
  nlohmann::json& raw() noexcept { return *m_; }
  segment_ref& set_start_ms(std::int64_t ms);
  segment_ref& set_duration_ms(std::int64_t ms);
  segment_ref& set_source(std::string src);
  segment_ref& set_text(std::string text);
  segment_ref& set_label(std::string label);
  // Writes percent when the existing value was percent, else a fraction.
  segment_ref& set_volume(double fraction);
  // nullopt removes the key.
  segment_ref& set_trim(std::optional<std::int64_t> in_ms, std::optional<std::int64_t> out_ms);
  segment_ref& set_fit(fit_mode fit);
  // A preset is written as its name, explicit keyframes as {"from","to"}.
  segment_ref& set_motion(const motion_spec& motion);
  segment_ref& set_transition(const transition_spec& tr);
  // Writes the fields `style` sets; leaves the others as they are.
  segment_ref& set_style(const text_style& style);
  // nullopt removes the key.
  segment_ref& set_fades(std::optional<std::int64_t> in_ms, std::optional<std::int64_t> out_ms);
  // Any key, for fields this API does not name.
  segment_ref& set(const std::string& key, nlohmann::json value);

 private:
  nlohmann::json* m_;
};

// Read-only view of one track object.
class track_view {
 public:
  explicit track_view(const nlohmann::json& j) noexcept : j_(&j) {}
  const nlohmann::json& raw() const noexcept { return *j_; }
  std::optional<std::string> id() const;
  // `tt` (number or numeric string); nullopt when absent.
  std::optional<int> tt() const;
  // The kind from `tt`, or from `type` ("video"/"audio"/"text") when `tt` is absent.
  track_kind kind() const;
  // `n` | `name` | `m.name`.
  std::optional<std::string> label() const;
  // Segments from `sg` | `segments`, in array order; non-objects are skipped.
  std::size_t segment_count() const;
  std::vector<segment_view> segments() const;
  // Earliest start and latest end over the segments; 0 when there are none.
  std::int64_t start_ms() const;
  std::int64_t end_ms() const;

 private:
  const nlohmann::json* j_;
};

// Mutable view of one track.
class track_ref : public track_view {
 public:
  explicit track_ref(nlohmann::json& j) noexcept : track_view(j), m_(&j) {}
  nlohmann::json& raw() noexcept { return *m_; }
  // Appends `segment` (an object; `{}` by default) and returns a ref to it.
  segment_ref add_segment(nlohmann::json segment = nlohmann::json::object());
  // The i-th segment object (as in segments()); throws std::out_of_range past the end.
  segment_ref segment_at(std::size_t i);
  // Removes the i-th segment; false when there is none.
  bool remove_segment(std::size_t i);
  // Moves the i-th segment to position `to` in the array; false when out of range.
  bool move_segment(std::size_t i, std::size_t to);
  track_ref& set_label(std::string label);

 private:
  nlohmann::json* m_;
};

// A whole draft, owned. Equality is JSON equality.
class draft {
 public:
  draft() = default;
  // Wraps `j`; bad_request when it is not an object or `t` is present and not an array.
  static result<draft> from_json(nlohmann::json j);
  // A new local draft: {"v":1,"t":[],"d":0,"m":{"w","h","fps","aspect"}}.
  static draft make_empty(int width, int height, int fps = 30);

  const nlohmann::json& raw() const noexcept { return j_; }
  // Escape hatch for edits this API does not name; keep `t` an array.
  nlohmann::json& raw_mut() noexcept { return j_; }

  // Tracks from `t` | `tracks`; non-objects are skipped (and kept).
  std::size_t track_count() const;
  std::vector<track_view> tracks() const;
  track_view track(std::size_t i) const;
  track_ref track_at(std::size_t i);
  // Indexes (as in tracks()) of the tracks of `kind`, in order.
  std::vector<std::size_t> find_tracks(track_kind kind) const;
  // Appends {"tt","sg":[]} (plus `n` when a label is given) and returns a ref to it.
  track_ref add_track(int tt, std::string label = {});
  track_ref add_track(track_kind kind, std::string label = {});
  bool remove_track(std::size_t i);

  // The latest segment end over all tracks.
  std::int64_t content_end_ms() const;
  // max(top-level `d`, content_end_ms()): a stale `d` never hides content.
  std::int64_t duration_ms() const;
  void set_duration_ms(std::int64_t ms);

  // Draft metadata `m`: `w`, `h`, `fps`, `aspect` ("16:9"), `title` (else `name`).
  std::optional<int> width() const;
  std::optional<int> height() const;
  std::optional<double> fps() const;
  // `m.aspect`, else derived from w and h (1920x1080 -> "16:9"); nullopt when neither.
  std::optional<std::string> aspect() const;
  std::optional<std::string> title() const;
  // Sets w and h, and `aspect` to their ratio.
  void set_size(int width, int height);
  void set_fps(double fps);
  void set_title(std::string title);

  friend bool operator==(const draft& a, const draft& b) { return a.j_ == b.j_; }

 private:
  explicit draft(nlohmann::json j) : j_(std::move(j)) {}
  nlohmann::json j_ = nlohmann::json::object();
};

// "16:9" for 1920x1080: w:h reduced by their gcd; empty when either is not positive.
std::string aspect_of(int width, int height);

// Checks `j` against proto/draft.schema.json's rules, lenient as the readers are: negative
// times, trim out before in, unknown `fit`/`pos`/`tr.type`/motion preset, bad sizes, video
// segments overlapping by more than the incoming transition. Unknown track types and unknown
// keys are fine. bad_request listing up to 5 problems ("track 1, segment 2: ...").
result<void> validate_draft(const nlohmann::json& j);

}  // namespace reel::core
