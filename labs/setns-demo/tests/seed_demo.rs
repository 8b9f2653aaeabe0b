//! The seed's demo without Docker: real nginx (Debian's package) with the
//! seed's nginx.conf, and our tiny blog in Ghost's place on 127.0.0.1:2368,
//! both in one pod, reached from the host through `--publish`.

mod common;

use std::path::Path;

use common::*;

const NGINX: &str = "/usr/sbin/nginx";

#[test]
fn nginx_and_the_blog_in_one_pod_answer_through_publish() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let installed = Path::new(NGINX)
        .is_file()
        .then_some(())
        .ok_or("nginx is not installed (apt-get install nginx-light)".to_string());
    if testkit::require("nginx", installed).is_none() {
        return;
    }
    let port = free_port();
    let pod = Pod::run("seed", &["--publish", &format!("{port}:80")]);
    let blog = tiny_blog();
    pod.start(&[], &[blog.to_str().unwrap()]);
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("nginx.conf");
    let dir = setns_demo::state::pod_dir(&pod.name).unwrap();
    let globals = format!("daemon off; pid {}/nginx.pid;", dir.display());
    pod.start(&[], &[NGINX, "-c", conf.to_str().unwrap(), "-g", &globals]);

    let page = wait_for_page(port, "<title>tiny-blog");
    // nginx answered (its Server header), having proxied to the blog.
    assert!(
        page.lines().any(|l| l.starts_with("Server: nginx")),
        "{page}"
    );

    // As in the seed's `ps aux`: /pause is PID 1, nginx and the blog beside it.
    let ps = pod.exec_ok(&[], &["ps", "-eo", "pid=,args="]);
    let first = ps.lines().next().unwrap_or_default().trim().to_string();
    assert!(first.starts_with("1 ") && first.ends_with("/pause"), "{ps}");
    assert!(ps.contains("nginx: master process"), "{ps}");
    assert!(ps.contains("nginx: worker process"), "{ps}");
    assert!(ps.contains("tiny-blog"), "{ps}");
    // The blog listens on the pod's loopback only: not on the pod's IP.
    let ip = pod.state().network.unwrap().pod_ip;
    assert!(std::net::TcpStream::connect((ip, 2368)).is_err());
    assert!(std::net::TcpStream::connect((ip, 80)).is_ok());
}
