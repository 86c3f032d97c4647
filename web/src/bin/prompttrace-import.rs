//! The viewer's import worker (see `prompttrace_web::import`): Trunk builds
//! it beside the viewer as a worker (`index.html`).

fn main() {
    prompttrace_web::import::worker::run();
}
