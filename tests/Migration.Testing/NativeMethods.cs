using System.Runtime.InteropServices;

namespace Migration.Testing;

/// <summary>The one POSIX call .NET does not offer: sending a process a signal other than SIGKILL.</summary>
internal static class NativeMethods
{
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
}
