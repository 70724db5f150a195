// The scan's memo: a JSON file of the scanned classes and a stamp of each file the scan read.
#include "scan_cache.hpp"

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "repository.hpp"
#include "retort/detail/fnv1a.hpp"
#include "retort/error.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kFormat = 2;

std::int64_t ticks(fs::file_time_type time) { return time.time_since_epoch().count(); }

// A file's size and modification time, what a rebuild looks at; its content's hash (stored
// beside them) decides when only the time moved (a checkout, a touch).
struct Stamp {
  std::uintmax_t size = 0;
  std::int64_t mtime = 0;
};

std::optional<Stamp> stamp_of(const fs::path& file) {
  std::error_code ec;
  Stamp s;
  s.size = fs::file_size(file, ec);
  if (ec) return std::nullopt;
  s.mtime = ticks(fs::last_write_time(file, ec));
  if (ec) return std::nullopt;
  return s;
}

std::optional<std::string> content_hash(const fs::path& file) {
  try {
    Fnv1a h;
    h.add(read_file(file));
    return h.hex();
  } catch (const Error&) {
    return std::nullopt;
  }
}

json loc_to_json(const SourceLoc& loc) { return json::array({loc.file, loc.line, loc.column}); }

SourceLoc loc_from_json(const json& j) {
  return {j.at(0).get<std::string>(), j.at(1).get<unsigned>(), j.at(2).get<unsigned>()};
}

json annotations_to_json(const std::vector<Annotation>& annotations) {
  json out = json::array();
  for (const Annotation& a : annotations) {
    out.push_back({{"key", a.key}, {"args", a.args}, {"loc", loc_to_json(a.loc)}});
  }
  return out;
}

std::vector<Annotation> annotations_from_json(const json& j) {
  std::vector<Annotation> out;
  for (const json& a : j) {
    out.push_back({a.at("key").get<std::string>(), a.at("args").get<std::vector<std::string>>(),
                   loc_from_json(a.at("loc"))});
  }
  return out;
}

json models_to_json(const std::vector<ModelClass>& models) {
  json out = json::array();
  for (const ModelClass& m : models) {
    json fields = json::array();
    for (const ModelField& f : m.fields) {
      fields.push_back({{"name", f.name},
                        {"loc", loc_to_json(f.loc)},
                        {"kind", static_cast<int>(f.kind)},
                        {"optional", f.optional},
                        {"type", f.type_spelling},
                        {"bytes", f.bytes},
                        {"unsigned", f.is_unsigned},
                        {"enum", f.is_enum},
                        {"annotations", annotations_to_json(f.annotations)}});
    }
    out.push_back({{"name", m.name},
                   {"loc", loc_to_json(m.loc)},
                   {"annotations", annotations_to_json(m.annotations)},
                   {"fields", std::move(fields)}});
  }
  return out;
}

std::vector<ModelClass> models_from_json(const json& j) {
  std::vector<ModelClass> out;
  for (const json& m : j) {
    ModelClass model;
    model.name = m.at("name").get<std::string>();
    model.loc = loc_from_json(m.at("loc"));
    model.annotations = annotations_from_json(m.at("annotations"));
    for (const json& f : m.at("fields")) {
      ModelField field;
      field.name = f.at("name").get<std::string>();
      field.loc = loc_from_json(f.at("loc"));
      const int kind = f.at("kind").get<int>();
      if (kind < 0 || kind > static_cast<int>(ValueKind::kUnsupported)) {
        throw json::other_error::create(501, "unknown value kind", nullptr);
      }
      field.kind = static_cast<ValueKind>(kind);
      field.optional = f.at("optional").get<bool>();
      field.type_spelling = f.at("type").get<std::string>();
      field.bytes = f.at("bytes").get<int>();
      field.is_unsigned = f.at("unsigned").get<bool>();
      field.is_enum = f.at("enum").get<bool>();
      field.annotations = annotations_from_json(f.at("annotations"));
      model.fields.push_back(std::move(field));
    }
    out.push_back(std::move(model));
  }
  return out;
}

}  // namespace

