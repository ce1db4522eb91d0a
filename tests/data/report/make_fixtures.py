#!/usr/bin/env python3
"""Writes the report test fixtures (run documents in the `ktstr run --json`
schema, docs/results.md) next to this script. Deterministic: rerunning it
rewrites the same files. The golden outputs under golden/ are produced by
the renderers from these (KTSTR_UPDATE_GOLDEN=1 ctest -R report_)."""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MS = 1_000_000  # ns per ms


def host():
    return {"hostname": "testbox", "kernel": "6.12.9-amd64", "cpu_model": "Fake CPU @ 3.0GHz",
            "topology": "1n1l4c1t", "cpus": 4, "scheduler": "eevdf",
            "cgroup_layout": "v2"}


def worker(rng, idx, group, work_type, tid, cpus, wall_ms, off_pct, wake_us, start_ns,
           gap_ms=None, migrations=6):
    wall = wall_ms * MS
    off = int(wall * off_pct / 100)
    cpu = wall - off
    iters = int(wall_ms * rng.uniform(90, 110))
    migs, t, cur = [], 0, cpus[0]
    for _ in range(migrations):
        t += rng.randint(50, 400) * MS
        if t >= wall:
            break
        nxt = rng.choice([c for c in cpus if c != cur] or cpus)
        migs.append({"at_ns": t, "from_cpu": cur, "to_cpu": nxt})
        cur = nxt
    gaps = []
    for k in range(4):
        dur = int(rng.uniform(2, 30) * MS)
        at = int(wall * (k + 1) / 5)
        gaps.append({"at_ns": at, "duration_ns": dur, "cpu": rng.choice(cpus)})
    if gap_ms:
        gaps.append({"at_ns": int(wall * 0.55), "duration_ns": int(gap_ms * MS), "cpu": cpus[-1]})
    gaps.sort(key=lambda g: -g["duration_ns"])
    wakes = sorted(int(rng.lognormvariate(math.log(wake_us * 1000), 0.6)) for _ in range(200))
    rng.shuffle(wakes)
    g0 = gaps[0]
    return {
        "tid": tid, "worker_index": idx, "group_idx": group, "work_type": work_type,
        "work_units": iters * 4, "iterations": iters, "cpu_time_ns": cpu, "wall_time_ns": wall,
        "off_cpu_ns": off, "migration_count": len(migs) + 3, "cpus_used": sorted(cpus),
        "migrations": migs, "max_gap_ms": g0["duration_ns"] / MS, "max_gap_cpu": g0["cpu"],
        "max_gap_at_ms": g0["at_ns"] / MS, "largest_gaps": gaps, "start_mono_ns": start_ns,
        "wake_latencies_ns": wakes, "wake_sample_total": len(wakes) * 37,
        "iteration_costs_ns": [], "iteration_cost_sample_total": 0,
        "schedstat_cpu_time_ns": cpu, "schedstat_run_delay_ns": off // 3,
        "schedstat_run_count": iters, "schedstat_available": True, "completed": True,
        "numa_pages": {}, "vmstat_numa_pages_migrated": 0, "exit_info": None,
        "is_messenger": False, "affinity_error": "", "warnings": [], "extra": {},
    }


def cgroup_stats(name, reports, cpuset):
    offs = [r["off_cpu_ns"] / r["wall_time_ns"] * 100 for r in reports]
    wakes = sorted(w for r in reports for w in r["wake_latencies_ns"])
    def pct(p):
        k = max(1, math.ceil(p / 100 * len(wakes)))
        return wakes[k - 1]
    worst = max(reports, key=lambda r: r["max_gap_ms"])
    iters = sum(r["iterations"] for r in reports)
    migs = sum(r["migration_count"] for r in reports)
    m = sum(wakes) / len(wakes)
    sd = math.sqrt(sum((w - m) ** 2 for w in wakes) / len(wakes))
    return {
        "name": name, "workers": len(reports), "completed": len(reports),
        "cpus_used": sorted({c for r in reports for c in r["cpus_used"]}), "cpuset": cpuset,
        "off_cpu_pct_min": round(min(offs), 3), "off_cpu_pct_avg": round(sum(offs) / len(offs), 3),
        "off_cpu_pct_max": round(max(offs), 3), "spread_pct": round(max(offs) - min(offs), 3),
        "max_gap_ms": worst["max_gap_ms"], "max_gap_cpu": worst["max_gap_cpu"],
        "max_gap_worker": worst["worker_index"], "max_gap_tid": worst["tid"],
        "max_gap_at_ms": worst["max_gap_at_ms"], "migrations": migs, "iterations": iters,
        "work_units": iters * 4, "migration_ratio": round(migs / iters, 6),
        "wake_samples": len(wakes), "wake_sample_total": len(wakes) * 37,
        "wake_p50_ns": pct(50), "wake_p99_ns": pct(99), "wake_p999_ns": pct(99.9),
        "wake_cv": round(sd / m, 4), "throughput_cv": 0.031, "min_work_rate": 412.5,
        "min_iteration_rate": 95.2, "schedstat_available": True,
        "run_delay_mean_ms": round(sum(r["schedstat_run_delay_ns"] for r in reports) / len(reports) / MS, 3),
        "run_delay_worst_ms": round(max(r["schedstat_run_delay_ns"] for r in reports) / MS, 3),
        "run_delay_worst_worker": 0, "page_locality": None,
        "cross_node_migration_ratio": None, "slow_tier_ratio": None,
    }


