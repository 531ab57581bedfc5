using System;
using System.IO;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// An output path that is a device (<c>/dev/null</c>, <c>/dev/stdout</c>) or a named pipe rather than a regular
    /// file: it is written into, never replaced by a rename (as root, a rename over <c>/dev/null</c> would replace the
    /// device itself). The runtime's OutputTarget applies the same rule to ASYNCPROF_OUTPUT.
    /// </summary>
    internal static class SpecialOutputFile
    {
        /// <summary>The open file to write into, or null for a regular file (or none yet).</summary>
        public static Stream? TryOpen(string fullPath)
        {
            if (!File.Exists(fullPath)) return null;
            if (fullPath.StartsWith("/dev/", StringComparison.Ordinal) || fullPath.StartsWith("/proc/", StringComparison.Ordinal))
                // Append: /dev/stdout redirected to a file must not overwrite what is already there
                return new FileStream(fullPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
            FileStream probe;
            // read-write so the open does not block on a pipe without a reader; a pipe is written through this handle,
            // since closing it would give a waiting reader an end of file first
            try { probe = new FileStream(fullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1 << 16); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
            if (!probe.CanSeek) return probe;
            probe.Dispose();
            return null;
        }
    }
}
