//! The results of one run: a Markdown table, JSON and an SVG chart, every
//! figure also as a ratio to the baseline (our C pause, glibc static).

use serde::Serialize;

use crate::first_read::FirstRead;
use crate::peers::BASELINE;
use crate::pod::PodStart;
use crate::stats::Spread;

/// What was measured for one peer (`None`: could not be measured).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub command: String,
    pub missing: Option<String>,
    pub binary_bytes: Option<u64>,
    pub image_bytes: Option<u64>,
    pub rss_anon_kb: Option<u64>,
    pub vm_rss_kb: Option<u64>,
    pub idle_cpu_ns: Option<u64>,
    pub idle_wakeups: Option<u64>,
    pub startup: Option<Spread>,
    pub sigterm: Option<Spread>,
    pub reap_cpu_ns_per_zombie: Option<f64>,
    pub reap_ms: Option<f64>,
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub machine: String,
    pub date: String,
    pub quick: bool,
    pub idle_seconds: u64,
    pub runs: usize,
    pub orphans: usize,
    pub reap_rounds: usize,
    pub baseline: String,
    /// Idle memory is the median of this many copies of each program.
    pub idle_copies: usize,
    pub rows: Vec<Row>,
    pub pod_start: Option<PodStart>,
    pub pod_start_missing: Option<String>,
    pub first_read: Option<FirstRead>,
    pub first_read_missing: Option<String>,
}