def fold(cgs):
    w = max(cgs, key=lambda c: c["spread_pct"])
    g = max(cgs, key=lambda c: c["max_gap_ms"])
    p = max(cgs, key=lambda c: c["wake_p99_ns"])
    return {
        "cgroups": len(cgs), "workers": sum(c["workers"] for c in cgs),
        "completed": sum(c["completed"] for c in cgs),
        "iterations": sum(c["iterations"] for c in cgs),
        "work_units": sum(c["work_units"] for c in cgs),
        "migrations": sum(c["migrations"] for c in cgs),
        "off_cpu_pct_min": min(c["off_cpu_pct_min"] for c in cgs),
        "off_cpu_pct_max": max(c["off_cpu_pct_max"] for c in cgs),
        "max_spread_pct": w["spread_pct"], "max_spread_cgroup": w["name"],
        "max_gap_ms": g["max_gap_ms"], "max_gap_cpu": g["max_gap_cpu"],
        "max_gap_cgroup": g["name"],
        "max_migration_ratio": max(c["migration_ratio"] for c in cgs),
        "worst_wake_p50_ns": max(c["wake_p50_ns"] for c in cgs),
        "worst_wake_p99_ns": p["wake_p99_ns"], "worst_wake_p999_ns": max(c["wake_p999_ns"] for c in cgs),
        "worst_wake_p99_cgroup": p["name"], "max_wake_cv": max(c["wake_cv"] for c in cgs),
        "max_throughput_cv": 0.031, "min_work_rate": 412.5, "min_iteration_rate": 95.2,
        "run_delay_worst_ms": max(c["run_delay_worst_ms"] for c in cgs), "min_page_locality": None,
    }


def check(name, verdict, value, threshold, source, cgroup, detail):
    return {"name": name, "verdict": verdict, "value": value, "threshold": threshold,
            "source": source, "cgroup": cgroup, "detail": detail}


def timeline(duration_ms, cg_iters, extra_events=()):
    events = [{"at_ms": 0.4, "kind": "setup", "detail": "run tree /sys/fs/cgroup/ktstr-4242",
               "iterations": {}},
              {"at_ms": 3.1, "kind": "start", "detail": "2 worker batch(es) released",
               "iterations": {cg: 0 for cg in cg_iters}},
              {"at_ms": 3.2, "kind": "step", "detail": "step 1/2: 0 op(s), hold 1s (50%)",
               "iterations": {cg: 0 for cg in cg_iters}}]
    events += list(extra_events)
    events.append({"at_ms": duration_ms - 15.0, "kind": "stop",
                   "detail": "all workers collected", "iterations": dict(cg_iters)})
    events.append({"at_ms": duration_ms - 2.0, "kind": "teardown", "detail": "cgroups removed",
                   "iterations": {}})
    return events


def scenario_base(name, category, verdict, reason, repeat=0, duration_ms=2100.0):
    return {"name": name, "category": category, "description": "", "source":
            f"builtin:scenarios/{name}.toml", "repeat": repeat, "verdict": verdict,
            "reason": reason, "duration_ms": duration_ms, "planned_duration_ms": 2000.0,
            "checks": [], "stats": {"cgroups": [], "scenario": {}}, "timeline": [],
            "scheduler": {"name": "eevdf", "sched_ext": False, "alive": True, "attached": True,
                          "error_exit": False, "stalled": False, "exit_reason": "",
                          "log_excerpt": ""},
            "interrupted": False, "error_kind": "", "error": "", "warnings": []}


