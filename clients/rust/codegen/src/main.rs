//! Generates the Rust stubs of both APIs from the repository's proto tree.
//! Usage: saker-client-codegen PROTO_DIR OUT_DIR (clients/rust/gen.sh runs it).
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (proto, out) = match (args.next(), args.next()) {
        (Some(p), Some(o)) => (PathBuf::from(p), PathBuf::from(o)),
        _ => return Err("usage: saker-client-codegen PROTO_DIR OUT_DIR".into()),
    };
    std::fs::create_dir_all(&out)?;
    let configure = || {
        tonic_build::configure()
            .build_server(false)
            .build_transport(true)
            .emit_rerun_if_changed(false)
            .out_dir(&out)
    };
    // Saker v1: imported as saker/v1/*.proto from the proto root.
    let saker: Vec<PathBuf> = ["alerts", "events", "rules", "status"]
        .iter()
        .map(|f| proto.join(format!("saker/v1/{f}.proto")))
        .collect();
    configure().compile_protos(&saker, &[proto.clone()])?;
    // Falco's wire API: registered under bare names (-I proto/falco).
    let falco_root = proto.join("falco");
    let falco: Vec<PathBuf> = ["outputs", "output", "schema", "version"]
        .iter()
        .map(|f| falco_root.join(format!("{f}.proto")))
        .collect();
    configure().compile_protos(&falco, &[falco_root])?;
    Ok(())
}
