//! The exported symbols. rustc hands the linker a version script of its own that puts
//! every `#[no_mangle]` function in the unversioned base, ahead of any script a crate
//! adds; so the functions keep Rust names, and each C name is a one-instruction entry
//! point made here in assembly (a tail jump to the Rust function, so arguments and return
//! value pass untouched), which `augeas.map` (see build.rs) alone gives its Augeas symbol
//! version. An alias (`.set`) would be free, but it must sit in the same object file as
//! its target, which codegen units do not promise.

/// The jump to the Rust function, for the architecture.
#[cfg(target_arch = "x86_64")]
macro_rules! tail_jump {
    () => {
        "jmp {f}"
    };
}
#[cfg(target_arch = "aarch64")]
macro_rules! tail_jump {
    () => {
        "b {f}"
    };
}
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
compile_error!("libaugeas.so.0's entry points are written for x86_64 and aarch64");

/// Makes each `name` a global function that jumps to `path`.
macro_rules! export {
    ($($name:ident = $path:path,)*) => {
        $(
            core::arch::global_asm!(
                concat!(".pushsection .text.", stringify!($name), ",\"ax\",@progbits"),
                concat!(".globl ", stringify!($name)),
                concat!(".type ", stringify!($name), ", @function"),
                ".p2align 4",
                concat!(stringify!($name), ":"),
                tail_jump!(),
                concat!(".size ", stringify!($name), ", . - ", stringify!($name)),
                ".popsection",
                f = sym $path,
            );
        )*
    };
}

export! {
    aug_error = crate::errors::aug_error,
    aug_error_message = crate::errors::aug_error_message,
    aug_error_minor_message = crate::errors::aug_error_minor_message,
    aug_error_details = crate::errors::aug_error_details,
    aug_load = crate::files::aug_load,
    aug_save = crate::files::aug_save,
    aug_load_file = crate::files::aug_load_file,
    aug_transform = crate::files::aug_transform,
    aug_text_store = crate::files::aug_text_store,
    aug_text_retrieve = crate::files::aug_text_retrieve,
    aug_source = crate::files::aug_source,
    aug_preview = crate::files::aug_preview,
    aug_span = crate::files::aug_span,
    __aug_load_module_file = crate::module::__aug_load_module_file,
    aug_ns_attr = crate::ns::aug_ns_attr,
    aug_ns_label = crate::ns::aug_ns_label,
    aug_ns_value = crate::ns::aug_ns_value,
    aug_ns_count = crate::ns::aug_ns_count,
    aug_ns_path = crate::ns::aug_ns_path,
    aug_print = crate::output::aug_print,
    aug_srun = crate::output::aug_srun,
    __aug_init_memstream = crate::output::__aug_init_memstream,
    __aug_close_memstream = crate::output::__aug_close_memstream,
    aug_init = crate::session::aug_init,
    aug_close = crate::session::aug_close,
    aug_get = crate::tree::aug_get,
    aug_label = crate::tree::aug_label,
    aug_set = crate::tree::aug_set,
    aug_setm = crate::tree::aug_setm,
    aug_clear = crate::tree::aug_clear,
    aug_clearm = crate::tree::aug_clearm,
    aug_touch = crate::tree::aug_touch,
    aug_insert = crate::tree::aug_insert,
    aug_rm = crate::tree::aug_rm,
    aug_mv = crate::tree::aug_mv,
    aug_cp = crate::tree::aug_cp,
    aug_rename = crate::tree::aug_rename,
    aug_match = crate::tree::aug_match,
    aug_defvar = crate::tree::aug_defvar,
    aug_defnode = crate::tree::aug_defnode,
    aug_escape_name = crate::tree::aug_escape_name,
    aug_to_xml = crate::xml::aug_to_xml,
}