/// A metric shown in the table and the charts.
pub(crate) struct Metric {
    /// In Chinese, in English (the charts' languages, [`crate::chart::Lang`]).
    pub(crate) title: [&'static str; 2],
    pub(crate) unit: &'static str,
    pub(crate) get: fn(&Row) -> Option<f64>,
}

pub(crate) const METRICS: [Metric; 8] = [
    Metric {
        title: ["二进制", "binary"],
        unit: "B",
        get: |r| r.binary_bytes.map(|v| v as f64),
    },
    Metric {
        title: ["镜像", "image"],
        unit: "B",
        get: |r| r.image_bytes.map(|v| v as f64),
    },
    Metric {
        title: ["RssAnon", "RssAnon"],
        unit: "kB",
        get: |r| r.rss_anon_kb.map(|v| v as f64),
    },
    Metric {
        title: ["VmRSS", "VmRSS"],
        unit: "kB",
        get: |r| r.vm_rss_kb.map(|v| v as f64),
    },
    Metric {
        title: ["启动（中位数）", "start-up (median)"],
        unit: "µs",
        get: |r| r.startup.map(|s| s.median_us),
    },
    Metric {
        title: ["SIGTERM → 退出（中位数）", "SIGTERM to exit (median)"],
        unit: "µs",
        get: |r| r.sigterm.map(|s| s.median_us),
    },
    Metric {
        title: ["每个僵尸的 init CPU", "init CPU per zombie"],
        unit: "µs",
        get: |r| r.reap_cpu_ns_per_zombie.map(|v| v / 1000.0),
    },
    Metric {
        title: ["清空僵尸用时", "until no zombie is left"],
        unit: "ms",
        get: |r| r.reap_ms,
    },
];

impl Run {
    fn baseline(&self) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.key == BASELINE && r.missing.is_none())
    }

    pub(crate) fn ratio(&self, metric: &Metric, row: &Row) -> Option<f64> {
        let base = (metric.get)(self.baseline()?)?;
        let value = (metric.get)(row)?;
        (base > 0.0).then_some(value / base)
    }

    /// The Markdown page, included by both languages of the chapter (so its
    /// few words are in both): machine, two tables (value and ratio to the
    /// baseline), goals, what could not be measured.
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "**{} · {}{} · {} s, {} × · {} × · {} × {}**\n\n",
            self.machine,
            self.date,
            if self.quick { " · quick 快速" } else { "" },
            self.idle_seconds,
            self.idle_copies,
            self.runs,
            fmt_count(self.orphans),
            self.reap_rounds
        );
        let present: Vec<&Row> = self.rows.iter().filter(|r| r.missing.is_none()).collect();
        let cell = |row: &Row, i: usize, text: Option<String>| -> String {
            match (text, self.ratio(&METRICS[i], row)) {
                (Some(t), Some(r)) => format!("{t} ({})", ratio_text(r)),
                (Some(t), None) => t,
                (None, _) => "n/a".into(),
            }
        };
        let spread =
            |s: Option<Spread>| s.map(|s| format!("{:.0} µs, p90 {:.0}", s.median_us, s.p90_us));
        md += "| 程序 program | 二进制 binary | 镜像 image | RssAnon | VmRSS | 空闲 CPU idle CPU | 空闲唤醒 idle wake-ups |\n";
        md += "|---|---|---|---|---|---|---|\n";
        for row in &present {
            md += &format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                row.label,
                cell(row, 0, row.binary_bytes.map(bytes_text)),
                cell(row, 1, row.image_bytes.map(bytes_text)),
                cell(row, 2, row.rss_anon_kb.map(|v| format!("{v} kB"))),
                cell(row, 3, row.vm_rss_kb.map(|v| format!("{v} kB"))),
                row.idle_cpu_ns
                    .map_or("n/a".into(), |v| format!("{:.0} µs", v as f64 / 1000.0)),
                row.idle_wakeups.map_or("n/a".into(), |v| v.to_string()),
            );
        }
        md += "\n| 程序 program | 启动 start-up | SIGTERM → 退出 exit | 每个僵尸的 CPU CPU per zombie | 清空僵尸 no zombie left after |\n";
        md += "|---|---|---|---|---|\n";
        for row in &present {
            md += &format!(
                "| {} | {} | {} | {} | {} |\n",
                row.label,
                cell(row, 4, spread(row.startup)),
                cell(row, 5, spread(row.sigterm)),
                cell(
                    row,
                    6,
                    row.reap_cpu_ns_per_zombie
                        .map(|v| format!("{:.2} µs", v / 1000.0))
                ),
                cell(row, 7, row.reap_ms.map(|v| format!("{v:.1} ms"))),
            );
        }
        md += &self.goals();
        md += &self.pod_start_table();
        md += &self.first_read_table();
        let missing: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| Some(format!("- {}: {}", r.label, r.missing.as_ref()?)))
            .chain(
                self.rows
                    .iter()
                    .flat_map(|r| r.problems.iter().map(move |p| format!("- {}: {p}", r.key))),
            )
            .chain(
                self.pod_start_missing
                    .iter()
                    .map(|e| format!("- 建 pod pod start: {e}")),
            )
            .chain(
                self.first_read_missing
                    .iter()
                    .map(|e| format!("- 首次阅读 first read: {e}")),
            )
            .collect();
        if !missing.is_empty() {
            md += "\n缺失或未测 / missing or not measured:\n\n";
            md += &missing.join("\n");
            md += "\n";
        }
        md
    }

    /// A pod's start by `setns-demo`, against util-linux in the same run.
    fn pod_start_table(&self) -> String {
        let Some(pod) = &self.pod_start else {
            return String::new();
        };
        let ms = |s: &Spread| {
            format!(
                "{:.2} ms, p90 {:.2}",
                s.median_us / 1000.0,
                s.p90_us / 1000.0
            )
        };
        let verdict = |r: f64, limit: f64| {
            if r <= limit {
                format!("达到 met ({})", ratio_text(r))
            } else {
                format!("**未达到 missed** ({})", ratio_text(r))
            }
        };
        format!(
            "\n| 建 pod pod start ({} ×) | setns-demo | util-linux | 目标 goal |\n|---|---|---|---|\n\
             | 启动到就绪 start until ready | `run` (veth, state): {} | `unshare --fork` + pause: {} | ≤ 1.5x: {} |\n\
             | 加入并运行 join and run /bin/true | `exec`: {} | `nsenter -n -i -u -p`: {} | ≤ 1.1x: {} |\n",
            pod.run.runs,
            ms(&pod.run),
            ms(&pod.unshare),
            verdict(pod.run_ratio(), 1.5),
            ms(&pod.exec),
            ms(&pod.nsenter),
            verdict(pod.exec_ratio(), 1.1),
        )
    }

    /// A fresh clone to the book's first page, against a small known build.
    fn first_read_table(&self) -> String {
        let Some(first) = &self.first_read else {
            return String::new();
        };
        let row = |what: &str, secs: f64| {
            format!(
                "| {what} | {} ({}) |\n",
                duration_text(secs),
                ratio_text(secs / first.baseline_s)
            )
        };
        let total = first.total_s();
        let mut md = String::from("\n| 首次阅读 first read | 用时 time |\n|---|---|\n");
        md += &row(
            "基线 baseline: `cargo build --release` serde_json",
            first.baseline_s,
        );
        md += &row(
            "任务程序 task runner: `cargo build -p xtask`",
            first.task_runner_s,
        );
        md += &row(
            &format!("`cargo install --locked {}`", first.mdbook),
            first.install_s,
        );
        md += &row("首次 first `mdbook build`", first.first_build_s);
        md += &format!(
            "| **从克隆到首页 fresh clone to first page** | **{} ({})**, 目标 goal < 3 min: {} |\n",
            duration_text(total),
            ratio_text(first.ratio()),
            if total < 180.0 {
                "达到 met"
            } else {
                "**未达到 missed**"
            }
        );
        md
    }

    /// The goals for our pause, against the C pause of this run.
    fn goals(&self) -> String {
        let mut md = String::from("\n| 目标 goal | pause | pause-tiny |\n|---|---|---|\n");
        let goal_rows: [(&str, usize, f64); 4] = [
            ("RssAnon ≤ 1.0x", 2, 1.0),
            ("启动 start-up ≤ 1.0x", 4, 1.0),
            ("SIGTERM → 退出 exit ≤ 1.0x", 5, 1.0),
            ("每个僵尸的 CPU CPU per zombie ≤ 1.1x", 6, 1.1),
        ];
        let verdict = |key: &str, metric: usize, limit: f64| -> String {
            let row = self
                .rows
                .iter()
                .find(|r| r.key == key && r.missing.is_none());
            match row.and_then(|row| self.ratio(&METRICS[metric], row)) {
                Some(r) if r <= limit => format!("达到 met ({})", ratio_text(r)),
                Some(r) => format!("**未达到 missed** ({})", ratio_text(r)),
                None => "未测 not measured".into(),
            }
        };
        for (name, metric, limit) in goal_rows {
            md += &format!(
                "| {name} | {} | {} |\n",
                verdict("pause", metric, limit),
                verdict("pause-tiny", metric, limit)
            );
        }
        let wakeups = |key: &str| match self
            .rows
            .iter()
            .find(|r| r.key == key)
            .and_then(|r| r.idle_wakeups)
        {
            Some(0) => "达到 met (0)".to_string(),
            Some(n) => format!("**未达到 missed** ({n})"),
            None => "未测 not measured".into(),
        };
        md += &format!(
            "| 空闲时不唤醒 no wake-up while idle | {} | {} |\n",
            wakeups("pause"),
            wakeups("pause-tiny")
        );
        md
    }
}

