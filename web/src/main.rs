//! The viewer's entry: a panic hook and the mount; everything else is in lib.rs.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(prompttrace_web::App);
}
