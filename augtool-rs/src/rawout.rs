//! Output as augtool writes it: text read from files that are not UTF-8 holds stand-in
//! characters for the bytes that are not (see [`aug_core::text`]); on their way out they
//! become those bytes again, so `print` and `get` show what is in the file.

use std::io::{self, Write};

/// The UTF-8 encoding of every stand-in character starts with these three possible
/// prefixes: `F4 8F BE` and `F4 8F BF`, then a continuation byte.
const LEAD: u8 = 0xF4;

/// A writer that turns stand-in characters back into their bytes.
#[derive(Debug)]
pub struct RawBytes<W: Write> {
    inner: W,
    /// A possible stand-in cut by the end of the last write (at most 3 bytes).
    pending: Vec<u8>,
}

impl<W: Write> RawBytes<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        RawBytes {
            inner,
            pending: Vec::new(),
        }
    }
}

/// The byte the stand-in `s` (four bytes) is for, if it is one.
fn stand_in(s: &[u8]) -> Option<u8> {
    match *s {
        [LEAD, 0x8F, third @ (0xBE | 0xBF), fourth] if fourth & 0xC0 == 0x80 => {
            Some(0x80 + ((third & 1) << 6) + (fourth & 0x3F))
        }
        _ => None,
    }
}

impl<W: Write> Write for RawBytes<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() && !buf.contains(&LEAD) {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(buf);
        let mut out = Vec::with_capacity(data.len());
        let mut i = 0;
        while i < data.len() {
            let rest = data.get(i..).unwrap_or_default();
            if rest.first() == Some(&LEAD) {
                if rest.len() < 4
                    && [LEAD, 0x8F].starts_with(rest.get(..rest.len().min(2)).unwrap_or_default())
                {
                    // Maybe a stand-in whose end comes with the next write.
                    self.pending = rest.to_vec();
                    break;
                }
                if let Some(b) = rest.get(..4).and_then(stand_in) {
                    out.push(b);
                    i += 4;
                    continue;
                }
            }
            out.push(data.get(i).copied().unwrap_or_default());
            i += 1;
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner.write_all(&pending)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RawBytes<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_become_bytes_even_across_writes() {
        let text = aug_core::text::decode(b"caf\xe9 \xff ok \xc3\xa9\n").into_owned();
        let bytes = text.as_bytes();
        for cut in 0..bytes.len() {
            let mut w = RawBytes::new(Vec::new());
            w.write_all(&bytes[..cut]).unwrap();
            w.write_all(&bytes[cut..]).unwrap();
            w.flush().unwrap();
            assert_eq!(w.inner, b"caf\xe9 \xff ok \xc3\xa9\n", "cut at {cut}");
        }
        let mut w = RawBytes::new(Vec::new());
        w.write_all("plain \u{10ffff}x".as_bytes()).unwrap();
        w.flush().unwrap();
        assert_eq!(w.inner, b"plain \xffx");
    }
}