def cpuset_split(rng):
    base = 5_000_000_000
    cg0 = [worker(rng, i, 0, "futex_ping_pong", 812 + i, [0, 1], 2000, 30 + 8 * i, 40,
                  base + i * 40_000, gap_ms=3500 if i == 2 else None) for i in range(4)]
    cg1 = [worker(rng, i, 0, "spin_wait", 820 + i, [2, 3], 2000, 5 + 40 * i, 15,
                  base + 200_000 + i * 30_000) for i in range(2)]
    s = scenario_base("cpuset_split", "cpuset", "fail",
                      "cgroup cg_0: worker 2 (tid 814) max gap 3500ms on cpu1 at +1100ms > 2000ms")
    s["description"] = "two cgroups on disjoint halves, futex ping-pong"
    stats = [cgroup_stats("cg_0", cg0, [0, 1]), cgroup_stats("cg_1", cg1, [2, 3])]
    s["stats"] = {"cgroups": stats, "scenario": fold(stats)}
    s["checks"] = [
        check("not_starved", "pass", None, None, "default", "", "all 6 workers made progress"),
        check("max_gap_ms", "fail", 3500.0, 2000.0, "default", "cg_0",
              "cgroup cg_0: worker 2 (tid 814) max gap 3500ms on cpu1 at +1100ms > 2000ms"),
        check("max_spread_pct", "fail", stats[1]["spread_pct"], 15.0, "test", "cg_1",
              f"cgroup cg_1: off-CPU spread {stats[1]['spread_pct']:.4g}% > 15% "
              "(min 5%, max 45%, 2 workers on 2 CPUs)"),
        check("scheduler_alive", "pass", None, None, "default", "", "scheduler eevdf alive and attached"),
    ]
    iters = {"cg_0": stats[0]["iterations"], "cg_1": stats[1]["iterations"]}
    half = {k: v // 2 for k, v in iters.items()}
    s["timeline"] = timeline(2100.0, iters, [
        {"at_ms": 1003.5, "kind": "step", "detail": "step 2/2: 1 op(s), hold 1s (50%)",
         "iterations": half},
        {"at_ms": 1004.0, "kind": "op", "detail": "swap_cpusets cg_0 <-> cg_1",
         "iterations": {k: v + 12 for k, v in half.items()}},
    ])
    s["reports"] = [{"cgroup": "cg_0", "reports": cg0}, {"cgroup": "cg_1", "reports": cg1}]
    return s


def steady(rng, repeat=0, wake_us=30.0, spread=4.0, iters=190000, gap=12.0):
    s = scenario_base("steady", "basic", "pass", "", repeat)
    s["description"] = 'all CPUs busy <b>&"quoted"\'</b>'
    cg = {
        "name": "cg_0", "workers": 4, "completed": 4, "cpus_used": [0, 1, 2, 3], "cpuset": None,
        "off_cpu_pct_min": 10.0, "off_cpu_pct_avg": 10.0 + spread / 2,
        "off_cpu_pct_max": 10.0 + spread, "spread_pct": spread, "max_gap_ms": gap,
        "max_gap_cpu": 2, "max_gap_worker": 1, "max_gap_tid": 901, "max_gap_at_ms": 820.5,
        "migrations": 120, "iterations": iters, "work_units": iters * 2,
        "migration_ratio": 120 / iters, "wake_samples": 4096, "wake_sample_total": 80000,
        "wake_p50_ns": int(wake_us * 1000), "wake_p99_ns": int(wake_us * 4100),
        "wake_p999_ns": int(wake_us * 9000), "wake_cv": 0.8, "throughput_cv": 0.02,
        "min_work_rate": 900.0, "min_iteration_rate": 470.0, "schedstat_available": True,
        "run_delay_mean_ms": 40.0, "run_delay_worst_ms": 55.0, "run_delay_worst_worker": 3,
        "page_locality": None, "cross_node_migration_ratio": None, "slow_tier_ratio": None,
    }
    s["stats"] = {"cgroups": [cg], "scenario": fold([cg])}
    s["checks"] = [check("not_starved", "pass", None, None, "default", "", "all 4 workers made progress"),
                   check("max_gap_ms", "pass", gap, 2000.0, "default", "cg_0",
                         f"cgroup cg_0: max gap {gap}ms")]
    s["timeline"] = timeline(2100.0, {"cg_0": iters})
    s["warnings"] = ["worker 3: could not set nice -5 (EPERM)\u0001"]
    return s


def run_doc(scenarios, verdict="pass", exit_code=0):
    return {"schema_version": 1, "ktstr_version": "0.1.0", "started_at": "2025-01-02T03:04:05Z",
            "duration_ms": sum(s["duration_ms"] for s in scenarios), "host": host(),
            "verdict": verdict, "exit_code": exit_code, "interrupted": False,
            "scenarios": scenarios}


def mixed():
    rng = random.Random(7)
    skip = scenario_base("numa_spread", "numa", "skip", "requires 2 NUMA nodes (host has 1)",
                         duration_ms=0.0)
    err = scenario_base("stress_payload", "stress", "fail",
                        "payload stress-ng: not found in PATH", duration_ms=12.5)
    err["error_kind"] = "environment"
    err["error"] = "payload stress-ng: not found in PATH (apt-get install stress-ng)"
    return run_doc([cpuset_split(rng), steady(rng), skip, err], "fail", 1)


def spread_attempt(name, spread, duration_ms, warnings=()):
    """One attempt of a scenario judged by max_spread_pct (timing-sensitive)."""
    s = steady(None, spread=spread)
    s["name"] = name
    s["duration_ms"] = duration_ms
    failed = spread > 15
    detail = (f"cgroup cg_0: off-CPU spread {spread:.4g}% {'>' if failed else '<='} 15% "
              "(min 10%, 4 workers on 4 CPUs)")
    s["checks"].append(check("max_spread_pct", "fail" if failed else "pass", spread, 15.0,
                             "default", "cg_0", detail))
    s["verdict"] = "fail" if failed else "pass"
    s["reason"] = "max_spread_pct: " + detail if failed else ""
    s["warnings"] = list(warnings)
    s["planned_duration_ms"] = 3000.0
    s["phases"] = {"setup_ms": 95.0, "run_ms": 3004.0, "ops_ms": 0.4, "collect_ms": 30.0,
                   "teardown_ms": 6.0, "control_run_delay_ms": 0.1,
                   "control_priority": "SCHED_FIFO 1"}
    return s


def confirmed(name, spreads, verdict):
    """A scenario confirmed with --confirm: the first attempt's fields, every attempt."""
    attempts = [spread_attempt(name, v, 3150.0 + 10 * k) for k, v in enumerate(spreads)]
    s = json.loads(json.dumps(attempts[0]))
    failed = sum(1 for a in attempts if a["verdict"] == "fail")
    s["verdict"] = verdict
    s["reason"] = f"{verdict} ({failed}/{len(attempts)}): {attempts[0]['reason']}"
    s["duration_ms"] = sum(a["duration_ms"] for a in attempts)
    s["attempts"] = attempts
    return s


def confirm_run():
    flaky = confirmed("nested_cgroup_steady", [19.4, 8.1, 9.7], "flaky")
    hard = confirmed("spread_hog", [31.0, 28.5, 33.2], "fail")
    over = spread_attempt("oversubscribed", 6.0, 4900.0, [
        "overrun: the run phase overran for a planned 3.00s: run phase 3.95s (+32 %; ops and "
        "liveness 2 ms, control thread waited 0 ms for a CPU at SCHED_FIFO 1), setup 310 ms, "
        "collection 820 ms, teardown 40 ms"])
    not_run = scenario_base("cgroup_cpuset_swap_midrun", "cpuset", "skip", "not run: --fail-fast",
                            duration_ms=0.0)
    doc = run_doc([flaky, over, hard, not_run], "fail", 1)
    doc["confirm"] = 2
    doc["strict"] = False
    return doc


def noise(level, psi, outside, why=""):
    return {"wall_ms": 2100.0, "psi_some_pct": psi, "psi_full_pct": 0.0, "psi_note": "",
            "steal_pct": 0.4, "outside_load_cpus": outside, "cpus": 4,
            "harness_run_delay_ms": 3.2, "vcpu_dilation": None, "level": level, "why": why}


def noisy():
    """A busy host: a spread failure made inconclusive by the noise, a
    starvation that still fails beside one, and a quiet pass."""
    rng = random.Random(9)
    why = "outside load 1.80 CPU > 0.40 (4 CPUs)"
    busy = noise("high", 41.3, 1.8, why)
    under = f" \u2014 inconclusive: host noise high ({why}, PSI some 41%)"
    spread = steady(rng, spread=33.0)
    spread["name"] = "nested_cgroup_steady"
    spread["verdict"] = "inconclusive"
    detail = "cgroup cg_0: off-CPU spread 33% > 15%" + under
    spread["checks"].append(dict(check("max_spread_pct", "inconclusive", 33.0, 15.0, "default",
                                       "cg_0", detail), noise_inconclusive=True))
    spread["reason"] = "max_spread_pct: " + detail
    spread["noise"] = busy
    starved = steady(rng, spread=40.0)
    starved["name"] = "frozen_worker"
    starved["verdict"] = "fail"
    starved["checks"][0] = check("not_starved", "fail", 1.0, None, "default", "cg_0",
                                 "cgroup cg_0: worker 2 (tid 903) did 0 work units")
    starved["checks"].append(dict(check("max_spread_pct", "inconclusive", 40.0, 15.0, "default",
                                        "cg_0", "cgroup cg_0: off-CPU spread 40% > 15%" + under),
                                  noise_inconclusive=True))
    starved["reason"] = "not_starved: " + starved["checks"][0]["detail"]
    starved["noise"] = busy
    quiet = steady(rng)
    quiet["noise"] = noise("low", 4.0, 0.05)
    doc = run_doc([spread, starved, quiet], "fail", 1)
    doc["noise"] = busy
    return doc


def compare_side(seed, wake_us, gap):
    rng = random.Random(seed)
    scen = []
    for rep in range(5):
        scen.append(steady(rng, rep, wake_us=wake_us * rng.uniform(0.95, 1.05),
                           spread=rng.uniform(3, 5), iters=int(190000 * rng.uniform(0.98, 1.02)),
                           gap=gap * rng.uniform(0.9, 1.1)))
    return scen


def gauntlet_matrix():
    """A gauntlet result (`ktstr gauntlet --json`): 3 scenarios x 2 presets x
    2 schedulers with every cell outcome; the last job has no result."""
    scens = ["steady", "cgroup_cpuset_numa", "futex_ping_pong"]
    presets = [("4cpu-1llc-nosmt", 4), ("16cpu-4llc-2n-smt", 16)]
    scheds = ["eevdf", "scx_simple"]
    jobs, skipped = [], []
    for s in scens:
        for p, cpus in presets:
            if s == "cgroup_cpuset_numa" and cpus == 4:
                skipped.append({"scenario": s, "preset": p, "reason": "needs more than one NUMA "
                                "node with CPUs; this machine has 1"})
                continue
            for sc in scheds:
                jobs.append({"index": len(jobs), "id": f"{s}@{p}/{sc}/auto", "scenario": s,
                             "target": s, "preset": p, "scheduler": sc, "kernel": "auto",
                             "cpus": cpus, "duration_ms": 2000,
                             "estimate_ms": 4600 if cpus == 4 else 4900})
    fail = ("cgroup cg_0: worker 2 max gap 3500ms > 2000ms\nmax_gap_ms: fail: cgroup cg_0 3500 > "
            "2000\nspread_pct: pass\nline four\nline five\nline six")
    outcomes = [("pass", 0, ""), ("fail", 1, fail), ("pass", 0, ""),
                ("flaky", 4, "flaky (1/3): max_gap_ms 2100 > 2000"),
                ("inconclusive", 4, "inconclusive: host noise high (steal 12%)"),
                ("error", 3, "scheduler scx_simple: not found in PATH"), ("pass", 0, ""),
                ("skip", 0, ""), ("interrupted", 130, "interrupted")]
    results = [{"index": i, "id": jobs[i]["id"], "verdict": v, "exit_code": e, "reason": r,
                "wall_ms": 5000.0 + i * 125.5} for i, (v, e, r) in enumerate(outcomes)]
    return {"total_jobs": len(jobs), "jobs": jobs, "skipped": skipped,
            "estimate_ms": sum(j["estimate_ms"] for j in jobs),
            "shard": {"index": 1, "total": 1, "source": "none"},
            "matrix": {"jobs": len(jobs), "fingerprint": "0123456789abcdef",
                       "axes": {"scenarios": scens, "presets": [p for p, _ in presets],
                                "schedulers": scheds, "kernels": ["auto"]}},
            "results": results, "exit_code": 130, "interrupted": True}


def main():
    docs = {"run_mixed.json": mixed(), "run_confirm.json": confirm_run(),
            "run_noisy.json": noisy(), "gauntlet_matrix.json": gauntlet_matrix()}
    a = compare_side(11, 30.0, 12.0)
    b = compare_side(12, 45.0, 12.0)  # wake latency +50%: a regression
    only_a = scenario_base("cgroup_churn", "dynamic", "pass", "")
    docs["compare_a.json"] = run_doc(a + [only_a])
    docs["compare_b.json"] = run_doc(b)
    docs["compare_a2.json"] = run_doc(compare_side(13, 30.0, 12.0))
    for name, doc in docs.items():
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
