#include "gauntlet/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "util/exit_codes.hpp"
#include "util/input_file.hpp"

namespace ktstr::gauntlet {
namespace {

struct ShardKey {
  std::string fingerprint;
  int index = 0;  // 1-based
  int total = 0;
};

Result<ShardKey> key_of(const ShardDocument& s) {
  const auto& d = s.doc;
  auto bad = [&](const char* what) {
    return invalid_input(fmt::format("not a gauntlet shard document ({}); write one with "
                                     "`ktstr gauntlet ... --json > FILE`",
                                     what),
                         s.name);
  };
  if (!d.is_object()) return bad("not a JSON object");
  if (!d.contains("matrix") || !d["matrix"].contains("fingerprint")) return bad("no matrix");
  if (!d.contains("shard") || !d["shard"].contains("index")) return bad("no shard");
  if (!d.contains("jobs") || !d["jobs"].is_array()) return bad("no jobs");
  try {
    return ShardKey{d["matrix"]["fingerprint"].get<std::string>(), d["shard"]["index"].get<int>(),
                    d["shard"]["total"].get<int>()};
  } catch (const nlohmann::json::exception&) {
    return bad("matrix or shard fields of the wrong type");
  }
}

// Appends `from[field]` entries to `into`, keyed by "index"; a job seen
// twice is refused.
Status collect(const ShardDocument& s, const char* field, std::map<size_t, nlohmann::json>& into) {
  if (!s.doc.contains(field)) return {};
  for (const auto& e : s.doc[field]) {
    const size_t index = e.value("index", size_t{0});
    if (!into.emplace(index, e).second) {
      return invalid_input(fmt::format("job {} ({}) is in more than one shard; merge each shard's "
                                       "document once",
                                       index + 1, e.value("id", std::string("?"))),
                           s.name);
    }
  }
  return {};
}

nlohmann::json values(const std::map<size_t, nlohmann::json>& m) {
  auto arr = nlohmann::json::array();
  for (const auto& [index, e] : m) arr.push_back(e);
  return arr;
}

// Worst exit code: 130, then 1 > 2 > 3 > 4 > 0 (as a gauntlet run).
int worse(int a, int b) {
  auto rank = [](int c) {
    switch (c) {
      case 0:
        return 0;
      case 4:
        return 1;
      case 3:
        return 2;
      case 2:
        return 3;
      case 130:
        return 5;
      default:
        return 4;
    }
  };
  return rank(b) > rank(a) ? b : a;
}

}  // namespace

Result<MergeResult> merge_shards(const std::vector<ShardDocument>& shards) {
  if (shards.empty()) return invalid_input("no shard documents given", "ktstr merge");
  std::map<int, std::string> seen;  // shard index -> file
  std::map<size_t, nlohmann::json> jobs, results;
  ShardKey first;
  MergeResult m;
  uint64_t estimate_ms = 0;
  for (size_t k = 0; k < shards.size(); ++k) {
    auto key = key_of(shards[k]);
    if (!key) return unexpected(key.error());
    if (k == 0) first = *key;
    if (key->fingerprint != first.fingerprint || key->total != first.total) {
      return invalid_input(
          fmt::format("{} and {} are shards of different job lists (matrix {} in {} shards vs {} "
                      "in {}); merge the shards of one gauntlet command",
                      shards[0].name, shards[k].name, first.fingerprint, first.total,
                      key->fingerprint, key->total),
          shards[k].name);
    }
    auto [it, fresh] = seen.emplace(key->index, shards[k].name);
    if (!fresh) {
      return invalid_input(fmt::format("{} and {} are both shard {}/{}", it->second, shards[k].name,
                                       key->index, key->total),
                           shards[k].name);
    }
    KTSTR_TRY(collect(shards[k], "jobs", jobs));
    KTSTR_TRY(collect(shards[k], "results", results));
    estimate_ms += shards[k].doc.value("estimate_ms", uint64_t{0});
    m.exit_code = worse(m.exit_code, shards[k].doc.value("exit_code", 0));
  }
  for (int i = 1; i <= first.total; ++i) {
    if (!seen.count(i)) m.missing_shards.push_back(i);
  }
  m.doc = shards[0].doc;
  m.doc["jobs"] = values(jobs);
  if (!results.empty()) m.doc["results"] = values(results);
  m.doc["estimate_ms"] = estimate_ms;
  m.doc["exit_code"] = m.exit_code;
  auto present = nlohmann::json::array();
  for (const auto& [index, file] : seen) present.push_back(index);
  m.doc["shard"] = {{"total", first.total}, {"merged", present}, {"missing", m.missing_shards}};
  return m;
}

int MergeResult::command_exit_code() const {
  if (missing_shards.empty() || exit_code != kExitPass) return exit_code;
  return kExitInconclusive;
}

Result<std::vector<ShardDocument>> load_shards(const std::vector<std::string>& paths) {
  std::vector<ShardDocument> out;
  for (const auto& path : paths) {
    auto text = read_input_file(path, kResultFileMaxBytes, "shard document");
    if (!text) return unexpected(text.error());
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded()) return invalid_input("not valid JSON", path);
    out.push_back({path, std::move(doc)});
  }
  return out;
}

std::string render_merge_text(const MergeResult& m) {
  const int total = m.doc["shard"]["total"].get<int>();
  std::string out = fmt::format("merged {} of {} shards: {} of {} jobs",
                                total - static_cast<int>(m.missing_shards.size()), total,
                                m.doc["jobs"].size(), m.doc["matrix"].value("jobs", size_t{0}));
  if (m.doc.contains("results")) out += fmt::format(", {} results", m.doc["results"].size());
  if (!m.missing_shards.empty()) {
    out += "; missing shard";
    for (size_t i = 0; i < m.missing_shards.size(); ++i) {
      out += fmt::format("{} {}/{}", i ? "," : "", m.missing_shards[i], total);
    }
  }
  return out + "\n";
}

}  // namespace ktstr::gauntlet
