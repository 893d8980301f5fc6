#!/usr/bin/env python3
"""Writes the Markdown report and the gnuplot PNGs of a bench result: report.py RESULT.json (re-runnable on old ones).
Outputs RESULT.md, RESULT-rps.png, RESULT-ladder.png, RESULT-resources.png beside the JSON."""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def startup_cpu(median_ms):
    """The starts' CPU (every thread's, as each logged it); runs before 2026-12-06 did not log it."""
    return f"; CPU median {fmt(median_ms)} ms" if median_ms is not None else ""


def pct(v):
    return "–" if v is None else f"{100 * v:.1f} %"


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(fmt(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return "\n".join(lines)


def gnuplot(script, data):
    with tempfile.TemporaryDirectory() as d:
        for name, rows in data.items():
            with open(os.path.join(d, name), "w") as f:
                f.write("\n".join(" ".join(str(c) for c in row) for row in rows) + "\n")
        subprocess.run(["gnuplot"], input=script, text=True, check=True, cwd=d)


def plots(r, base):
    scen = r["scenarios"]
    out = {"rps": base + "-rps.png", "ladder": base + "-ladder.png", "resources": base + "-resources.png"}
    term = "set terminal pngcairo noenhanced size 1000,560 font ',10'\nset grid ytics\nset key top right\n"
    gnuplot(term + f"""set output '{out['rps']}'
set title "Saturation throughput (wrk, 1 thread, 64 connections); labels: share of the nginx ceiling ({r['ceiling']['rps']:,.0f} req/s)"
set style data histograms
set style fill solid 0.8
set boxwidth 0.7
set ylabel 'requests/s'
set yrange [0:*]
set xtics rotate by -30
plot 'rps.dat' using 2:xtic(1) notitle lc rgb '#3b6ea5', '' using 0:2:3 with labels offset 0,0.8 notitle
""", {"rps.dat": [(n, s["rps"], f'"{100 * s.get("ceiling_share", 0):.2f}%"') for n, s in scen.items()]})

    steps = [s for s in r["ladder"]["steps"] if s.get("latency_ms")]
    if steps:
        ok = [s for s in steps if not s["void"]]
        void = [s for s in steps if s["void"]]
        row = lambda s: (s["offered"], *[s["latency_ms"][k] or 0 for k in ("p50", "p90", "p99", "p99_9")])
        data = {"ok.dat": [row(s) for s in ok] or [("NaN",) * 5], "void.dat": [row(s) for s in void] or [("NaN",) * 5]}
        gnuplot(term + f"""set output '{out['ladder']}'
set title "{r['ladder']['scenario']}: latency at fixed offered rates (Gatling, open model); crosses: void steps"
set logscale xy
set xrange [{0.8 * min(s["offered"] for s in steps)}:{1.25 * max(s["offered"] for s in steps)}]
set xlabel 'offered rate (requests/s)'
set ylabel 'latency (ms)'
set key top left
plot 'ok.dat' using 1:2 with linespoints title 'p50', '' using 1:3 with linespoints title 'p90', \
     '' using 1:4 with linespoints title 'p99', '' using 1:5 with linespoints title 'p99.9', \
     'void.dat' using 1:4 with points pt 2 ps 2 lc rgb 'red' title 'p99 (void)'
""", data)
    else:
        out.pop("ladder")

    with_server = {n: s for n, s in scen.items() if s.get("server") and s["requests"]}
    typical = statistics.median(s["server"]["cpu_ms_per_request"] for s in with_server.values()) if with_server else 0
    # a scenario 10x costlier than the median (login: Argon2id) would flatten the others; the table has it
    outliers = [n for n, s in with_server.items() if s["server"]["cpu_ms_per_request"] > 10 * typical]
    cpu_title = "Whole-stack CPU (Java + PostgreSQL) per request (ms)" + (
        f"; not shown: {', '.join(outliers)} (see the table)" if outliers else "")
    if with_server:
        gnuplot(term.replace("1000,560", "1000,800") + f"""set output '{out['resources']}'
set multiplot layout 2,1
set style data histograms
set style fill solid 0.8
set boxwidth 0.6
set key outside right top vertical
set xtics rotate by -30
set yrange [0:*]
set title 'Server Java RSS during each scenario (MB)'
plot 'res.dat' using 2:xtic(1) title 'peak' lc rgb '#3b6ea5', '' using 3 title 'end' lc rgb '#9cc0e6'
set title '{cpu_title}'
set style histogram rowstacked
plot 'cpu.dat' using 2:xtic(1) title 'Java' lc rgb '#c0504d', '' using 3 title 'PostgreSQL' lc rgb '#4f81bd'
unset multiplot
""", {"res.dat": [(n, s["server"]["rss_peak_mb"], s["server"]["rss_end_mb"]) for n, s in with_server.items()],
      "cpu.dat": [(n, 1000 * s["server"]["java_cpu_s"] / s["requests"],
                   1000 * (s["server"]["pg_cpu_s"] or 0) / s["requests"])
                  for n, s in with_server.items() if n not in outliers]})
    else:
        out.pop("resources")
    return out


def markdown(r, images):
    m, ds, o = r["machine"], r["dataset"], r["options"]
    lines = [f"# Conduit bench: {r['date'][:10]}, commit {r['commit']}{' (src modified)' if r['dirty'] else ''}"
             f", {r['mode']} run", ""]
    if r["mode"] != "full":
        lines += [f"A **{r['mode']}** run (small dataset, short runs): a check that the suite works; its numbers"
                  " are rough.", ""]
    lines += [
        f"- Machine: {m['cores']} cores, {m['cpu_model']}, {m['memory_mb']:,} MB, Linux {m['kernel']}, "
        f"load average at start {', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])}",
        f"- Server: {r['server']['url']}, start-up {fmt(r['server']['startup_ms'])} ms; JVM: "
        f"`{' '.join(r['server']['jvm'] or ['(not visible)'])}`",
        *([f"- **Cluster**: {r['cluster']['nodes']} node(s) behind {r['cluster']['balancer']}, on a PostgreSQL of"
           " their own (bench/cluster.py); the server's CPU and RSS below are the nodes' sums (nginx's not counted)"]
          if r.get("cluster") else []),
        f"- Dataset (seed {ds['seed']}, {ds['preset']}, scale {ds['scale']}, seeded in {ds['seconds']} s): "
        + ", ".join(f"{v:,} {k}" for k, v in ds["counts"].items()),
        f"- wrk {r['tools']['wrk'].split()[1] if r['tools']['wrk'] else ''}: 1 thread, {o['wrk']['connections']} "
        f"keep-alive connections, pinned to core {o['wrk']['client_core']} (server unpinned); warm-up "
        f"{o['warmup_s']} s, measured {o['duration_s']} s; {o['runs']} run(s)" + (", medians" if o["runs"] > 1 else ""),
        f"- Ceiling: {r['tools']['nginx']}, 1 worker, a 200-byte JSON file: **{r['ceiling']['rps']:,.0f} req/s** "
        f"(p99 {r['ceiling']['latency_ms']['p99']} ms, client CPU {pct(r['ceiling']['client_cpu'])})",
        "", "## Saturation (wrk)", "",
    ]
    rows = []
    for n, s in r["scenarios"].items():
        srv = s.get("server") or {}
        rows.append([n, s["rps"], pct(s.get("ceiling_share")), s["latency_ms"]["p50"], s["latency_ms"]["p90"],
                     s["latency_ms"]["p99"], s["latency_ms"]["p99_9"], sum(s["errors"].values()), pct(s["client_cpu"]),
                     srv.get("rss_peak_mb"), srv.get("rss_end_mb"), srv.get("cpu_ms_per_request"),
                     srv.get("cpu_ms_per_1000_requests")])
    lines += [table(["scenario", "req/s", "of ceiling", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors",
                     "client CPU", "RSS peak MB", "RSS end MB", "CPU ms/req", "CPU ms/1000 req"], rows), ""]
    lines += ["CPU: Java plus every PostgreSQL process of the server, during the measured window, over its requests. "
              "Client CPU: wrk's share of its one core (near 100 % means the client, not the server, was the limit).", ""]
    if "rps" in images:
        lines += [f"![requests/s]({os.path.basename(images['rps'])})", ""]
    if "resources" in images:
        lines += [f"![memory and CPU]({os.path.basename(images['resources'])})", ""]
    steps = r["ladder"]["steps"]
    if steps:
        lines += [f"## Fixed rates: {r['ladder']['scenario']} (Gatling 3.14.9, open model)", "",
                  "One iteration per virtual user, connections shared. A step is **void** when the achieved rate is "
                  "under 95 % of the offered one or the client used ~100 % of its core: its latencies measure the "
                  "overload or the client, not the server at that rate.", ""]
        repeated = any(s.get("runs") for s in steps)
        if repeated:
            lines += [f"Each step ran {max(len(s.get('runs') or []) for s in steps)} times: medians, errors summed; "
                      "void if it was in any run.", ""]
        lines += [table(["offered /s", "as share of", "achieved /s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                         "errors", "client CPU", "valid"] + (["p99 of each run"] if repeated else []),
                        [[s["offered"], f"{100 * s['share']['share']:g} % of {s['share']['of']}", s.get("achieved"),
                          *[(s.get("latency_ms") or {}).get(k) for k in ("p50", "p90", "p99", "p99_9")],
                          s.get("errors"), pct(s.get("client_cpu")),
                          "**void**: " + s["void_reason"] if s["void"] else "yes"]
                         + ([", ".join(str(r["latency_ms"].get("p99")) for r in s.get("runs") or [])] if repeated else [])
                         for s in steps]), ""]
        if "ladder" in images:
            lines += [f"![latency against offered rate]({os.path.basename(images['ladder'])})", ""]
    if r.get("gatling_errors"):
        lines += ["Gatling's failures (all steps, the unreported warm-up included):", ""]
        lines += [f"- `{e}`" for e in r["gatling_errors"]] + [""]
    fixed = r.get("fixed_rate", r.get("writes"))  # "writes" in results before search joined them
    if fixed:
        lines += ["## Writes and search at a fixed rate (Gatling)", ""]
        lines += [table(["scenario", "offered /s", "achieved /s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "valid"],
                        [[s["scenario"], s["offered"], s["achieved"], s["latency_ms"]["p50"], s["latency_ms"]["p99"],
                          s["latency_ms"]["p99_9"], s["errors"], "**void**: " + s["void_reason"] if s["void"] else "yes"]
                         for s in fixed]), ""]
        lines += ["`favorite` is a toggle: each iteration is a POST then a DELETE, both counted.", ""]
    if r.get("pages"):
        lines += ["## Web pages (Gatling, fixed rate)", ""]
        repeated = any(s.get("runs") for s in r["pages"])
        lines += [table(["scenario", "offered /s", "as share of", "achieved /s", "p50 ms", "p99 ms", "p99.9 ms",
                         "errors", "valid"] + (["p99 of each run"] if repeated else []),
                        [[s["scenario"] + (", from cold" if s.get("cold") else ""), s["offered"],
                          f"{100 * s['share']['share']:g} % of {s['share']['of']}",
                          s["achieved"], s["latency_ms"]["p50"], s["latency_ms"]["p99"], s["latency_ms"]["p99_9"],
                          s["errors"], "**void**: " + s["void_reason"] if s["void"] else "yes"]
                         + ([", ".join(str(x["latency_ms"].get("p99")) for x in s.get("runs") or [])] if repeated else [])
                         for s in r["pages"]]), ""]
        lines += ["`page_article`: one request in ten is for the dataset's 100,000-character article. \"From cold\": "
                  "the same rate for the step's length just before it, right after the writes that dropped the pages "
                  "kept rendered; the step after it measures them kept.", ""]
    ov = r.get("overload")
    if ov:
        a, share = ov["accepted"], ov.get("database_cpu_share")
        lines += ["## Overload (Gatling, fixed rate)", "",
                  f"- Server on core 0" + (f", its PostgreSQL capped to {share:.0%} of it" if share else "")
                  + f"; `{ov['scenario']}` saturation so (wrk, answers other than errors): "
                  f"{ov['saturation_rps']:,.1f}/s",
                  f"- Offered {ov['offered']:,}/s for {ov['seconds']} s, achieved {ov['achieved']:,}/s"
                  + (f" (**void**: {ov['void_reason']})" if ov["void"] else ""),
                  f"- Accepted: {a['answered']:,} (goodput {ov['goodput_rps']:,}/s = {pct(ov['goodput_share'])} of "
                  f"that saturation), p50 {a['p50']} ms, p90 {a['p90']} ms, **p99 {a['p99']} ms**, max {a['max']} ms"
                  + (f"; reads p99 {a['reads_p99']} ms, writes p99 {a['writes_p99']} ms" if "reads_p99" in a else ""),
                  f"- Refused (503, 429): {a['refused']:,}, p50 {a.get('refused_p50')} ms, p99 {a.get('refused_p99')} ms; "
                  f"failed (no answer): {a['failed']:,}; other 5xx: {a['errors_5xx']:,}",
                  f"- Before, at {ov['base']['answered']:,} answers: p99 {ov['base']['p99']} ms; after: p99 "
                  f"{ov['after']['p99']} ms; normal again {ov['back_to_normal_s']} s after the overload",
                  "- RSS (MB) before / during / after: " + " / ".join(
                      str((ov["rss_mb"].get(k) or {}).get("peak")) for k in ("base", "overload", "after")), ""]
        bound = [i + 1 for i, p in enumerate(ov["overload_per_second"]) if (p.get("client_cpu") or 0) >= 0.95]
        if bound:
            lines += [f"- The client (Gatling) used ~100% of its core in second(s) {', '.join(map(str, bound))}: "
                      "those seconds' latencies include its own delays", ""]
        lines += [table(["second", "answered", "refused", "failed", "p50 ms", "p99 ms", "refused p50 ms",
                         "client CPU"],
                        [[i + 1, p["answered"], p["refused"], p["failed"], p["p50"], p["p99"], p.get("refused_p50"),
                          pct(p["client_cpu"]) if p.get("client_cpu") is not None else ""]
                         for i, p in enumerate(ov["overload_per_second"])]), ""]
    rr = r.get("rolling_restart")
    if rr:
        a = rr["answers"]
        lines += [f"## Rolling restart: `{rr['scenario']}` at {rr['rate']:,}/s through nginx, {rr['nodes']} nodes", "",
                  f"- Each node in turn: out of nginx's rotation (a reload), SIGTERM (drain, stop), started, ready, "
                  f"warmed with reads of its own, back in; all {rr['nodes']} in {fmt(rr['restarts_seconds'])} s"
                  + ("" if rr["within_load"] else " (**not all under the load**)")
                  + (f"; **failed: {rr['restart_error']}**" if rr.get("restart_error") else ""),
                  f"- **{rr['failed_requests']:,} failed requests** of {rr['requests']:,} (Gatling KO "
                  f"{rr['gatling_ko']:,}; refused {a.get('refused')}, no answer {a.get('failed')}, other 5xx "
                  f"{a.get('errors_5xx')}); achieved {rr['achieved']:,}/s",
                  f"- Latency: p50 {a.get('p50')} ms, p99 {a.get('p99')} ms, max {a.get('max')} ms", ""]
        if rr.get("restarts"):
            lines += [table(["node", "out (s)", "stop (s)", "start to ready (s)", "warm-up (s)", "warm-up requests",
                             "back, lighter share first (s)"],
                            [[x["node"], x["out_s"], x["stop_s"], x["start_s"], x.get("warm_s"), x.get("warm_requests"),
                              x["back_s"]] for x in rr["restarts"]]), ""]
    so = r.get("soak")
    if so:
        lines += [f"## Soak: `{so.get('scenario', 'mixed')}` at {so['rate']:,}/s for {so['minutes']} min", ""]
        lines += [table(["minute", "RSS MB", "answered", "refused", "failed", "p99 ms (median second)",
                         "p99 ms (worst second)"],
                        [[m["minute"], m["rss_mb"], m["answered"], m["refused"], m["failed"], m["p99_median_ms"],
                          m["p99_max_ms"]] for m in so["per_minute"]]), ""]
    c = r.get("connections")
    if c and c.get("server_died"):
        lines += ["## Many idle connections", "",
                  f"- **The server died** with {c['opened']:,} idle keep-alive connections open (open-file limit "
                  f"{c['server_open_files_limit']:,}).", ""]
    elif c:
        mb, fx = c["mixed_beside"], c.get("mixed_fixed_rate_beside")
        live = c.get("live_heap_kb_per_connection")
        lines += ["## Many idle connections", "",
                  f"- Server open-file limit {c['server_open_files_limit']:,}; opened {c['opened']:,} idle keep-alive "
                  f"connections (target {c['target']:,}, {c.get('failed', 0):,} failed to open) from "
                  f"{len(c['source_addresses'])} source addresses in {c['processes']} process(es)",
                  f"- Server RSS {c['rss_before_mb']} → {c['rss_after_mb']} MB: {c['kb_per_connection']} KB per "
                  "connection" + (f"; live heap after a full GC: {live} KB per connection" if live is not None else "")
                  + f"; the larger, ×100,000: ~{fmt(c['projected_mb_per_100k'], 0)} MB",
                  f"- `mixed` beside them at saturation (wrk): {mb['rps']:,.1f} req/s, p99 {mb['latency_ms']['p99']} ms,"
                  f" errors {sum(mb['errors'].values())}"]
        if fx:
            lines += [f"- `mixed` beside them at a fixed {fx['offered']:,}/s (Gatling): achieved {fx['achieved']:,}/s, "
                      f"p50 {fx['latency_ms']['p50']} ms, p99 {fx['latency_ms']['p99']} ms, p99.9 "
                      f"{fx['latency_ms']['p99_9']} ms, errors {fx['errors']}"
                      + (f" (**void**: {fx['void_reason']})" if fx["void"] else "")
                      + (f"; the server's open files peaked at {fx['server_open_files_peak']:,} during it and its "
                         "warm-up" if fx.get("server_open_files_peak") else "")]
        lines += [f"- Still open afterwards: {c['still_open_after']:,} of {c['opened']:,}", ""]
    st = r.get("startups")
    if st:
        lines += ["## Start-up (JVM start to listening)", "",
                  f"- With `DATABASE_URL` (the database up): median **{st['database_url_median_ms']} ms** of "
                  f"{len(st['database_url_ms'])} ({', '.join(map(str, st['database_url_ms']))})"
                  + startup_cpu(st.get("database_url_cpu_median_ms")),
                  f"- Embedded, cluster already there: median **{st['embedded_existing_cluster_median_ms']} ms** of "
                  f"{len(st['embedded_existing_cluster_ms'])} ({', '.join(map(str, st['embedded_existing_cluster_ms']))})"
                  + startup_cpu(st.get("embedded_existing_cluster_cpu_median_ms")),
                  f"- The measured server's own first start, creating its cluster: {fmt(r['server']['startup_ms'])} ms",
                  ""]
    lines += [f"Total run time {r['seconds']} s. Generated by bench/report.py from {r.get('_json', 'the JSON')}.", ""]
    return "\n".join(lines)


def main():
    path = os.path.abspath(sys.argv[1])  # gnuplot runs in a folder of its own
    with open(path) as f:
        r = json.load(f)
    r["_json"] = os.path.basename(path)
    base = path[:-5] if path.endswith(".json") else path
    images = plots(r, base)
    with open(base + ".md", "w") as f:
        f.write(markdown(r, images))


if __name__ == "__main__":
    main()
