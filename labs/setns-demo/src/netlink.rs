//! The few rtnetlink requests a pod's network needs, made directly from
//! Rust (what `ip link`, `ip addr` and `ip route` send the kernel): no
//! `ip` process per step. A socket stays in the network namespace it was
//! created in, so [`Rtnl::open_in`] creates one from a thread that joined
//! the pod's namespace, and the requests on it act inside the pod.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsRawFd;

use netlink_packet_core::{
    NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage,
    NetlinkPayload,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_ROUTE};

use crate::error::{Error, Result};

/// A route netlink socket in one network namespace.
pub struct Rtnl {
    socket: Socket,
    sequence: u32,
}

/// What we need to know of an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// `IFLA_LINK`: for a veth, its peer's index (in the peer's namespace).
    pub peer_index: Option<u32>,
    pub kind: Option<String>,
}

/// Why a request failed: the kernel said no (with an errno), or something
/// on our side (the socket, decoding).
enum Refused {
    Kernel(std::io::Error),
    Local(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Local(e)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Kernel(e) => e.fmt(f),
            Refused::Local(e) => e.fmt(f),
        }
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(format!("netlink: could not {what}: {e}"))
}

impl Rtnl {
    /// A socket in our own network namespace.
    pub fn open() -> Result<Rtnl> {
        let mut socket =
            Socket::new(NETLINK_ROUTE).map_err(|e| failed("open a route socket", e))?;
        socket
            .bind_auto()
            .map_err(|e| failed("bind a route socket", e))?;
        socket
            .connect(&SocketAddr::new(0, 0))
            .map_err(|e| failed("connect a route socket", e))?;
        Ok(Rtnl {
            socket,
            sequence: 0,
        })
    }

    /// A socket in the network namespace `netns` (an open
    /// /proc/PID/ns/net), made by the calling thread while it visits that
    /// namespace ([`crate::visit`]): the socket stays there.
    pub fn open_in(netns: &File) -> Result<Rtnl> {
        crate::visit::visit(netns, nsproc::NsKind::Net, Rtnl::open)
    }

