//! The CRI messages the kubelet would send for a small pod: the sandbox's
//! config and an app container's config, with the PID namespace mode a
//! PodSpec's `shareProcessNamespace` chooses.

use std::collections::HashMap;

use k8s_cri::v1::{
    ContainerConfig, ContainerMetadata, ImageSpec, LinuxContainerConfig,
    LinuxContainerSecurityContext, LinuxPodSandboxConfig, LinuxSandboxSecurityContext,
    NamespaceMode, NamespaceOption, PodSandboxConfig, PodSandboxMetadata,
};

/// The labels the kubelet puts on sandboxes and containers (crictl reads
/// the pod's name and namespace back from them).
pub const POD_NAME_LABEL: &str = "io.kubernetes.pod.name";
pub const POD_NAMESPACE_LABEL: &str = "io.kubernetes.pod.namespace";
pub const POD_UID_LABEL: &str = "io.kubernetes.pod.uid";
pub const CONTAINER_NAME_LABEL: &str = "io.kubernetes.container.name";

/// A pod as the CLI and the tests ask for it.
#[derive(Debug, Clone)]
pub struct PodSpec {
    pub name: String,
    pub namespace: String,
    pub uid: String,
    /// PodSpec `shareProcessNamespace`: PID mode POD instead of CONTAINER.
    pub share_process_namespace: bool,
    /// The cgroup the pod goes under (the kubelet's pod cgroup).
    pub cgroup_parent: String,
}

impl PodSpec {
    pub fn new(name: &str) -> PodSpec {
        PodSpec {
            name: name.into(),
            namespace: "default".into(),
            uid: format!("{name}-uid"),
            share_process_namespace: false,
            cgroup_parent: String::new(),
        }
    }

    // ANCHOR: pid-mode
    /// The kubelet sets the PID mode explicitly: CONTAINER for a default
    /// pod (CRI's own default would be POD), POD when the PodSpec says
    /// `shareProcessNamespace: true`.
    pub fn namespace_options(&self) -> NamespaceOption {
        let pid = if self.share_process_namespace {
            NamespaceMode::Pod
        } else {
            NamespaceMode::Container
        };
        NamespaceOption {
            network: NamespaceMode::Pod as i32,
            pid: pid as i32,
            ipc: NamespaceMode::Pod as i32,
            ..Default::default()
        }
    }
    // ANCHOR_END: pid-mode

    fn labels(&self) -> HashMap<String, String> {
        HashMap::from([
            (POD_NAME_LABEL.to_string(), self.name.clone()),
            (POD_NAMESPACE_LABEL.to_string(), self.namespace.clone()),
            (POD_UID_LABEL.to_string(), self.uid.clone()),
        ])
    }

    pub fn sandbox_config(&self) -> PodSandboxConfig {
        PodSandboxConfig {
            metadata: Some(PodSandboxMetadata {
                name: self.name.clone(),
                uid: self.uid.clone(),
                namespace: self.namespace.clone(),
                attempt: 0,
            }),
            hostname: self.name.clone(),
            labels: self.labels(),
            linux: Some(LinuxPodSandboxConfig {
                cgroup_parent: self.cgroup_parent.clone(),
                security_context: Some(LinuxSandboxSecurityContext {
                    namespace_options: Some(self.namespace_options()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// An app container running `command` from `image`, in this pod's
    /// namespaces.
    pub fn container_config(&self, name: &str, image: &str, command: &[&str]) -> ContainerConfig {
        ContainerConfig {
            metadata: Some(ContainerMetadata {
                name: name.into(),
                attempt: 0,
            }),
            image: Some(ImageSpec {
                image: image.into(),
                ..Default::default()
            }),
            command: command.iter().map(|s| s.to_string()).collect(),
            labels: {
                let mut labels = self.labels();
                labels.insert(CONTAINER_NAME_LABEL.into(), name.into());
                labels
            },
            linux: Some(LinuxContainerConfig {
                security_context: Some(LinuxContainerSecurityContext {
                    namespace_options: Some(self.namespace_options()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_process_namespace_chooses_the_pid_mode() {
        let mut spec = PodSpec::new("web");
        assert_eq!(
            spec.namespace_options().pid,
            NamespaceMode::Container as i32
        );
        spec.share_process_namespace = true;
        assert_eq!(spec.namespace_options().pid, NamespaceMode::Pod as i32);
        let container = spec.container_config("app", "img", &["sleep", "1"]);
        let options = container.linux.unwrap().security_context.unwrap();
        assert_eq!(
            options.namespace_options.unwrap().pid,
            NamespaceMode::Pod as i32
        );
    }
}
