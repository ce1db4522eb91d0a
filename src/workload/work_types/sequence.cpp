#include "workload/work_types/sequence.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>

#include "util/check.hpp"
#include "util/duration.hpp"
#include "workload/primitives.hpp"
#include "workload/work_types/io_file.hpp"

namespace ktstr::workload {
namespace {

using Kind = SequencePhase::Kind;

constexpr uint64_t kAluStepsPerSlice = 1024;
constexpr uint64_t kSpinPerSlice = 256;
constexpr uint64_t kIoRegionBytes = 1 << 20;
constexpr char kPhaseGrammar[] =
    "expected kind:duration with kind spin|sleep|yield|io, or alu_hot[:width]:duration with "
    "width widest|scalar|vec128|vec256|vec512, e.g. spin:10ms,sleep:5ms,alu_hot:vec256:5ms";

Result<SequencePhase> parse_phase(const std::string& text, size_t number) {
  auto bad = [&](const std::string& why) {
    return invalid_input(
        fmt::format("param phases: phase {} '{}': {}; {}", number, text, why, kPhaseGrammar));
  };
  std::vector<std::string> parts;
  for (size_t pos = 0;;) {
    const size_t colon = text.find(':', pos);
    parts.push_back(text.substr(pos, colon == std::string::npos ? colon : colon - pos));
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  SequencePhase ph;
  const std::string& kind = parts[0];
  if (kind == "alu_hot") {
    ph.kind = Kind::kAluHot;
    if (parts.size() == 3) {
      ph.width = parts[1];
      if (ph.width != "widest" && !parse_vec_width(ph.width)) {
        return bad(fmt::format("unknown width '{}'", ph.width));
      }
    } else if (parts.size() != 2) {
      return bad("alu_hot takes an optional width and a duration");
    }
  } else {
    bool known = false;
    for (auto k : {Kind::kSpin, Kind::kSleep, Kind::kYield, Kind::kIo}) {
      if (kind == phase_kind_name(k)) {
        ph.kind = k;
        known = true;
      }
    }
    if (!known) return bad(fmt::format("unknown kind '{}'", kind));
    if (parts.size() != 2) return bad("expected exactly one duration");
  }
  auto ns = parse_duration_ns(parts.back());
  if (!ns) return bad(fmt::format("bad duration '{}'", parts.back()));
  if (*ns == 0) return bad("the duration must be greater than zero");
  ph.duration_ns = *ns;
  return ph;
}

// Absolute-deadline sleep, each call bounded by kStopPollNs.
void sleep_until(WorkerContext& ctx, uint64_t deadline_ns) {
  for (uint64_t now = mono_ns(); now < deadline_ns && !ctx.stopped(); now = mono_ns()) {
    const timespec ts = ns_to_timespec(std::min(deadline_ns, now + kStopPollNs));
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
}

struct SequenceState {
  std::optional<ScratchRegion> io;
  AlignedBuffer io_buf;
  uint64_t io_next_block = 0;
  uint64_t io_bytes_written = 0;
  std::vector<VecWidth> widths;  // per phase (alu_hot phases only)
};

// One 4 KiB write + fdatasync; the sync is the wake sample.
bool io_op(WorkerContext& ctx, SequenceState& st) {
  const ScratchRegion& r = *st.io;
  const auto off = static_cast<off_t>(r.base + st.io_next_block * kIoBlockBytes);
  const uint64_t before = mono_ns();
  if (pwrite(r.fd.get(), st.io_buf.get(), kIoBlockBytes, off) !=
          static_cast<ssize_t>(kIoBlockBytes) ||
      fdatasync(r.fd.get()) != 0) {
    ctx.tel->warn(fmt::format("sequence: io phase on {} failed: {}; io phases sleep from now on",
                              r.where, std::strerror(errno)));
    st.io.reset();
    return false;
  }
  ctx.tel->wake_sample(mono_ns() - before);
  ctx.tel->after_block();
  ctx.tel->add_units(1);
  st.io_next_block = (st.io_next_block + 1) % (r.size / kIoBlockBytes);
  st.io_bytes_written += kIoBlockBytes;
  return true;
}

// Runs one phase to its deadline; false when a stop cut it short.
bool run_phase(WorkerContext& ctx, const SequencePhase& ph, size_t idx, SequenceState& st) {
  const uint64_t start = mono_ns();
  const uint64_t end = start + ph.duration_ns;
  switch (ph.kind) {
    case Kind::kSpin:
      while (mono_ns() < end && !ctx.stopped()) spin(ctx, kSpinPerSlice);
      break;
    case Kind::kSleep:
      sleep_until(ctx, end);
      ctx.tel->wake_sample(mono_ns() - start);
      ctx.tel->after_block();
      break;
    case Kind::kYield:
      for (uint64_t now = start; now < end && !ctx.stopped();) {
        sched_yield();
        const uint64_t after = mono_ns();
        ctx.tel->wake_sample(after - now);
        ctx.tel->add_units(1);
        now = after;
      }
      break;
    case Kind::kIo:
      while (mono_ns() < end && !ctx.stopped() && st.io && io_op(ctx, st)) {
      }
      if (!st.io) sleep_until(ctx, end);  // no usable file: keep the phase's timing
      break;
    case Kind::kAluHot:
      while (mono_ns() < end && !ctx.stopped()) {
        const double v = run_multiply_chains(st.widths[idx], kAluStepsPerSlice);
        asm volatile("" ::"g"(v));
        ctx.tel->add_units(kAluStepsPerSlice);
      }
      break;
  }
  return !ctx.stopped();
}

SequenceState prepare(WorkerContext& ctx, const std::vector<SequencePhase>& phases) {
  SequenceState st;
  st.widths.resize(phases.size(), VecWidth::kScalar);
  bool want_io = false;
  for (size_t i = 0; i < phases.size(); ++i) {
    want_io = want_io || phases[i].kind == Kind::kIo;
    if (phases[i].kind != Kind::kAluHot) continue;
    const ResolvedWidth w = resolve_vec_width(phases[i].width);
    st.widths[i] = w.width;
    if (!w.downgrade_note.empty()) {
      ctx.tel->warn(fmt::format("sequence: phase {}: {}", i + 1, w.downgrade_note));
    }
  }
  if (!want_io) return st;
  ScratchOptions opt;
  opt.dir = ctx.params->get_str("dir");
  opt.size_bytes = kIoRegionBytes;
  opt.worker_index = ctx.worker_index;
  opt.type_name = "sequence";
  auto region = open_scratch(opt, *ctx.tel);
  if (!region) {
    ctx.tel->warn(fmt::format("sequence: {}; io phases sleep instead", region.error().describe()));
    return st;
  }
  st.io = std::move(*region);
  st.io_buf = make_aligned_buffer(kIoBlockBytes, ctx.seed);
  return st;
}

void run_sequence(WorkerContext& ctx) {
  auto phases = parse_sequence_phases(ctx.params->get_list("phases"));
  KTSTR_CHECK(phases.has_value(), "sequence phases are validated at admission");
  SequenceState st = prepare(ctx, *phases);
  std::vector<uint64_t> runs(phases->size(), 0);
  while (!ctx.stopped()) {
    size_t done = 0;
    while (done < phases->size() && run_phase(ctx, (*phases)[done], done, st)) ++runs[done++];
    if (done == phases->size()) ctx.tel->iteration();
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    ctx.tel->set_extra(fmt::format("phase{}_{}_runs", i + 1, phase_kind_name((*phases)[i].kind)),
                       static_cast<double>(runs[i]));
  }
  ctx.tel->set_extra("io_bytes_written", static_cast<double>(st.io_bytes_written));
}

}  // namespace

const char* phase_kind_name(Kind k) {
  switch (k) {
    case Kind::kSpin:
      return "spin";
    case Kind::kSleep:
      return "sleep";
    case Kind::kYield:
      return "yield";
    case Kind::kIo:
      return "io";
    case Kind::kAluHot:
      return "alu_hot";
  }
  return "?";
}

Result<std::vector<SequencePhase>> parse_sequence_phases(const std::vector<std::string>& items) {
  if (items.empty()) return invalid_input(fmt::format("param phases: empty; {}", kPhaseGrammar));
  std::vector<SequencePhase> out;
  for (size_t i = 0; i < items.size(); ++i) {
    auto ph = parse_phase(items[i], i + 1);
    if (!ph) return unexpected(ph.error());
    out.push_back(*ph);
  }
  return out;
}

WorkTypeDef make_sequence_work_type() {
  return {
      .name = "sequence",
      .family = "alu",
      .summary =
          "runs a list of timed phases (spin, sleep, yield, io, alu_hot) in order each "
          "iteration",
      .params = {{"phases", ParamKind::kList, "spin:10ms,sleep:5ms,yield:1ms,io:2ms,alu_hot:5ms",
                  "comma-separated kind:duration phases; kinds spin|sleep|yield|io and "
                  "alu_hot[:width]:duration"},
                 {"dir", ParamKind::kString, "",
                  "directory for the io phase's scratch file (empty: $KTSTR_IO_DIR, else "
                  "/var/tmp)"}},
      .samples = "wake",
      .validate = [](const ParamValues& p) -> Status {
        auto phases = parse_sequence_phases(p.get_list("phases"));
        if (!phases) return unexpected(phases.error());
        const std::string& dir = p.get_str("dir");
        if (!dir.empty() && dir[0] != '/') {
          return invalid_input(fmt::format("param dir={}: must be an absolute path", dir));
        }
        return {};
      },
      .run = run_sequence};
}

}  // namespace ktstr::workload