    /// Sends one request and reads the answers until its ACK or the end of a dump.
    fn request(
        &mut self,
        message: RouteNetlinkMessage,
        flags: u16,
    ) -> std::result::Result<Vec<RouteNetlinkMessage>, Refused> {
        self.sequence += 1;
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | flags;
        header.sequence_number = self.sequence;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(message));
        packet.finalize();
        let mut buf = vec![0; packet.buffer_len()];
        packet.serialize(&mut buf);
        self.socket.send(&buf, 0).map_err(|e| failed("send", e))?;
        let mut answers = Vec::new();
        loop {
            let (data, _) = self
                .socket
                .recv_from_full()
                .map_err(|e| failed("receive", e))?;
            let mut offset = 0;
            while offset < data.len() {
                let reply = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[offset..])
                    .map_err(|e| failed("decode an answer", e))?;
                let length = reply.header.length as usize;
                if length == 0 {
                    return Err(failed("decode an answer", "empty message").into());
                }
                offset += length;
                if reply.header.sequence_number != self.sequence {
                    continue;
                }
                match reply.payload {
                    NetlinkPayload::Error(err) => {
                        return match err.code {
                            None => Ok(answers),
                            Some(code) => Err(Refused::Kernel(std::io::Error::from_raw_os_error(
                                -code.get(),
                            ))),
                        };
                    }
                    NetlinkPayload::Done(_) => return Ok(answers),
                    NetlinkPayload::InnerMessage(inner) => answers.push(inner),
                    _ => {}
                }
            }
        }
    }

    fn change(&mut self, what: &str, message: RouteNetlinkMessage, flags: u16) -> Result<()> {
        self.request(message, NLM_F_ACK | flags)
            .map(drop)
            .map_err(|e| failed(what, e))
    }

    /// `ip link add HOST type veth peer name PEER address MAC netns FD`:
    /// both ends at once, the peer born in the namespace `peer_netns`.
    pub fn add_veth(
        &mut self,
        host: &str,
        peer: &str,
        peer_mac: [u8; 6],
        peer_netns: &File,
    ) -> Result<()> {
        let mut peer_message = LinkMessage::default();
        peer_message.attributes = vec![
            LinkAttribute::IfName(peer.into()),
            LinkAttribute::Address(peer_mac.to_vec()),
            LinkAttribute::NetNsFd(peer_netns.as_raw_fd()),
        ];
        let mut message = LinkMessage::default();
        message.attributes = vec![
            LinkAttribute::IfName(host.into()),
            LinkAttribute::LinkInfo(vec![
                LinkInfo::Kind(InfoKind::Veth),
                LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer_message))),
            ]),
        ];
        self.change(
            &format!("create the veth pair {host}/{peer}"),
            RouteNetlinkMessage::NewLink(message),
            NLM_F_CREATE | NLM_F_EXCL,
        )
    }

    /// The interface named `name`, if there is one: one RTM_GETLINK that
    /// names it (`ip link show NAME`), not a dump of every interface.
    pub fn link_by_name(&mut self, name: &str) -> Result<Option<Link>> {
        let mut message = LinkMessage::default();
        message.attributes = vec![LinkAttribute::IfName(name.into())];
        // NLM_F_ACK: a plain GET is answered by one message and nothing
        // else; the ACK after it is how `request` knows the answer is complete.
        match self.request(RouteNetlinkMessage::GetLink(message), NLM_F_ACK) {
            Ok(answers) => Ok(answers.into_iter().find_map(|answer| match answer {
                RouteNetlinkMessage::NewLink(link) => Some(describe(link)),
                _ => None,
            })),
            Err(Refused::Kernel(e)) if e.raw_os_error() == Some(libc::ENODEV) => Ok(None),
            Err(e) => Err(failed(&format!("look up interface {name}"), e)),
        }
    }

    /// The interface with index `index`, if there is one.
    pub fn link_by_index(&mut self, index: u32) -> Result<Option<Link>> {
        Ok(self.links()?.into_iter().find(|l| l.index == index))
    }

    /// Every interface of the namespace.
    pub fn links(&mut self) -> Result<Vec<Link>> {
        let answers = self
            .request(
                RouteNetlinkMessage::GetLink(LinkMessage::default()),
                NLM_F_DUMP,
            )
            .map_err(|e| failed("list interfaces", e))?;
        Ok(answers
            .into_iter()
            .filter_map(|answer| match answer {
                RouteNetlinkMessage::NewLink(link) => Some(describe(link)),
                _ => None,
            })
            .collect())
    }

    /// `ip link set dev INDEX up`.
    pub fn set_up(&mut self, index: u32) -> Result<()> {
        let mut message = LinkMessage::default();
        message.header.index = index;
        message.header.flags = LinkFlags::Up;
        message.header.change_mask = LinkFlags::Up;
        self.change(
            &format!("set interface {index} up"),
            RouteNetlinkMessage::SetLink(message),
            0,
        )
    }

    /// `ip link del dev INDEX` (a veth takes its peer with it).
    pub fn delete_link(&mut self, index: u32) -> Result<()> {
        let mut message = LinkMessage::default();
        message.header.index = index;
        self.change(
            &format!("delete interface {index}"),
            RouteNetlinkMessage::DelLink(message),
            0,
        )
    }

    /// `ip addr add ADDRESS/PREFIX dev INDEX`.
    pub fn add_address(&mut self, index: u32, address: Ipv4Addr, prefix: u8) -> Result<()> {
        let mut message = AddressMessage::default();
        message.header.family = AddressFamily::Inet;
        message.header.prefix_len = prefix;
        message.header.index = index;
        message.attributes = vec![
            AddressAttribute::Local(IpAddr::V4(address)),
            AddressAttribute::Address(IpAddr::V4(address)),
        ];
        self.change(
            &format!("add {address}/{prefix} to interface {index}"),
            RouteNetlinkMessage::NewAddress(message),
            NLM_F_CREATE | NLM_F_EXCL,
        )
    }

    /// `ip route add default via GATEWAY dev INDEX`.
    pub fn add_default_route(&mut self, index: u32, gateway: Ipv4Addr) -> Result<()> {
        let mut message = RouteMessage::default();
        message.header.address_family = AddressFamily::Inet;
        message.header.table = RouteHeader::RT_TABLE_MAIN;
        message.header.protocol = RouteProtocol::Static;
        message.header.scope = RouteScope::Universe;
        message.header.kind = RouteType::Unicast;
        message.attributes = vec![
            RouteAttribute::Gateway(RouteAddress::Inet(gateway)),
            RouteAttribute::Oif(index),
        ];
        self.change(
            &format!("add a default route via {gateway}"),
            RouteNetlinkMessage::NewRoute(message),
            NLM_F_CREATE | NLM_F_EXCL,
        )
    }
}

fn describe(link: LinkMessage) -> Link {
    let mut out = Link {
        index: link.header.index,
        name: String::new(),
        peer_index: None,
        kind: None,
    };
    for attribute in link.attributes {
        match attribute {
            LinkAttribute::IfName(name) => out.name = name,
            LinkAttribute::Link(index) => out.peer_index = Some(index),
            LinkAttribute::LinkInfo(infos) => {
                for info in infos {
                    if let LinkInfo::Kind(kind) = info {
                        out.kind = Some(kind.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}
