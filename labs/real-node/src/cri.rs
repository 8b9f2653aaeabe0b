//! A CRI client, spoken the way the kubelet speaks it: gRPC over the
//! runtime's unix socket. The calls block (a small tokio runtime inside), so
//! the CLI and the tests read like a list of steps.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use k8s_cri::v1::image_service_client::ImageServiceClient;
use k8s_cri::v1::runtime_service_client::RuntimeServiceClient;
use k8s_cri::v1::*;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::error::{Error, Result};

/// A failed call, as [`Error::Cri`]: which call, and the gRPC status.
fn failed(call: &'static str) -> impl Fn(tonic::Status) -> Error {
    move |status| Error::Cri {
        call,
        message: format!("{:?}: {}", status.code(), status.message()),
    }
}

/// A connection to a CRI runtime's RuntimeService and ImageService.
pub struct Cri {
    runtime: tokio::runtime::Runtime,
    service: RuntimeServiceClient<Channel>,
    images: ImageServiceClient<Channel>,
    pub socket: PathBuf,
}

impl Cri {
    /// Connects to the unix socket at `socket` (no call is made yet).
    pub fn connect(socket: &Path) -> Result<Cri> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Cri {
                call: "connect",
                message: format!("cannot start a tokio runtime: {e}"),
            })?;
        let path = socket.to_path_buf();
        // The URI is never dialled: the connector opens the unix socket.
        let channel = runtime
            .block_on(
                Endpoint::from_static("http://[::]:0")
                    .connect_timeout(Duration::from_secs(5))
                    .connect_with_connector(tower::service_fn(move |_: Uri| {
                        let path = path.clone();
                        async move {
                            let stream = tokio::net::UnixStream::connect(path).await?;
                            Ok::<_, std::io::Error>(TokioIo::new(stream))
                        }
                    })),
            )
            .map_err(|e| Error::Cri {
                call: "connect",
                message: format!(
                    "cannot reach {}: {e}; is the runtime running, and is this its CRI socket?",
                    socket.display()
                ),
            })?;
        Ok(Cri {
            runtime,
            service: RuntimeServiceClient::new(channel.clone()),
            images: ImageServiceClient::new(channel),
            socket: socket.to_path_buf(),
        })
    }

    pub fn version(&mut self) -> Result<VersionResponse> {
        let request = VersionRequest {
            version: "v1".into(),
        };
        let call = self.service.version(request);
        self.runtime
            .block_on(call)
            .map(tonic::Response::into_inner)
            .map_err(failed("Version"))
    }

    // ANCHOR: run-pod-sandbox
    /// RunPodSandbox: the runtime creates the pod's namespaces, sets up its
    /// network and starts its sandbox image (here: pause). Returns its ID.
    pub fn run_pod_sandbox(&mut self, config: &PodSandboxConfig) -> Result<String> {
        let request = RunPodSandboxRequest {
            config: Some(config.clone()),
            runtime_handler: String::new(),
        };
        let call = self.service.run_pod_sandbox(request);
        let response = self
            .runtime
            .block_on(call)
            .map_err(failed("RunPodSandbox"))?;
        Ok(response.into_inner().pod_sandbox_id)
    }
    // ANCHOR_END: run-pod-sandbox

    /// CreateContainer then StartContainer: an app container in the sandbox.
    pub fn run_container(
        &mut self,
        pod_id: &str,
        config: &ContainerConfig,
        sandbox: &PodSandboxConfig,
    ) -> Result<String> {
        let request = CreateContainerRequest {
            pod_sandbox_id: pod_id.into(),
            config: Some(config.clone()),
            sandbox_config: Some(sandbox.clone()),
        };
        let call = self.service.create_container(request);
        let id = self
            .runtime
            .block_on(call)
            .map_err(failed("CreateContainer"))?
            .into_inner()
            .container_id;
        let call = self.service.start_container(StartContainerRequest {
            container_id: id.clone(),
        });
        self.runtime
            .block_on(call)
            .map_err(failed("StartContainer"))?;
        Ok(id)
    }

    pub fn list_pod_sandbox(&mut self) -> Result<Vec<PodSandbox>> {
        let call = self
            .service
            .list_pod_sandbox(ListPodSandboxRequest { filter: None });
        let response = self
            .runtime
            .block_on(call)
            .map_err(failed("ListPodSandbox"))?;
        Ok(response.into_inner().items)
    }

    /// ListContainers, of one pod when `pod_id` is given.
    pub fn list_containers(&mut self, pod_id: Option<&str>) -> Result<Vec<Container>> {
        let filter = pod_id.map(|id| ContainerFilter {
            pod_sandbox_id: id.into(),
            ..Default::default()
        });
        let call = self
            .service
            .list_containers(ListContainersRequest { filter });
        let response = self
            .runtime
            .block_on(call)
            .map_err(failed("ListContainers"))?;
        Ok(response.into_inner().containers)
    }

    /// PodSandboxStatus; `verbose` adds the runtime's own details (`info`).
    pub fn pod_sandbox_status(
        &mut self,
        pod_id: &str,
        verbose: bool,
    ) -> Result<PodSandboxStatusResponse> {
        let call = self.service.pod_sandbox_status(PodSandboxStatusRequest {
            pod_sandbox_id: pod_id.into(),
            verbose,
        });
        self.runtime
            .block_on(call)
            .map(tonic::Response::into_inner)
            .map_err(failed("PodSandboxStatus"))
    }

    pub fn container_status(&mut self, id: &str) -> Result<ContainerStatusResponse> {
        let call = self.service.container_status(ContainerStatusRequest {
            container_id: id.into(),
            verbose: true,
        });
        self.runtime
            .block_on(call)
            .map(tonic::Response::into_inner)
            .map_err(failed("ContainerStatus"))
    }

    /// ExecSync (what `kubectl exec` ends in): stdout, stderr, exit code.
    pub fn exec_sync(&mut self, id: &str, cmd: &[&str]) -> Result<(String, String, i32)> {
        let call = self.service.exec_sync(ExecSyncRequest {
            container_id: id.into(),
            cmd: cmd.iter().map(|s| s.to_string()).collect(),
            timeout: 10,
        });
        let out = self
            .runtime
            .block_on(call)
            .map_err(failed("ExecSync"))?
            .into_inner();
        let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
        Ok((text(out.stdout), text(out.stderr), out.exit_code))
    }

    /// StopPodSandbox then RemovePodSandbox (its containers go with it).
    pub fn remove_pod_sandbox(&mut self, pod_id: &str) -> Result<()> {
        let call = self.service.stop_pod_sandbox(StopPodSandboxRequest {
            pod_sandbox_id: pod_id.into(),
        });
        self.runtime
            .block_on(call)
            .map_err(failed("StopPodSandbox"))?;
        let call = self.service.remove_pod_sandbox(RemovePodSandboxRequest {
            pod_sandbox_id: pod_id.into(),
        });
        self.runtime
            .block_on(call)
            .map_err(failed("RemovePodSandbox"))?;
        Ok(())
    }

    /// ImageStatus of `image`; `None` when the runtime does not have it.
    pub fn image_status(&mut self, image: &str) -> Result<Option<Image>> {
        let call = self.images.image_status(ImageStatusRequest {
            image: Some(ImageSpec {
                image: image.into(),
                ..Default::default()
            }),
            verbose: false,
        });
        let response = self.runtime.block_on(call).map_err(failed("ImageStatus"))?;
        Ok(response.into_inner().image)
    }
}

/// One field of the JSON a runtime puts under `info["info"]` in a verbose
/// status (containerd: `pid`, `runtimeSpec`, ...).
pub fn verbose_info(info: &std::collections::HashMap<String, String>) -> serde_json::Value {
    info.get("info")
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(serde_json::Value::Null)
}