pub(crate) fn ratio_text(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}x")
    } else if ratio >= 0.095 {
        format!("{ratio:.2}x")
    } else {
        format!("{ratio:.4}x")
    }
}

/// "4 min 05 s", or "52 s" under a minute.
fn duration_text(secs: f64) -> String {
    let secs = secs.round() as u64;
    if secs >= 60 {
        format!("{} min {:02} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

fn fmt_count(n: usize) -> String {
    bytes_text(n as u64).trim_end_matches(" B").to_string()
}

fn bytes_text(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " B"
}

pub(crate) fn value_text(value: f64, unit: &str) -> String {
    match unit {
        "B" => bytes_text(value as u64),
        "kB" => format!("{value:.0} kB"),
        _ if value >= 100.0 => format!("{value:.0} {unit}"),
        _ => format!("{value:.2} {unit}"),
    }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_minutes_and_seconds() {
        assert_eq!(duration_text(52.4), "52 s");
        assert_eq!(duration_text(245.0), "4 min 05 s");
    }

    #[test]
    fn bytes_get_thousands_separators() {
        assert_eq!(bytes_text(690_920), "690,920 B");
        assert_eq!(bytes_text(1_576), "1,576 B");
        assert_eq!(bytes_text(12), "12 B");
    }

    #[test]
    fn ratios_are_to_the_baseline_row() {
        let row = |key: &str, bytes| Row {
            key: key.into(),
            label: key.into(),
            binary_bytes: Some(bytes),
            ..Row::default()
        };
        let run = Run {
            machine: "m".into(),
            date: "d".into(),
            quick: true,
            idle_seconds: 1,
            runs: 1,
            orphans: 1,
            reap_rounds: 1,
            baseline: BASELINE.into(),
            idle_copies: 1,
            rows: vec![row(BASELINE, 1000), row("pause-tiny", 10)],
            pod_start: None,
            pod_start_missing: None,
            first_read: None,
            first_read_missing: None,
        };
        assert_eq!(run.ratio(&METRICS[0], &run.rows[1]), Some(0.01));
        assert!(run.markdown().contains("10 B (0.0100x)"));
        assert!(
            run.markdown().contains("| 未测 not measured |"),
            "{}",
            run.markdown()
        );
    }
}
