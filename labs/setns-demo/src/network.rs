//! The pod's network: `lo` up, and (as root) a veth pair whose host end
//! stays on the host and whose other end becomes the pod's `eth0`, with
//! one /30 of the project's range per pod. Made over netlink (see
//! [`crate::netlink`]); the requests for the pod go through a socket made
//! in pause's network namespace.
//!
//! The range is `--subnet`, else `$SETNS_DEMO_SUBNET`, else 10.213.0.0/24.

use std::fs::File;
use std::net::Ipv4Addr;
use std::path::Path;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::ForkResult;

use crate::error::{Error, Result};
use crate::join;
use crate::netlink::Rtnl;
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

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
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
        let subnet = Subnet {
            base: u32::from(address) & mask,
            prefix,
        };
        if let Some(why) = subnet.reserved() {
            return Err(Error::new(format!(
                "--subnet {subnet} is {why}: pods need private unicast addresses, e.g. \
                 {DEFAULT_SUBNET}"
            )));
        }
        Ok(subnet)
    }

    /// Why no pod may live in this range, if it overlaps a special one.
    fn reserved(&self) -> Option<&'static str> {
        const SPECIAL: [(u32, u8, &str); 5] = [
            (0x0000_0000, 8, "in 0.0.0.0/8 (\"this network\")"),
            (0x7f00_0000, 8, "loopback (127.0.0.0/8)"),
            (0xa9fe_0000, 16, "link-local (169.254.0.0/16)"),
            (0xe000_0000, 4, "multicast (224.0.0.0/4)"),
            (0xf000_0000, 4, "reserved or broadcast (240.0.0.0/4)"),
        ];
        SPECIAL.iter().find_map(|&(base, prefix, why)| {
            let shorter = prefix.min(self.prefix);
            let mask = u32::MAX << (32 - shorter);
            (base & mask == self.base & mask).then_some(why)
        })
    }

    /// Whether `ip` lies in the range.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let mask = u32::MAX << (32 - self.prefix);
        u32::from(ip) & mask == self.base
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
            .find(|slot| !taken.contains(&slot.pod_ip) && !interface_exists(&slot.host_if))
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
/// Creates the veth pair with its `eth0` end born in the network namespace
/// of process `pause`, then gives both ends their addresses, sets them up
/// and routes the pod's traffic to the host end: six netlink requests.
pub fn create_veth(net: &PodNetwork, pause: i32) -> Result<()> {
    let pod_netns = open_netns(pause)?;
    let mut host = Rtnl::open()?;
    host.add_veth(&net.host_if, "eth0", mac_bytes(&net.mac)?, &pod_netns)?;
    let host_end = host
        .link_by_name(&net.host_if)?
        .ok_or_else(|| Error::new(format!("{} vanished as it was made", net.host_if)))?;
    host.add_address(host_end.index, net.host_ip, net.prefix)?;
    host.set_up(host_end.index)?;

    let mut pod = Rtnl::open_in(&pod_netns)?;
    for link in pod.links()? {
        if link.name == "lo" {
            pod.set_up(link.index)?;
        }
    }
    let eth0 = pod
        .link_by_name("eth0")?
        .ok_or_else(|| Error::new("the pod's eth0 vanished as it was made"))?;
    pod.add_address(eth0.index, net.pod_ip, net.prefix)?;
    pod.set_up(eth0.index)?;
    pod.add_default_route(eth0.index, net.host_ip)
}
// ANCHOR_END: veth

fn open_netns(pause: i32) -> Result<File> {
    let path = format!("/proc/{pause}/ns/net");
    File::open(&path).map_err(|e| {
        Error::new(format!(
            "could not open {path} (the pod's network namespace): {e}"
        ))
    })
}

fn mac_bytes(mac: &str) -> Result<[u8; 6]> {
    let bytes: Vec<u8> = mac
        .split(':')
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect();
    bytes
        .try_into()
        .map_err(|_| Error::new(format!("bad MAC address {mac:?} in the pod's state")))
}

/// Brings up `lo` in the pod: all a rootless pod gets. A user namespace
/// can only be joined single-threaded, so a forked child joins and asks.
pub fn loopback_up(pause: i32) -> Result<()> {
    let joins = join::open(pause, &[NsKind::Net])?;
    // SAFETY: the CLI is single-threaded here; the child joins, makes two
    // netlink requests and leaves with _exit.
    match unsafe { nix::unistd::fork() } {
        Ok(ForkResult::Child) => {
            let up = || -> Result<()> {
                joins.enter().map_err(|e| Error::new(e.to_string()))?;
                let mut rtnl = Rtnl::open()?;
                let lo = rtnl
                    .link_by_name("lo")?
                    .ok_or_else(|| Error::new("no lo"))?;
                rtnl.set_up(lo.index)
            };
            // SAFETY: leave at once, without running the parent's destructors.
            unsafe { libc::_exit(if up().is_ok() { 0 } else { 1 }) }
        }
        Ok(ForkResult::Parent { child }) => match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, 0)) => Ok(()),
            _ => Err(Error::new("could not bring up lo in the pod")),
        },
        Err(e) => Err(Error::new(format!("could not fork: {e}"))),
    }
}

