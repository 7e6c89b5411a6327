//! `site`: builds what the browser loads — the app crate compiled to WASM with its JS glue, the
//! stylesheet and the static assets — into the site root the server serves (`target/site`).
//!
//! It does what `cargo leptos build` does for this project with the `wasm-bindgen` library at
//! the workspace's pinned version, so a fresh machine needs neither cargo-leptos nor a
//! separately installed `wasm-bindgen` binary (together about 20 minutes of compiling on two
//! cores). `cargo leptos watch` keeps working for development.
//!
//! ```text
//! cargo run -p site -- build [--release] [--site-root target/site]
//! ```
//! Debug builds use the `wasm-dev` profile (optimised, no debug info: small and quick to
//! hydrate in the browser tests); release builds use `wasm-release` and then `wasm-opt` when it
//! is on the PATH.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `output-name` in the workspace's leptos metadata; leptos looks for `pkg/<name>.js` and
/// `pkg/<name>.wasm` (LEPTOS_OUTPUT_NAME is set in `.cargo/config.toml`).
const OUTPUT_NAME: &str = "caiping";
const TARGET: &str = "wasm32-unknown-unknown";

struct Options {
    release: bool,
    site_root: PathBuf,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(command) = args.next() else { bail!("usage: site build [--release] [--site-root DIR]") };
    if command != "build" {
        bail!("unknown command `{command}` (expected `build`)");
    }
    let workspace = workspace_root()?;
    let mut options = Options { release: false, site_root: workspace.join("target/site") };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--release" => options.release = true,
            "--site-root" => options.site_root = PathBuf::from(args.next().context("--site-root needs a directory")?),
            other => bail!("unknown option `{other}`"),
        }
    }
    build(&workspace, &options)
}

/// The workspace root: this crate lives in `server/site`. `cargo run` names the manifest's
/// directory at run time; the compile-time path is only a fallback, because checkouts that share
/// a target directory (CI's fresh clone reuses one) share this binary, and the baked-in path
/// would build the other checkout's sources.
fn workspace_root() -> Result<PathBuf> {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.ancestors().nth(2).map(Path::to_path_buf).context("server/site has no workspace above it")
}

fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace.join("target"))
}

fn build(workspace: &Path, options: &Options) -> Result<()> {
    let started = std::time::Instant::now();
    let profile = if options.release { "wasm-release" } else { "wasm-dev" };
    let wasm = compile_wasm(workspace, profile)?;
    let pkg = options.site_root.join("pkg");
    std::fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    bindgen(&wasm, &pkg, options.release)?;
    if options.release {
        optimise(&pkg.join(format!("{OUTPUT_NAME}.wasm")))?;
    }
    std::fs::copy(workspace.join("style/main.css"), pkg.join(format!("{OUTPUT_NAME}.css")))
        .context("copying style/main.css")?;
    copy_dir(&workspace.join("public"), &options.site_root)?;
    for ext in ["wasm", "js", "css"] {
        precompress(&pkg.join(format!("{OUTPUT_NAME}.{ext}")), options.release)?;
    }
    let size = std::fs::metadata(pkg.join(format!("{OUTPUT_NAME}.wasm")))?.len();
    let compressed = std::fs::metadata(pkg.join(format!("{OUTPUT_NAME}.wasm.br")))?.len();
    eprintln!(
        "site: {} built in {:.0?} ({} KB of WASM, {} KB brotli, profile {profile})",
        options.site_root.display(),
        started.elapsed(),
        size / 1024,
        compressed / 1024
    );
    Ok(())
}

/// The app crate as WASM with the `hydrate` feature.
fn compile_wasm(workspace: &Path, profile: &str) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace).args([
        "build",
        "--package",
        "app",
        "--lib",
        "--target",
        TARGET,
        "--no-default-features",
        "--features",
        "hydrate",
        "--profile",
        profile,
    ]);
    // Type-erased views (`erase_components`, as cargo-leptos compiles debug builds) in release
    // too: one render and hydrate path per view instead of one per nested view type halved the
    // release WASM (21.2 MB to 10.2 MB before bindgen and wasm-opt, 2026-12-04) and compiles in
    // two thirds of the time; the cost is a box per component in the browser.
    cmd.env("RUSTFLAGS", "--cfg erase_components");
    let status = cmd.status().context("running cargo for the WASM build")?;
    if !status.success() {
        bail!("the WASM build failed");
    }
    let wasm = target_dir(workspace).join(TARGET).join(profile).join("app.wasm");
    if !wasm.exists() {
        bail!("cargo finished but {} is missing", wasm.display());
    }
    Ok(wasm)
}

/// The JS glue and the processed WASM, named as leptos's hydration script expects.
fn bindgen(wasm: &Path, pkg: &Path, release: bool) -> Result<()> {
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .typescript(false)
        .debug(!release)
        .remove_name_section(release)
        .remove_producers_section(release)
        .generate(pkg)
        .context("wasm-bindgen")?;
    std::fs::rename(pkg.join(format!("{OUTPUT_NAME}_bg.wasm")), pkg.join(format!("{OUTPUT_NAME}.wasm")))
        .context("renaming the WASM")?;
    Ok(())
}

/// `wasm-opt -Oz` in place, when binaryen is on the PATH (the Makefile installs it from npm:
/// Debian's binaryen 108 produces a WASM whose hydration fails).
fn optimise(wasm: &Path) -> Result<()> {
    let out = wasm.with_extension("opt.wasm");
    let status = Command::new("wasm-opt")
        .arg("-Oz")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg("--enable-sign-ext")
        .arg("--enable-mutable-globals")
        .arg(wasm)
        .arg("-o")
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => {
            std::fs::rename(&out, wasm)?;
            Ok(())
        }
        Ok(_) => bail!("wasm-opt failed"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("site: wasm-opt not on PATH; the release WASM is not optimised");
            Ok(())
        }
        Err(e) => Err(e).context("running wasm-opt"),
    }
}

/// Writes `<file>.br` and `<file>.gz` beside `file`, which the server sends to browsers that
/// accept them: compressing once here instead of on every request. Release builds take
/// brotli's best (slow) setting, debug builds a quick one.
fn precompress(file: &Path, release: bool) -> Result<()> {
    use std::io::Write;
    let plain = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let with_ext = |ext: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: if release { 11 } else { 5 }, ..Default::default() };
    brotli::BrotliCompress(&mut &plain[..], &mut br, &params).context("brotli")?;
    std::fs::write(with_ext(".br"), br)?;
    let level = if release { flate2::Compression::best() } else { flate2::Compression::fast() };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    gz.write_all(&plain)?;
    std::fs::write(with_ext(".gz"), gz.finish()?)?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    if !from.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
