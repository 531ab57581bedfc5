using System;
using System.IO;

namespace AsyncProf.Cli
{
    /// <summary>
    /// What a named input really is, found without opening it: opening a FIFO blocks until a writer comes, and a
    /// device never ends. Symbolic links are followed to the file they name; that file is what gets woven, so the
    /// link stays a link (and every other link to the same file sees the woven code).
    /// </summary>
    public static class InputFileCheck
    {
        /// <summary>The regular file behind <paramref name="path"/> (itself, or a link's final target).</summary>
        public static string RealFile(string path)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget != null)
            {
                FileSystemInfo? target;
                try { target = File.ResolveLinkTarget(path, returnFinalTarget: true); }
                catch (IOException) { throw new InputException($"{path}: a symbolic link that loops or cannot be followed"); }
                if (target == null || !target.Exists) throw new InputException($"{path}: a symbolic link to a file that does not exist");
                info = new FileInfo(target.FullName);
                if ((info.Attributes & FileAttributes.Directory) != 0) throw new InputException($"{path}: a symbolic link to a folder, expected a .dll");
            }
            // .NET reports FIFOs, sockets and devices as zero-length files; an empty file is no assembly either.
            if (info.Length == 0)
                throw new InputException($"{path}: empty, or not a regular file (a FIFO, socket or device): not a .NET assembly");
            return info.FullName;
        }

        /// <summary>True when the file's owner may not write it: in-place weaving refuses it instead of replacing it.</summary>
        public static bool IsReadOnly(string file)
        {
            var info = new FileInfo(file);
            if ((info.Attributes & FileAttributes.ReadOnly) != 0) return true;
            return !OperatingSystem.IsWindows() && (info.UnixFileMode & UnixFileMode.UserWrite) == 0;
        }

        /// <summary>Gives <paramref name="target"/> the permissions of <paramref name="source"/> (Unix; a no-op elsewhere).</summary>
        public static void CopyMode(string source, string target)
        {
            if (OperatingSystem.IsWindows()) return;
            File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        }
    }
}
