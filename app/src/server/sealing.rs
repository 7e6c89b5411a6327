//! Sealed bids: each tender has its own random key, stored only encrypted with the server's
//! master key. Bid prices and files are encrypted with the tender key when they arrive; the
//! application unwraps a tender key for reading only once the tender's bids are open
//! (`tenders::open` and the bid-file route check the state first). Someone holding both the
//! database and the master key file could decrypt early — that is an operator's trust boundary,
//! which is why the master key lives outside the database.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use std::io::{Read, Write};
use std::path::Path;

/// Plaintext bytes per encrypted segment of a file.
const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const STREAM_NONCE: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed data are damaged or were sealed with another key")]
    Damaged,
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn seal_bytes(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> String {
    let nonce = random::<12>();
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let ct = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
        .expect("encrypting in memory cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    B64.encode(out)
}

fn open_bytes(key: &[u8; 32], aad: &[u8], sealed: &str) -> Result<Vec<u8>, SealError> {
    let raw = B64.decode(sealed.trim()).map_err(|_| SealError::Damaged)?;
    if raw.len() < 12 + TAG {
        return Err(SealError::Damaged);
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    cipher.decrypt(Nonce::from_slice(&raw[..12]), Payload { msg: &raw[12..], aad }).map_err(|_| SealError::Damaged)
}

/// The server's master key, which only wraps tender keys.
#[derive(Clone)]
pub struct Sealer {
    master: [u8; 32],
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// Reads the master key (64 hex characters) from `path`, creating it (mode 0600) on first use.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Written whole to a private temporary name, then linked into place: a reader never
            // sees a half-written key, and of two instances starting together one key wins.
            let tmp = path.with_extension(format!("tmp-{}", hex::encode(random::<8>())));
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp)?;
            f.write_all(hex::encode(random::<32>()).as_bytes())?;
            f.sync_all()?;
            let linked = std::fs::hard_link(&tmp, path);
            let _ = std::fs::remove_file(&tmp);
            match linked {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        let text = std::fs::read_to_string(path)?;
        let bytes = hex::decode(text.trim())
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "master key file is not hex"))?;
        let master: [u8; 32] = bytes
            .try_into()
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "master key must be 32 bytes"))?;
        Ok(Self { master })
    }

    /// A new tender key and its wrapped form for the database, bound to the tender id.
    pub fn new_tender_key(&self, tender_id: &str) -> (TenderKey, String) {
        let key = random::<32>();
        (TenderKey(key), seal_bytes(&self.master, tender_id.as_bytes(), &key))
    }

    pub fn unwrap(&self, tender_id: &str, wrapped: &str) -> Result<TenderKey, SealError> {
        let raw = open_bytes(&self.master, tender_id.as_bytes(), wrapped)?;
        Ok(TenderKey(raw.try_into().map_err(|_| SealError::Damaged)?))
    }
}

/// One tender's key. Every sealed item is bound to its tender and purpose by the AAD.
pub struct TenderKey([u8; 32]);

impl TenderKey {
    pub fn seal(&self, aad: &str, plain: &[u8]) -> String {
        seal_bytes(&self.0, aad.as_bytes(), plain)
    }

    pub fn open(&self, aad: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        open_bytes(&self.0, aad.as_bytes(), sealed)
    }

    /// Encrypts `src` into `dst` segment by segment (STREAM, 64 KiB), never holding the file.
    pub fn seal_file(&self, aad: &str, mut src: impl Read, size: u64, mut dst: impl Write) -> Result<(), SealError> {
        let nonce = random::<STREAM_NONCE>();
        dst.write_all(&nonce)?;
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut enc = EncryptorBE32::from_aead(cipher, nonce.as_ref().into());
        let mut buf = vec![0u8; SEGMENT];
        let mut left = size;
        loop {
            let n = SEGMENT.min(left as usize);
            src.read_exact(&mut buf[..n])?;
            left -= n as u64;
            let payload = Payload { msg: &buf[..n], aad: aad.as_bytes() };
            if left == 0 {
                dst.write_all(&enc.encrypt_last(payload).map_err(|_| SealError::Damaged)?)?;
                break;
            }
            dst.write_all(&enc.encrypt_next(payload).map_err(|_| SealError::Damaged)?)?;
        }
        dst.flush()?;
        Ok(())
    }

    /// Decrypts what [`seal_file`](Self::seal_file) wrote.
    pub fn open_file(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < STREAM_NONCE + TAG {
            return Err(SealError::Damaged);
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut dec = DecryptorBE32::from_aead(cipher, sealed[..STREAM_NONCE].into());
        let mut out = Vec::with_capacity(sealed.len());
        let mut rest = &sealed[STREAM_NONCE..];
        loop {
            let take = (SEGMENT + TAG).min(rest.len());
            let (seg, tail) = rest.split_at(take);
            let payload = Payload { msg: seg, aad: aad.as_bytes() };
            if tail.is_empty() {
                out.extend(dec.decrypt_last(payload).map_err(|_| SealError::Damaged)?);
                return Ok(out);
            }
            out.extend(dec.decrypt_next(payload).map_err(|_| SealError::Damaged)?);
            rest = tail;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_starting_together_agree_on_one_whole_key() {
        let dir = std::env::temp_dir().join(format!("caiping-key-{}", hex::encode(random::<8>())));
        let path = dir.join("nested").join("master.key");
        let keys: Vec<[u8; 32]> = std::thread::scope(|s| {
            let handles: Vec<_> =
                (0..8).map(|_| s.spawn(|| Sealer::load_or_create(&path).expect("loads").master)).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(keys.iter().all(|k| *k == keys[0]));
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    fn sealer() -> Sealer {
        Sealer { master: [7u8; 32] }
    }

    #[test]
    fn a_tender_key_unwraps_only_for_its_tender() {
        let s = sealer();
        let (k, wrapped) = s.new_tender_key("t1");
        let sealed = k.seal("t1/price", b"600000.00");
        let k2 = s.unwrap("t1", &wrapped).unwrap();
        assert_eq!(k2.open("t1/price", &sealed).unwrap(), b"600000.00");
        assert!(s.unwrap("t2", &wrapped).is_err());
        assert!(k2.open("t2/price", &sealed).is_err());
        assert!(Sealer { master: [8u8; 32] }.unwrap("t1", &wrapped).is_err());
    }

    #[test]
    fn files_round_trip_at_segment_boundaries() {
        let (k, _) = sealer().new_tender_key("t");
        for size in [0usize, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let mut sealed = Vec::new();
            k.seal_file("t/technical", &plain[..], size as u64, &mut sealed).unwrap();
            assert!(!sealed.windows(16.min(size.max(1))).any(|w| size >= 16 && w == &plain[..16]));
            assert_eq!(k.open_file("t/technical", &sealed).unwrap(), plain, "size {size}");
            // Dropping the last segment is detected.
            if size > SEGMENT {
                let cut = &sealed[..STREAM_NONCE + SEGMENT + TAG];
                assert!(k.open_file("t/technical", cut).is_err());
            }
        }
    }

    #[test]
    fn a_flipped_bit_is_refused() {
        let (k, _) = sealer().new_tender_key("t");
        let mut sealed = Vec::new();
        k.seal_file("t/q", &b"hello"[..], 5, &mut sealed).unwrap();
        sealed[STREAM_NONCE + 1] ^= 1;
        assert!(k.open_file("t/q", &sealed).is_err());
    }
}
