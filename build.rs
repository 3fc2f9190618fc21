// Rebuild when the embedded theme or sample site changes (include_dir cannot
// tell Cargo about the files it reads).
fn main() {
    for p in ["themes/default", "content", "static", "site.yaml"] {
        println!("cargo:rerun-if-changed={p}");
    }
}
