//! The Markdown page of a run, included by both languages of the chapter
//! (so its few words are in both): machine, two tables (value and ratio to
//! the baseline), goals, a pod's start, the first read, and what could not
//! be measured.

use super::text::{bytes_text, count_text, duration_text, ratio_text};
use super::{METRICS, Row, Run};
use crate::stats::Spread;

/// "met (0.42x)" when `ratio` is within `limit`, else "missed", in bold.
fn verdict(ratio: f64, limit: f64) -> String {
    if ratio <= limit {
        format!("达到 met ({})", ratio_text(ratio))
    } else {
        format!("**未达到 missed** ({})", ratio_text(ratio))
    }
}

impl Run {
    /// The whole page.
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "**{} · {}{} · {} s, {} × · {} × · {} × {}**\n\n",
            self.machine,
            self.date,
            if self.quick { " · quick 快速" } else { "" },
            self.idle_seconds,
            self.idle_copies,
            self.runs,
            count_text(self.orphans),
            self.reap_rounds
        );
        md += &self.tables();
        md += &self.goals();
        md += &self.pod_start_table();
        md += &self.first_read_table();
        md += &self.missing();
        md
    }

    /// The two tables of the peers: sizes and idle cost, then timings.
    fn tables(&self) -> String {
        let present: Vec<&Row> = self.rows.iter().filter(|r| r.missing.is_none()).collect();
        let cell = |row: &Row, i: usize, text: Option<String>| -> String {
            match (text, self.ratio(&METRICS[i], row)) {
                (Some(t), Some(r)) => format!("{t} ({})", ratio_text(r)),
                (Some(t), None) => t,
                (None, _) => "n/a".into(),
            }
        };
        let spread = |s: Option<Spread>| s.map(|s| format!("{:.0} µs, p90 {:.0}", s.median, s.p90));
        let mut md = String::from(
            "| 程序 program | 二进制 binary | 镜像 image | RssAnon | VmRSS | 空闲 CPU idle CPU | 空闲唤醒 idle wake-ups |\n\
             |---|---|---|---|---|---|---|\n",
        );
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
        md += "\n| 程序 program | 启动 start-up | SIGTERM → 退出 exit | 每个僵尸的 CPU CPU per zombie | 清空僵尸 no zombie left after |\n\
               |---|---|---|---|---|\n";
        for row in &present {
            md += &format!(
                "| {} | {} | {} | {} | {} |\n",
                row.label,
                cell(row, 4, spread(row.startup_us)),
                cell(row, 5, spread(row.sigterm_us)),
                cell(
                    row,
                    6,
                    row.reap_cpu_ns_per_zombie
                        .map(|v| format!("{:.2} µs", v / 1000.0))
                ),
                cell(row, 7, row.reap_ms.map(|v| format!("{v:.1} ms"))),
            );
        }
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
        let goal = |key: &str, metric: usize, limit: f64| -> String {
            match self
                .measured(key)
                .and_then(|row| self.ratio(&METRICS[metric], row))
            {
                Some(r) => verdict(r, limit),
                None => "未测 not measured".into(),
            }
        };
        for (name, metric, limit) in goal_rows {
            md += &format!(
                "| {name} | {} | {} |\n",
                goal("pause", metric, limit),
                goal("pause-tiny", metric, limit)
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

    /// A pod's start by `setns-demo`, against util-linux in the same run.
    fn pod_start_table(&self) -> String {
        let Some(pod) = &self.pod_start else {
            return String::new();
        };
        let ms = |s: &Spread| format!("{:.2} ms, p90 {:.2}", s.median / 1000.0, s.p90 / 1000.0);
        format!(
            "\n| 建 pod pod start ({} ×) | setns-demo | util-linux | 目标 goal |\n|---|---|---|---|\n\
             | 启动到就绪 start until ready | `run` (veth, state): {} | `unshare --fork` + pause: {} | ≤ 1.5x: {} |\n\
             | 加入并运行 join and run /bin/true | `exec`: {} | `nsenter -n -i -u -p`: {} | ≤ 1.1x: {} |\n",
            pod.run_us.runs,
            ms(&pod.run_us),
            ms(&pod.unshare_us),
            verdict(pod.run_ratio(), 1.5),
            ms(&pod.exec_us),
            ms(&pod.nsenter_us),
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
            &format!(
                "`xtask serve --build-only`: {} ∥ 预处理器 preprocessors, 首次 first `mdbook build`",
                first.mdbook
            ),
            first.book_s,
        );
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

    /// What could not be measured, and why: missing peers, a peer's
    /// problems, a pod's start or the first read that did not run.
    fn missing(&self) -> String {
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
        if missing.is_empty() {
            return String::new();
        }
        format!(
            "\n缺失或未测 / missing or not measured:\n\n{}\n",
            missing.join("\n")
        )
    }
}
