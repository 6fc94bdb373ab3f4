//! The calls that write to a C `FILE *`: `aug_print` and `aug_srun` (through libc's
//! stdio, so their output interleaves with the caller's own), and the memory streams
//! Augeas exports for its tools (`__aug_init_memstream`, `__aug_close_memstream`).

use crate::ffi::{bad_arg, guard, opt_text, to_int};
use crate::handle::Handle;
use aug_core::{Error, ErrorCode};
use std::ffi::{c_char, c_int};
use std::io;

/// A `FILE *` as an `io::Write`; null discards everything.
struct CFile(*mut libc::FILE);

impl io::Write for CFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.is_null() || buf.is_empty() {
            return Ok(buf.len());
        }
        // SAFETY: the caller of aug_print/aug_srun passed an open stream; `buf` is valid
        // for its length.
        let n = unsafe { libc::fwrite(buf.as_ptr().cast(), 1, buf.len(), self.0) };
        if n == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.is_null() {
            return Ok(());
        }
        // SAFETY: as in `write`.
        if unsafe { libc::fflush(self.0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// `aug_print`: prints the nodes `path` matches (every top-level node when `path` is
/// null or empty) to `out`, as augtool's `print` does. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `out` an open stream; `path` null or a C string.
pub unsafe extern "C" fn aug_print(
    aug: *const Handle,
    out: *mut libc::FILE,
    path: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            if out.is_null() {
                return Err(bad_arg("aug_print: OUT must not be NULL"));
            }
            let path = opt_text(path);
            let path = match path.as_deref() {
                None | Some("") => "/*",
                Some(p) => p,
            };
            let printed = h.aug.print(Some(path))?;
            io::Write::write_all(&mut CFile(out), &aug_core::text::encode(&printed))
                .map_err(write_failed)?;
            Ok(0)
        })
    }
}

fn write_failed(e: io::Error) -> Error {
    Error::new(
        ErrorCode::Internal,
        Some("writing the output failed".to_owned()),
        Some(e.to_string()),
    )
}

/// Passes text to a `FILE *` with the bytes of files that are not UTF-8 as they are in
/// the file (aug-core's stand-in characters turned back into bytes).
struct RawBytes(CFile);

impl io::Write for RawBytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) if aug_core::text::has_raw_bytes(s) => {
                self.0.write_all(&aug_core::text::encode(s))?;
            }
            _ => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// `aug_srun`: runs augtool commands, one per line of `text`, writing their output to
/// `out`; stops at the first failure. Returns the number of commands run, -1 on error
/// (the handle's error says which), or -2 when the text ran `quit`.
///
/// # Safety
/// `aug` is a live handle or null; `out` an open stream (null discards the output);
/// `text` null or a C string.
pub unsafe extern "C" fn aug_srun(
    aug: *mut Handle,
    out: *mut libc::FILE,
    script: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let Some(script) = opt_text(script) else {
                return Ok(0);
            };
            let mut w = RawBytes(CFile(out));
            let done = h.aug.srun(&script, &mut w)?;
            Ok(if done.quit { -2 } else { to_int(done.commands) })
        })
    }
}

/// Augeas's `struct memstream` (from its internal `memstream.h`): a stream writing into a
/// growing buffer.
#[repr(C)]
#[derive(Debug)]
pub struct MemStream {
    stream: *mut libc::FILE,
    buf: *mut c_char,
    size: libc::size_t,
}

/// `__aug_init_memstream`: opens `ms->stream` on a buffer (`ms->buf`, `ms->size`, set when
/// the stream is flushed or closed). 0 or -1.
///
/// # Safety
/// `ms` points to a writable `struct memstream`.
pub unsafe extern "C" fn __aug_init_memstream(ms: *mut MemStream) -> c_int {
    crate::ffi::no_panic(-1, || {
        // SAFETY: the caller's struct, as documented.
        let Some(ms) = (unsafe { ms.as_mut() }) else {
            return -1;
        };
        ms.buf = std::ptr::null_mut();
        ms.size = 0;
        // SAFETY: `buf` and `size` live in the caller's struct, as open_memstream needs.
        ms.stream = unsafe { libc::open_memstream(&mut ms.buf, &mut ms.size) };
        if ms.stream.is_null() { -1 } else { 0 }
    })
}

/// `__aug_close_memstream`: closes the stream; the buffer is then the caller's to free.
/// Returns 0.
///
/// # Safety
/// `ms` was set up by `__aug_init_memstream` and not closed since.
pub unsafe extern "C" fn __aug_close_memstream(ms: *mut MemStream) -> c_int {
    crate::ffi::no_panic(-1, || {
        // SAFETY: the caller's struct, as documented.
        let Some(ms) = (unsafe { ms.as_mut() }) else {
            return -1;
        };
        if !ms.stream.is_null() {
            // SAFETY: an open stream from open_memstream.
            unsafe { libc::fclose(ms.stream) };
            ms.stream = std::ptr::null_mut();
        }
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn raw_bytes_go_out_as_bytes() {
        let mut ms = MemStream {
            stream: std::ptr::null_mut(),
            buf: std::ptr::null_mut(),
            size: 0,
        };
        // SAFETY: a fresh struct, closed below.
        assert_eq!(unsafe { __aug_init_memstream(&mut ms) }, 0);
        let latin1 = aug_core::text::decode(b"caf\xe9\n");
        let mut w = RawBytes(CFile(ms.stream));
        w.write_all(latin1.as_bytes()).unwrap();
        // SAFETY: opened above.
        assert_eq!(unsafe { __aug_close_memstream(&mut ms) }, 0);
        // SAFETY: the buffer open_memstream made, `size` bytes long, freed once.
        let got = unsafe { std::slice::from_raw_parts(ms.buf.cast::<u8>(), ms.size) }.to_vec();
        unsafe { libc::free(ms.buf.cast()) };
        assert_eq!(got, b"caf\xe9\n");
    }
}
