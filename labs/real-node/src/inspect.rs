//! `inspectp`: one sandbox's status as JSON, in the shape `crictl inspectp`
//! prints (protobuf's JSON names, enums by name), plus the runtime's own
//! details when it gives them (containerd: the pause process's PID and the
//! path of the pod's network namespace).

use k8s_cri::v1::{NamespaceMode, PodSandboxState, PodSandboxStatusResponse};
use serde_json::{Value, json};

use crate::cri::verbose_info;

fn mode(value: i32) -> &'static str {
    NamespaceMode::try_from(value).map_or("UNKNOWN", |m| m.as_str_name())
}

/// The pod's network namespace path in the runtime's OCI spec, if any.
pub fn netns_path(info: &Value) -> Option<String> {
    info["runtimeSpec"]["linux"]["namespaces"]
        .as_array()?
        .iter()
        .find(|ns| ns["type"] == "network")?["path"]
        .as_str()
        .map(str::to_string)
}

/// The sandbox process's host PID, from containerd's verbose info.
pub fn sandbox_pid(info: &Value) -> Option<i32> {
    info["pid"].as_i64().and_then(|pid| i32::try_from(pid).ok())
}

pub fn to_json(response: &PodSandboxStatusResponse) -> Value {
    let Some(status) = &response.status else {
        return json!({ "status": null });
    };
    let meta = status.metadata.clone().unwrap_or_default();
    let options = status
        .linux
        .as_ref()
        .and_then(|l| l.namespaces.as_ref())
        .and_then(|n| n.options.clone())
        .unwrap_or_default();
    let state = PodSandboxState::try_from(status.state).map_or("UNKNOWN", |s| s.as_str_name());
    let mut out = json!({
        "status": {
            "id": status.id,
            "metadata": {
                "attempt": meta.attempt,
                "name": meta.name,
                "namespace": meta.namespace,
                "uid": meta.uid,
            },
            "state": state,
            "network": { "ip": status.network.as_ref().map_or("", |n| n.ip.as_str()) },
            "linux": { "namespaces": { "options": {
                "ipc": mode(options.ipc),
                "network": mode(options.network),
                "pid": mode(options.pid),
            } } },
        }
    });
    let info = verbose_info(&response.info);
    if !info.is_null() {
        out["info"] = json!({
            "pid": sandbox_pid(&info),
            "image": info["image"],
            "netns": netns_path(&info),
        });
    }
    out
}
