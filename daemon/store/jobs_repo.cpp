#include "store/jobs_repo.hpp"

#include <tuple>

namespace reel::store {
namespace {

constexpr std::string_view columns =
    "id, session_id, backend, state, progress, draft, options, dest, output_url, output_path, "
    "output_size, output_sha256, error, attempts, created_ms, updated_ms, submitted_ms, "
    "finished_ms, output_duration_ms";

job_row read_row(const statement& st) {
  job_row r;
  r.id = st.column_text(0);
  r.session_id = st.column_text(1);
  r.backend = st.column_text(2);
  r.state = st.column_text(3);
  r.progress = st.column_double(4);
  r.draft = st.column_text(5);
  r.options = st.column_text(6);
  r.dest = st.column_optional_text(7);
  r.output_url = st.column_optional_text(8);
  r.output_path = st.column_optional_text(9);
  r.output_size = st.column_optional_int64(10);
  r.output_sha256 = st.column_optional_text(11);
  r.error = st.column_optional_text(12);
  r.attempts = st.column_int64(13);
  r.created_ms = st.column_int64(14);
  r.updated_ms = st.column_int64(15);
  r.submitted_ms = st.column_optional_int64(16);
  r.finished_ms = st.column_optional_int64(17);
  r.output_duration_ms = st.column_optional_int64(18);
  return r;
}

// Every column but id, in `columns` order: insert puts id first, update puts it last.
auto fields(const job_row& r) {
  return std::tie(r.session_id, r.backend, r.state, r.progress, r.draft, r.options, r.dest,
                  r.output_url, r.output_path, r.output_size, r.output_sha256, r.error, r.attempts,
                  r.created_ms, r.updated_ms, r.submitted_ms, r.finished_ms, r.output_duration_ms);
}

template <class Tuple>
void bind_tuple(statement& st, const Tuple& values) {
  std::apply([&st](const auto&... v) { st.bind_all(v...); }, values);
}

std::string select_sql(std::string_view tail) {
  return "SELECT " + std::string{columns} + " FROM render_jobs " + std::string{tail};
}

std::vector<job_row> read_all(statement& st) {
  std::vector<job_row> out;
  while (st.step()) out.push_back(read_row(st));
  return out;
}

}  // namespace

void jobs_repo::insert(const job_row& r) {
  static const std::string sql =
      "INSERT INTO render_jobs (" + std::string{columns} +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  auto st = db_.cached(sql);
  bind_tuple(st, std::tuple_cat(std::tie(r.id), fields(r)));
  st.run();
}

std::optional<job_row> jobs_repo::find(std::string_view id) {
  static const std::string sql = select_sql("WHERE id = ?");
  auto st = db_.cached(sql);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

bool jobs_repo::update(const job_row& r) {
  auto st = db_.cached(
      "UPDATE render_jobs SET session_id = ?, backend = ?, state = ?, progress = ?, draft = ?, "
      "options = ?, dest = ?, output_url = ?, output_path = ?, output_size = ?, "
      "output_sha256 = ?, error = ?, attempts = ?, created_ms = ?, updated_ms = ?, "
      "submitted_ms = ?, finished_ms = ?, output_duration_ms = ? WHERE id = ?");
  bind_tuple(st, std::tuple_cat(fields(r), std::tie(r.id)));
  st.run();
  return db_.changes() > 0;
}

std::vector<job_row> jobs_repo::list(std::int64_t limit, std::int64_t offset,
                                     std::optional<std::string_view> state) {
  if (state) {
    static const std::string sql =
        select_sql("WHERE state = ? ORDER BY created_ms DESC, id DESC LIMIT ? OFFSET ?");
    auto st = db_.cached(sql);
    st.bind_all(*state, limit, offset);
    return read_all(st);
  }
  static const std::string sql = select_sql("ORDER BY created_ms DESC, id DESC LIMIT ? OFFSET ?");
  auto st = db_.cached(sql);
  st.bind_all(limit, offset);
  return read_all(st);
}

std::vector<job_row> jobs_repo::list_unfinished() {
  static const std::string sql = select_sql("WHERE state NOT IN (?, ?, ?) ORDER BY created_ms, id");
  auto st = db_.cached(sql);
  st.bind_all(finished_job_states[0], finished_job_states[1], finished_job_states[2]);
  return read_all(st);
}

std::vector<std::pair<std::string, std::int64_t>> jobs_repo::count_by_state() {
  std::vector<std::pair<std::string, std::int64_t>> out;
  auto st = db_.cached("SELECT state, COUNT(*) FROM render_jobs GROUP BY state ORDER BY state");
  while (st.step()) out.emplace_back(st.column_text(0), st.column_int64(1));
  return out;
}

bool jobs_repo::erase(std::string_view id) {
  auto st = db_.cached("DELETE FROM render_jobs WHERE id = ?");
  st.bind(1, id);
  st.run();
  return db_.changes() > 0;
}

}  // namespace reel::store
