//! The built-in lessons are embedded (src/content/tree.rs). `include_dir!`
//! tracks the files it embeds; this makes cargo rebuild when a lesson file
//! is added or removed too.
fn main() {
    println!("cargo:rerun-if-changed=prompts");
}
