//! Fuzzing of what the server reads from uploads: the zip inspector and the blind scan's PDF and
//! package reader, on arbitrary bytes and on valid files with bytes changed. Property tests with
//! proptest: `make test` runs the default 256 cases per target, `make fuzz` many more
//! (`PROPTEST_CASES`); a failing input is saved under `server/proptest-regressions/` and
//! replayed by every later run. The PDF reader contains a panic by design (`catch_unwind`), so
//! its targets catch what cannot be contained: aborts such as a stack overflow, and hangs. The
//! multipart bid parser is fuzzed over HTTP in the integration tests
//! (`bids::random_multipart_bodies_never_fail_the_server`).

use crate::{blind, packages};
use proptest::prelude::*;
use std::io::{Cursor, Write};

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sample_pdf() -> Vec<u8> {
    crate::documents::demo_qualification_pdf("苏州市姑苏区阳光社会工作服务社")
}

/// `bytes` with up to eight bytes overwritten.
fn corrupt(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    if !bytes.is_empty() {
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = *b;
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>()), 1..8)
}

proptest! {
    #[test]
    fn the_inspector_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = packages::inspect(Cursor::new(&bytes), bytes.len() as u64);
    }

    #[test]
    fn the_inspector_survives_a_corrupted_package(e in edits(), truncate in 0usize..4) {
        let valid = zip_of(&[("技术方案.pdf", b"%PDF-1.7 plan".to_vec()), ("附件/人员.pdf", vec![b'x'; 300])]);
        let mut bytes = corrupt(valid, &e);
        bytes.truncate(bytes.len().saturating_sub(truncate * 7));
        let _ = packages::inspect(Cursor::new(&bytes), bytes.len() as u64);
    }

    #[test]
    fn the_pdf_reader_survives_a_corrupted_pdf(e in edits()) {
        let _ = blind::pdf_texts(&corrupt(sample_pdf(), &e), "");
    }

    #[test]
    fn the_package_reader_survives_a_corrupted_package(e in edits()) {
        let _ = blind::zip_texts(Cursor::new(corrupt(zip_of(&[("a.pdf", sample_pdf())]), &e)));
    }

    #[test]
    fn the_pdf_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(bytes);
        let _ = blind::pdf_texts(&pdf, "");
    }
}
