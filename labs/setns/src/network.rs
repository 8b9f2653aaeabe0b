//! The pod's network: `lo` up, and (as root) a veth pair whose host end
//! stays on the host and whose other end becomes the pod's `eth0`, with
//! one /30 of the project's range per pod. Done with iproute2's `ip`: the
//! commands inside the pod run after joining pause's network namespace.
//!
//! The range is `--subnet`, else `$SETNS_DEMO_SUBNET`, else 10.213.0.0/24.

use std::io::Write;
use std::net::Ipv4Addr;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::join::{self, Joins};
use crate::state::PodNetwork;
use nsproc::NsKind;

pub const SUBNET_ENV: &str = "SETNS_DEMO_SUBNET";
pub const DEFAULT_SUBNET: &str = "10.213.0.0/24";
/// Every pod gets a /30: network, host end, pod end, broadcast.
pub const POD_PREFIX: u8 = 30;

/// The range pods take their addresses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subnet {
    base: u32,
    prefix: u8,
}

impl Subnet {
    pub fn parse(text: &str) -> Result<Subnet> {
        let bad = || {
            Error::new(format!(
                "invalid subnet {text:?}: give an IPv4 network with a prefix of /30 or \
                 shorter, e.g. {DEFAULT_SUBNET}"
            ))
        };
        let (address, prefix) = text.split_once('/').ok_or_else(bad)?;
        let address: Ipv4Addr = address.parse().map_err(|_| bad())?;
        let prefix: u8 = prefix.parse().map_err(|_| bad())?;
        if !(8..=POD_PREFIX).contains(&prefix) {
            return Err(bad());
        }
        let mask = u32::MAX << (32 - prefix);
        Ok(Subnet {
            base: u32::from(address) & mask,
            prefix,
        })
    }

    /// The range from `$SETNS_DEMO_SUBNET`, or the default.
    pub fn from_env() -> Result<Subnet> {
        Subnet::parse(&std::env::var(SUBNET_ENV).unwrap_or_else(|_| DEFAULT_SUBNET.into()))
    }

    fn slots(&self) -> u32 {
        1 << (POD_PREFIX - self.prefix)
    }

    /// The addresses and names of slot `index`.
    fn slot(&self, index: u32) -> PodNetwork {
        let network = self.base + 4 * index;
        let pod_ip = Ipv4Addr::from(network + 2);
        let [a, b, c, d] = pod_ip.octets();
        PodNetwork {
            // Named after the network, in hex: unique and within IFNAMSIZ.
            host_if: format!("sd{network:08x}"),
            host_ip: Ipv4Addr::from(network + 1),
            pod_ip,
            prefix: POD_PREFIX,
            // Derived from the IP, so it is predictable: 02:42 + the four octets.
            mac: format!("02:42:{a:02x}:{b:02x}:{c:02x}:{d:02x}"),
        }
    }

    /// The first slot no pod in `taken` uses and no host interface is named after.
    pub fn allocate(&self, taken: &[Ipv4Addr]) -> Result<PodNetwork> {
        (0..self.slots())
            .map(|index| self.slot(index))
            .find(|slot| {
                !taken.contains(&slot.pod_ip)
                    && !std::path::Path::new("/sys/class/net")
                        .join(&slot.host_if)
                        .exists()
            })
            .ok_or_else(|| {
                Error::new(format!(
                    "no free address left in {}/{}: remove a pod, or choose a bigger range \
                     with --subnet",
                    Ipv4Addr::from(self.base),
                    self.prefix
                ))
            })
    }
}

// ANCHOR: veth
/// Creates the veth pair, moves one end into the network namespace of
/// process `pause` and sets both ends up with their addresses.
pub fn create_veth(net: &PodNetwork, pause: i32) -> Result<()> {
    let PodNetwork {
        host_if,
        host_ip,
        pod_ip,
        prefix,
        mac,
    } = net;
    let pod_if = format!("sp{}", &host_if[2..]);
    ip_batch(
        &format!(
            "link add {host_if} type veth peer name {pod_if} address {mac} netns {pause}\n\
             addr add {host_ip}/{prefix} dev {host_if}\n\
             link set {host_if} up\n"
        ),
        None,
    )?;
    let inside = ip_batch(
        &format!(
            "link set lo up\n\
             link set {pod_if} name eth0\n\
             addr add {pod_ip}/{prefix} dev eth0\n\
             link set eth0 up\n"
        ),
        Some(join::open(pause, &[NsKind::Net])?),
    );
    if inside.is_err() {
        delete_veth(host_if);
    }
    inside
}
// ANCHOR_END: veth

/// Brings up `lo` in the pod: all a rootless pod gets.
pub fn loopback_up(pause: i32) -> Result<()> {
    ip_batch("link set lo up\n", Some(join::open(pause, &[NsKind::Net])?))
}

/// Deletes the host end of a pod's veth pair (which deletes both ends);
/// quiet if it is already gone.
pub fn delete_veth(host_if: &str) {
    if std::path::Path::new("/sys/class/net")
        .join(host_if)
        .exists()
    {
        let _ = Command::new("ip")
            .args(["link", "del", host_if])
            .stderr(Stdio::null())
            .status();
    }
}

/// Runs `ip -batch -` with `commands`, inside the pod if `joins` is given.
fn ip_batch(commands: &str, joins: Option<Joins>) -> Result<()> {
    let mut ip = Command::new("ip");
    ip.args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let inside_pod = joins.is_some();
    if let Some(joins) = joins {
        // SAFETY: enter() only calls setns(2), which is async-signal-safe.
        unsafe {
            ip.pre_exec(move || joins.enter().map_err(std::io::Error::from));
        }
    }
    let mut child = ip
        .spawn()
        .map_err(|e| Error::new(format!("could not run `ip`: {e}; install iproute2")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(commands.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Error::new(format!("could not wait for `ip`: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    let where_ = if inside_pod {
        "in the pod"
    } else {
        "on the host"
    };
    Err(Error::new(format!(
        "`ip` failed {where_} ({}): {}",
        commands.lines().next().unwrap_or(""),
        String::from_utf8_lossy(&output.stderr)
            .trim()
            .replace('\n', "; ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_30s_named_after_their_network() {
        let subnet = Subnet::parse("10.213.0.0/24").unwrap();
        assert_eq!(subnet.slots(), 64);
        let second = subnet.slot(1);
        assert_eq!(second.host_ip, Ipv4Addr::new(10, 213, 0, 5));
        assert_eq!(second.pod_ip, Ipv4Addr::new(10, 213, 0, 6));
        assert_eq!(second.host_if, "sd0ad50004");
        assert_eq!(second.mac, "02:42:0a:d5:00:06");
    }

    #[test]
    fn bad_subnets_are_refused_with_an_example() {
        for text in ["10.213.0.0", "10.213.0.0/31", "banana/24", "10.213.0.0/x"] {
            let err = Subnet::parse(text).unwrap_err().to_string();
            assert!(err.contains("e.g. 10.213.0.0/24"), "{text}: {err}");
        }
    }

    #[test]
    fn allocation_skips_taken_addresses() {
        let subnet = Subnet::parse("10.213.128.0/29").unwrap();
        let first = subnet.allocate(&[]).unwrap();
        let second = subnet.allocate(&[first.pod_ip]).unwrap();
        assert_ne!(first.pod_ip, second.pod_ip);
        let err = subnet.allocate(&[first.pod_ip, second.pod_ip]).unwrap_err();
        assert!(err.to_string().contains("no free address"), "{err}");
    }
}