ScanMemoKey ScanMemoKey::of(std::vector<std::string> model_files,
                            std::vector<std::string> clang_args) {
  ScanMemoKey key;
  key.retort_version = RETORT_VERSION;
  key.format = kFormat;
  key.libclang = RETORT_LIBCLANG_PATH;
  if (const std::optional<Stamp> lib = stamp_of(RETORT_LIBCLANG_PATH)) {
    key.libclang += " " + std::to_string(lib->size) + " " + std::to_string(lib->mtime);
  }
  key.model_files = std::move(model_files);
  key.clang_args = std::move(clang_args);
  std::error_code ec;
  key.working_directory = fs::current_path(ec).string();
  for (const char* name : {"CPATH", "CPLUS_INCLUDE_PATH", "C_INCLUDE_PATH"}) {
    const char* value = std::getenv(name);
    key.include_env.emplace_back(value ? value : "\x01");
  }
  return key;
}

std::string ScanMemoKey::hash() const {
  Fnv1a h;
  const auto part = [&h](std::string_view text) { h.add_part(text); };
  part(retort_version);
  part(std::to_string(format));
  part(libclang);
  for (const std::string& file : model_files) part(file);
  part("--");
  for (const std::string& arg : clang_args) part(arg);
  part("--");
  part(working_directory);
  for (const std::string& value : include_env) part(value);
  return h.hex();
}

ScanMemo::ScanMemo(const ScanRequest& request) : made_(fs::file_time_type::clock::now()) {
  if (request.pch_dir.empty()) return;
  for (const std::string& file : request.model_files) {
    model_files_.push_back(fs::absolute(file).lexically_normal().string());
  }
  path_ = fs::path(request.pch_dir) /
          ("scan-" + ScanMemoKey::of(model_files_, request.clang_args).hash() + ".json");
}

std::optional<ScanResult> ScanMemo::recall() const {
  if (path_.empty()) return std::nullopt;
  std::error_code ec;
  if (!fs::exists(path_, ec)) return std::nullopt;
  try {
    const json memo = json::parse(read_file(path_));
    if (memo.at("format").get<int>() != kFormat) return std::nullopt;
    for (const json& file : memo.at("files")) {
      const fs::path path = file.at("path").get<std::string>();
      const std::optional<Stamp> now = stamp_of(path);
      if (!now || now->size != file.at("size").get<std::uintmax_t>()) return std::nullopt;
      if (now->mtime == file.at("mtime").get<std::int64_t>()) continue;
      if (content_hash(path) != file.at("hash").get<std::string>()) return std::nullopt;
    }
    ScanResult result;
    result.models = models_from_json(memo.at("models"));
    result.dependencies = memo.at("dependencies").get<std::vector<std::string>>();
    result.functions = annotations_from_json(memo.at("functions"));
    return result;
  } catch (const std::exception&) {  // unreadable or malformed: scan again
    return std::nullopt;
  }
}

void ScanMemo::remember(const ScanResult& result) const {
  if (path_.empty() || !result.diagnostics.empty()) return;
  std::set<std::string> files(model_files_.begin(), model_files_.end());
  files.insert(result.dependencies.begin(), result.dependencies.end());
  const std::int64_t settled = ticks(made_ - std::chrono::seconds(2));
  json stamps = json::array();
  for (const std::string& file : files) {
    const std::optional<Stamp> stamp = stamp_of(file);
    if (!stamp || stamp->mtime >= settled) return;
    const std::optional<std::string> hash = content_hash(file);
    if (!hash) return;
    stamps.push_back(
        {{"path", file}, {"size", stamp->size}, {"mtime", stamp->mtime}, {"hash", *hash}});
  }
  const json memo = {{"format", kFormat},
                     {"files", std::move(stamps)},
                     {"dependencies", result.dependencies},
                     {"functions", annotations_to_json(result.functions)},
                     {"models", models_to_json(result.models)}};
  try {
    std::error_code ec;
    fs::create_directories(path_.parent_path(), ec);
    write_file_if_changed(path_, memo.dump());
  } catch (const std::exception&) {
    // a cache that cannot be written costs the next run a scan, nothing else
  }
}

}  // namespace retort
