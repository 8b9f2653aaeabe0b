//! Listings shaped like crictl's, so the book can show what `crictl pods`
//! and `crictl ps` print on a node: the same columns, IDs cut to 13
//! characters, ages in words, and the table layout of crictl's
//! `tabwriter.NewWriter(out, 20, 1, 3, ' ', 0)` (every column but the last
//! at least 20 wide, 3 spaces after the widest cell).

use std::time::{SystemTime, UNIX_EPOCH};

use k8s_cri::v1::{Container, ContainerState, PodSandbox, PodSandboxState};

const MIN_WIDTH: usize = 20;
const PADDING: usize = 3;
const ID_LEN: usize = 13;

/// Lays out `rows` (the first is the header) as crictl's tabwriter does.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            let widest = rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0);
            (widest + PADDING).max(MIN_WIDTH)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                out += cell;
            } else {
                out += &format!("{cell:<width$}", width = widths[c]);
            }
        }
        out += "\n";
    }
    out
}

/// crictl's short form of an ID or image ID.
pub fn truncated(id: &str) -> String {
    id.trim_start_matches("sha256:")
        .chars()
        .take(ID_LEN)
        .collect()
}

/// How long ago, in the words of Docker's go-units (`HumanDuration`).
pub fn age(seconds: u64) -> String {
    let ago = match seconds {
        0 => "Less than a second".to_string(),
        1 => "1 second".to_string(),
        2..=59 => format!("{seconds} seconds"),
        60..=119 => "About a minute".to_string(),
        120..=3599 => format!("{} minutes", seconds / 60),
        _ => match (seconds + 1800) / 3600 {
            1 => "About an hour".to_string(),
            hours @ 2..=47 => format!("{hours} hours"),
            hours => format!("{} days", hours / 24),
        },
    };
    format!("{ago} ago")
}

fn age_of(created_at_ns: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    age((now.saturating_sub(created_at_ns).max(0) / 1_000_000_000) as u64)
}

fn pod_state(state: i32) -> &'static str {
    match PodSandboxState::try_from(state) {
        Ok(PodSandboxState::SandboxReady) => "Ready",
        Ok(PodSandboxState::SandboxNotready) => "NotReady",
        Err(_) => "Unknown",
    }
}

fn container_state(state: i32) -> &'static str {
    match ContainerState::try_from(state) {
        Ok(ContainerState::ContainerCreated) => "Created",
        Ok(ContainerState::ContainerRunning) => "Running",
        Ok(ContainerState::ContainerExited) => "Exited",
        _ => "Unknown",
    }
}

/// `crictl pods`: newest first, as crictl sorts them.
pub fn pods(items: &[PodSandbox]) -> String {
    let mut items: Vec<&PodSandbox> = items.iter().collect();
    items.sort_by_key(|pod| std::cmp::Reverse(pod.created_at));
    let header = [
        "POD ID",
        "CREATED",
        "STATE",
        "NAME",
        "NAMESPACE",
        "ATTEMPT",
        "RUNTIME",
    ];
    let mut rows = vec![header.map(String::from).to_vec()];
    for pod in items {
        let meta = pod.metadata.clone().unwrap_or_default();
        let runtime = if pod.runtime_handler.is_empty() {
            "(default)".to_string()
        } else {
            pod.runtime_handler.clone()
        };
        rows.push(vec![
            truncated(&pod.id),
            age_of(pod.created_at),
            pod_state(pod.state).into(),
            meta.name,
            meta.namespace,
            meta.attempt.to_string(),
            runtime,
        ]);
    }
    table(&rows)
}

/// An image as crictl shows it: a digest (`sha256:...`) cut short, a name
/// as it is.
pub fn image(image: &str) -> String {
    match image.strip_prefix("sha256:") {
        Some(hex) if hex.chars().all(|c| c.is_ascii_hexdigit()) => truncated(hex),
        _ => image.to_string(),
    }
}

/// `crictl ps`: the app containers, with their pod's name and namespace
/// read from the labels the kubelet puts on every container.
pub fn containers(items: &[Container]) -> String {
    let mut items: Vec<&Container> = items.iter().collect();
    items.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    let header = [
        "CONTAINER",
        "IMAGE",
        "CREATED",
        "STATE",
        "NAME",
        "ATTEMPT",
        "POD ID",
        "POD",
        "NAMESPACE",
    ];
    let mut rows = vec![header.map(String::from).to_vec()];
    for c in items {
        let meta = c.metadata.clone().unwrap_or_default();
        let label = |key: &str| c.labels.get(key).cloned().unwrap_or_default();
        rows.push(vec![
            truncated(&c.id),
            image(&c.image.as_ref().map_or(String::new(), |i| i.image.clone())),
            age_of(c.created_at),
            container_state(c.state).into(),
            meta.name,
            meta.attempt.to_string(),
            truncated(&c.pod_sandbox_id),
            label(crate::pod::POD_NAME_LABEL),
            label(crate::pod::POD_NAMESPACE_LABEL),
        ]);
    }
    table(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_twenty_wide_or_three_past_the_widest_cell() {
        let rows = vec![
            vec!["POD ID".into(), "NAME".into(), "LAST".into()],
            vec![
                "0123456789abc".into(),
                "a-very-long-pod-name".into(),
                "x".into(),
            ],
        ];
        assert_eq!(
            table(&rows),
            "POD ID              NAME                   LAST\n\
             0123456789abc       a-very-long-pod-name   x\n"
        );
    }

    #[test]
    fn ids_lose_the_digest_prefix_and_keep_thirteen_characters() {
        assert_eq!(truncated("sha256:0123456789abcdef"), "0123456789abc");
        assert_eq!(truncated("short"), "short");
    }

    #[test]
    fn image_digests_are_cut_short_and_names_are_kept() {
        assert_eq!(image("sha256:0123456789abcdef0123"), "0123456789abc");
        assert_eq!(
            image("localhost/busybox:real-node"),
            "localhost/busybox:real-node"
        );
    }

    #[test]
    fn ages_read_like_crictls() {
        assert_eq!(age(0), "Less than a second ago");
        assert_eq!(age(1), "1 second ago");
        assert_eq!(age(42), "42 seconds ago");
        assert_eq!(age(90), "About a minute ago");
        assert_eq!(age(600), "10 minutes ago");
        assert_eq!(age(3600), "About an hour ago");
        assert_eq!(age(3 * 86400), "3 days ago");
    }
}
