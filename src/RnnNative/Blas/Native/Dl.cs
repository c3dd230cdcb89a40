using System.Runtime.InteropServices;

namespace RnnNative.Blas.Native;

/// <summary>
/// glibc's dynamic loader, called directly: <c>NativeLibrary.Load</c> cannot ask for <c>RTLD_GLOBAL</c>,
/// which MKL's OpenMP runtime and the CPU shim need, and it does not say which file a bare name resolved to.
/// </summary>
internal static unsafe partial class Dl
{
    private const int RTLD_NOW = 0x002;
    private const int RTLD_GLOBAL = 0x100;

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc.so.6", EntryPoint = "dlerror")]
    private static partial byte* dlerror();

    [LibraryImport("libc.so.6", EntryPoint = "dladdr")]
    private static partial int dladdr(nint address, DlInfo* info);

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;
        public nint FileBase;
        public byte* SymbolName;
        public nint SymbolAddress;
    }

    /// <summary>dlopen with RTLD_NOW (and RTLD_GLOBAL when asked); returns 0 and the loader's reason on failure.</summary>
    public static nint TryOpen(string file, bool global, out string error)
    {
        dlerror(); // clear a stale error
        nint handle = dlopen(file, RTLD_NOW | (global ? RTLD_GLOBAL : 0));
        error = handle == 0 ? Marshal.PtrToStringUTF8((nint)dlerror()) ?? "unknown dlopen error" : "";
        if (error.StartsWith(file + ": ", StringComparison.Ordinal)) error = error[(file.Length + 2)..]; // glibc repeats the path
        return handle;
    }

    /// <summary>The file an exported symbol lives in (resolves a bare soname to a path).</summary>
    public static string? FileOf(nint symbolAddress)
    {
        DlInfo info;
        return dladdr(symbolAddress, &info) != 0 && info.FileName != null
            ? Path.GetFullPath(Marshal.PtrToStringUTF8((nint)info.FileName)!)
            : null;
    }
}
