//! The demo's images: built here FROM scratch with no registry, each one a
//! single layer holding only what its program needs.

mod support;

use docker_demo::docker::docker;

fn image_field(image: &str, template: &str) -> String {
    docker(["image", "inspect", "--format", template, image])
        .unwrap_or_else(|e| panic!("{e}"))
        .trim()
        .to_string()
}

#[test]
fn each_image_is_one_layer_from_scratch_and_small() {
    if support::engine().is_none() {
        return;
    }
    let images = support::images();
    // (image, entrypoint, user, at most this many bytes)
    let expected = [
        (&images.pause, "[/pause]", "65535:65535", 2_000_000),
        (
            &images.nginx,
            "[/usr/sbin/nginx -g daemon off;]",
            "",
            15_000_000,
        ),
        (
            &images.blog,
            "[/usr/local/bin/tiny-blog]",
            "65534:65534",
            8_000_000,
        ),
    ];
    for (image, entrypoint, user, max_bytes) in expected {
        // FROM scratch + one COPY: one layer, no parent image.
        assert_eq!(image_field(image, "{{len .RootFS.Layers}}"), "1", "{image}");
        assert_eq!(image_field(image, "{{.Config.Entrypoint}}"), entrypoint);
        assert_eq!(image_field(image, "{{.Config.User}}"), user, "{image}");
        let bytes: u64 = image_field(image, "{{.Size}}").parse().unwrap();
        assert!(bytes <= max_bytes, "{image} is {bytes} bytes");
        eprintln!("{image}: {bytes} bytes");
    }
}
