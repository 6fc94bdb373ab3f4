//! Files that are not UTF-8, kept byte for byte.
//!
//! Augeas works on bytes: a Latin-1 comment in `/etc/hosts` or an ISO-8859-1 GECOS field in
//! `/etc/passwd` loads and saves unchanged. aug-rs works on `str`, so a file's bytes are
//! decoded losslessly: valid UTF-8 stays as it is, and every other byte `b` (0x80–0xFF) is
//! stored as the character `U+10FF00 + b`, from the last private use plane (so `0xE9`, a
//! Latin-1 `é`, is `U+10FFE9`). [`encode`] turns such characters back into their bytes, so
//! `encode(&decode(bytes)) == bytes` for every byte string. A file that contains one of those
//! 128 characters as real UTF-8 is decoded byte by byte too, so the mapping stays one to one.
//!
//! Lenses see one character where Augeas sees one byte; a regexp such as `[^ \t\n]+` matches
//! either way. Values read from such a file carry those characters ([`Augeas::get`] returns
//! them as they are; [`encode`] gives the file's bytes), augtool-rs prints the original
//! bytes, and the Python binding raises `UnicodeDecodeError` as python-augeas does.
//!
//! [`Augeas::get`]: crate::Augeas::get

use std::borrow::Cow;

/// The first character of the range that stands for single bytes.
const BASE: u32 = 0x10_FF00;

/// The character that stands for the byte `b` (0x80–0xFF) of a file that is not UTF-8.
fn stand_in(b: u8) -> char {
    char::from_u32(BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The byte a character stands for, if it is one of the stand-ins.
fn byte_of(c: char) -> Option<u8> {
    let v = u32::from(c);
    (BASE + 0x80..=BASE + 0xFF)
        .contains(&v)
        .then(|| u8::try_from(v - BASE).ok())
        .flatten()
}

/// Bytes as text, losslessly: valid UTF-8 as it is (borrowed when the whole input is
/// valid and holds no stand-in character), every other byte as its stand-in character.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes)
        && !has_stand_in(s)
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if byte_of(c).is_some() {
                // A stand-in that is really in the file: its bytes one by one.
                let mut buf = [0u8; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    out.push(stand_in(b));
                }
            } else {
                out.push(c);
            }
        }
        for &b in chunk.invalid() {
            out.push(stand_in(b));
        }
    }
    Cow::Owned(out)
}

/// [`decode`] of bytes the caller owns: valid UTF-8 without stand-ins becomes the string
/// in place, checked once.
pub fn decode_owned(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) if !has_stand_in(&s) => s,
        Ok(s) => decode(s.as_bytes()).into_owned(),
        Err(e) => decode(e.as_bytes()).into_owned(),
    }
}

/// Whether `s` holds a stand-in character. Their UTF-8 starts with the byte 0xF4 (as all
/// characters from U+100000 do), which most texts never hold: one quick byte search.
fn has_stand_in(s: &str) -> bool {
    s.as_bytes().contains(&0xF4) && s.chars().any(|c| byte_of(c).is_some())
}

/// Text as the bytes it was decoded from: stand-in characters as their bytes, everything
/// else as UTF-8.
pub fn encode(text: &str) -> Cow<'_, [u8]> {
    if !has_stand_in(text) {
        return Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match byte_of(c) {
            Some(b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `text` holds bytes that are not UTF-8 (stand-in characters).
pub fn has_raw_bytes(text: &str) -> bool {
    text.chars().any(|c| byte_of(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn latin1_and_stray_bytes_round_trip() {
        let cases: &[&[u8]] = &[
            b"plain ascii\n",
            "caf\u{e9} utf-8\n".as_bytes(),
            b"caf\xe9 latin-1\n",
            b"\xff\xfe\x80",
            b"trunc\xe2\x82",
            "\u{10ffe9} is a stand-in when it is in the file".as_bytes(),
        ];
        for &bytes in cases {
            assert_eq!(encode(&decode(bytes)), bytes, "{bytes:?}");
        }
        assert_eq!(decode(b"caf\xe9"), "caf\u{10ffe9}");
        assert!(matches!(decode(b"ascii"), Cow::Borrowed(_)));
        assert!(has_raw_bytes(&decode(b"\xe9")));
        assert!(!has_raw_bytes(&decode("é".as_bytes())));
    }

    proptest! {
        #[test]
        fn every_byte_string_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let text = decode(&bytes);
            let back = encode(&text).into_owned();
            prop_assert_eq!(&back, &bytes);
            prop_assert_eq!(decode_owned(bytes.clone()), text.into_owned());
        }

        /// Stand-ins and other characters from U+100000 up, mixed with plain text.
        #[test]
        fn high_plane_text_round_trips(
            chars in prop::collection::vec(
                prop_oneof![
                    (0x10_FF70u32..=0x10_FFFF).prop_map(|c| char::from_u32(c).unwrap_or('x')),
                    (0x10_0000u32..=0x10_0100).prop_map(|c| char::from_u32(c).unwrap_or('x')),
                    prop::char::range('a', 'z'),
                ],
                0..16,
            ),
        ) {
            let bytes = chars.iter().collect::<String>().into_bytes();
            let text = decode(&bytes);
            prop_assert_eq!(encode(&text).into_owned(), bytes.clone());
            prop_assert_eq!(decode_owned(bytes.clone()), text.into_owned());
        }
    }
}
