//! `cri-pods`: a few of crictl's commands, over CRI, for readers whose node
//! has no crictl. It talks to the socket in `--runtime-endpoint` or
//! `$CONTAINER_RUNTIME_ENDPOINT` (crictl's own variable).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use real_node::cri::Cri;
use real_node::{inspect, listing, pod::PodSpec};

/// crictl's variable for the runtime's socket.
const ENDPOINT_VAR: &str = "CONTAINER_RUNTIME_ENDPOINT";

#[derive(Parser)]
#[command(
    version,
    about = "List, inspect, run and remove pod sandboxes over CRI, like crictl"
)]
struct Cli {
    /// The runtime's CRI socket (`unix://` optional) [default: $CONTAINER_RUNTIME_ENDPOINT]
    #[arg(long, short = 'r')]
    runtime_endpoint: Option<String>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// List pod sandboxes (ListPodSandbox), like `crictl pods`
    Pods {
        /// Print only the IDs
        #[arg(long, short)]
        quiet: bool,
    },
    /// List app containers (ListContainers), like `crictl ps`
    Ps {
        /// Only the containers of this pod
        #[arg(long)]
        pod: Option<String>,
    },
    /// Show one sandbox's status (PodSandboxStatus), like `crictl inspectp`
    Inspectp { id: String },
    /// Start a pod sandbox (RunPodSandbox), optionally with one container
    RunPod {
        name: String,
        #[arg(long, default_value = "default")]
        namespace: String,
        /// shareProcessNamespace: true (PID namespace mode POD)
        #[arg(long)]
        share_pid: bool,
        /// Image of an app container to start in the pod
        #[arg(long, requires = "command")]
        image: Option<String>,
        /// The app container's command
        #[arg(last = true)]
        command: Vec<String>,
    },
    /// Stop and remove pod sandboxes (StopPodSandbox, RemovePodSandbox)
    RmPod {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

fn run(cli: Cli) -> Result<()> {
    let endpoint = cli
        .runtime_endpoint
        .or_else(|| std::env::var(ENDPOINT_VAR).ok())
        .with_context(|| {
            format!("name the runtime's socket with --runtime-endpoint or ${ENDPOINT_VAR}")
        })?;
    let socket = PathBuf::from(endpoint.trim_start_matches("unix://"));
    let mut cri = Cri::connect(&socket)?;
    match cli.command {
        Cmd::Pods { quiet } => {
            let pods = cri.list_pod_sandbox().context("listing pod sandboxes")?;
            if quiet {
                pods.iter().for_each(|p| println!("{}", p.id));
            } else {
                print!("{}", listing::pods(&pods));
            }
        }
        Cmd::Ps { pod } => {
            let containers = cri
                .list_containers(pod.as_deref())
                .context("listing containers")?;
            print!("{}", listing::containers(&containers));
        }
        Cmd::Inspectp { id } => {
            let status = cri
                .pod_sandbox_status(&id, true)
                .with_context(|| format!("inspecting sandbox {id}"))?;
            let text = serde_json::to_string_pretty(&inspect::to_json(&status))
                .context("writing the status as JSON")?;
            println!("{text}");
        }
        Cmd::RunPod {
            name,
            namespace,
            share_pid,
            image,
            command,
        } => {
            let mut spec = PodSpec::new(&name);
            spec.namespace = namespace;
            spec.share_process_namespace = share_pid;
            let config = spec.sandbox_config();
            let pod_id = cri
                .run_pod_sandbox(&config)
                .with_context(|| format!("starting pod {name}"))?;
            println!("{pod_id}");
            if let Some(image) = image {
                let command: Vec<&str> = command.iter().map(String::as_str).collect();
                let container = spec.container_config(&name, &image, &command);
                let id = cri
                    .run_container(&pod_id, &container, &config)
                    .with_context(|| format!("starting a container of {image} in pod {name}"))?;
                println!("{id}");
            }
        }
        Cmd::RmPod { ids } => {
            for id in ids {
                cri.remove_pod_sandbox(&id)
                    .with_context(|| format!("removing sandbox {id}"))?;
                println!("Stopped sandbox {id}\nRemoved sandbox {id}");
            }
        }
    }
    Ok(())
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        // `{:#}` prints the whole chain: "what we were doing: why".
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
