//! The demo's images: built here FROM scratch with no registry, each one a
//! single layer holding only what its program needs.

mod common;

use docker_demo::docker::docker;

fn image_field(image: &str, template: &str) -> String {
    docker(["image", "inspect", "--format", template, image])
        .unwrap_or_else(|e| panic!("{e}"))
        .trim()
        .to_string()
}

#[test]
fn each_image_is_one_layer_from_scratch_and_small() {
    if common::engine().is_none() {
        return;
    }
    let images = common::images();
    // (image, entrypoint, user, bytes within this range). The hands-on
    // chapter states these: pause "under 1 MB" (its size follows the Rust
    // pause, which other work shrinks), nginx "about 9.8 MB" and the blog
    // "about 4.5 MB", each within 10%.
    let expected = [
        (&images.pause, "[/pause]", "65535:65535", 1..=1_000_000),
        (
            &images.nginx,
            "[/usr/sbin/nginx -g daemon off;]",
            "",
            8_820_000..=10_780_000,
        ),
        (
            &images.blog,
            "[/usr/local/bin/tiny-blog]",
            "65534:65534",
            4_050_000..=4_950_000,
        ),
    ];
    for (image, entrypoint, user, bounds) in expected {
        // FROM scratch + one COPY: one layer, no parent image.
        assert_eq!(image_field(image, "{{len .RootFS.Layers}}"), "1", "{image}");
        assert_eq!(image_field(image, "{{.Config.Entrypoint}}"), entrypoint);
        assert_eq!(image_field(image, "{{.Config.User}}"), user, "{image}");
        let bytes: u64 = image_field(image, "{{.Size}}").parse().unwrap();
        assert!(
            bounds.contains(&bytes),
            "{image} is {bytes} bytes, outside {bounds:?} (the chapter states the size)"
        );
        eprintln!("{image}: {bytes} bytes");
    }
}