/// Whether `name` has the pattern of a pod's host end: `sd` + 8 hex digits.
pub fn is_pod_interface_name(name: &str) -> bool {
    name.len() == 10
        && name.starts_with("sd")
        && name[2..]
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// The index of host interface `host_if` if it is provably this pod's:
/// named like a pod's host end, a veth, and its peer is a veth in the
/// network namespace of `pause` that points back at it.
pub fn pod_veth(host_if: &str, pause: i32) -> Result<u32> {
    let not_ours = |why: &str| {
        Err(Error::new(format!(
            "interface {host_if:?} left alone: {why}"
        )))
    };
    if !is_pod_interface_name(host_if) {
        return not_ours("its name is not a pod's (sd + 8 hex digits)");
    }
    let Some(host_end) = Rtnl::open()?.link_by_name(host_if)? else {
        return not_ours("there is no such interface");
    };
    let (Some("veth"), Some(peer)) = (host_end.kind.as_deref(), host_end.peer_index) else {
        return not_ours("it is not a veth");
    };
    let pod_end = Rtnl::open_in(&open_netns(pause)?)?.link_by_index(peer)?;
    match pod_end {
        Some(end)
            if end.kind.as_deref() == Some("veth") && end.peer_index == Some(host_end.index) =>
        {
            Ok(host_end.index)
        }
        _ => not_ours("its peer is not in the pod's network namespace"),
    }
}

/// Deletes host interface `index` (the veth's peer goes with it).
pub fn delete_link(index: u32) -> Result<()> {
    Rtnl::open()?.delete_link(index)
}

/// The host's pod interfaces whose peer is in the network namespace of
/// `pause`: how `rm` finds a veth whose state was lost.
pub fn pod_veths_of(pause: i32) -> Vec<(String, u32)> {
    let Ok(links) = Rtnl::open().and_then(|mut r| r.links()) else {
        return Vec::new();
    };
    links
        .into_iter()
        .filter(|l| is_pod_interface_name(&l.name))
        .filter_map(|l| Some((l.name.clone(), pod_veth(&l.name, pause).ok()?)))
        .collect()
}

/// Whether host interface `name` exists.
pub fn interface_exists(name: &str) -> bool {
    !name.contains('/') && Path::new("/sys/class/net").join(name).exists()
}

/// Refuses a range that overlaps an address already on the host (other
/// than pods' own host ends): a second copy would shadow its route.
pub fn check_host_overlap(subnet: &Subnet) -> Result<()> {
    let Ok(addresses) = nix::ifaddrs::getifaddrs() else {
        return Ok(());
    };
    for entry in addresses {
        let Some(ip) = entry
            .address
            .as_ref()
            .and_then(|a| a.as_sockaddr_in())
            .map(|a| a.ip())
        else {
            continue;
        };
        if !is_pod_interface_name(&entry.interface_name) && subnet.contains(ip) {
            return Err(Error::new(format!(
                "--subnet {subnet} overlaps {ip} on the host's {}: pick a range no host \
                 interface uses, e.g. {DEFAULT_SUBNET}",
                entry.interface_name
            )));
        }
    }
    Ok(())
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
    fn special_ranges_are_refused_with_one_line_each() {
        for (text, why) in [
            ("127.0.0.0/24", "loopback"),
            ("0.0.0.0/24", "this network"),
            ("224.0.0.0/24", "multicast"),
            ("169.254.0.0/16", "link-local"),
            ("255.255.255.252/30", "broadcast"),
        ] {
            let err = Subnet::parse(text).unwrap_err().to_string();
            assert!(err.contains(why) && !err.contains('\n'), "{text}: {err}");
        }
        for text in ["10.213.0.0/24", "192.168.77.0/24", "172.16.0.0/12"] {
            Subnet::parse(text).unwrap();
        }
    }

    #[test]
    fn pod_interface_names_have_one_pattern() {
        assert!(is_pod_interface_name("sd0ad50004"));
        for name in [
            "eth0",
            "lo",
            "sd0ad5000",
            "sd0AD50004",
            "xd0ad50004",
            "sd0ad50004x",
        ] {
            assert!(!is_pod_interface_name(name), "{name}");
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
