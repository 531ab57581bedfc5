using System;
using System.IO;

namespace AsyncProf.Shared
{
    /// <summary>
    /// A file written under a temp name beside its target (<c>.name.1a2b3c4d.tmp</c>, hidden, same folder so the
    /// rename stays on one file system), then renamed over the target: a reader sees the old file or the new one,
    /// never half of one, and a failure leaves the target as it was. Compiled into every assembly that writes files
    /// (src/Shared).
    /// </summary>
    internal sealed class PendingFile
    {
        public PendingFile(string target)
        {
            TargetPath = Path.GetFullPath(target);
            var folder = Path.GetDirectoryName(TargetPath) ?? ".";
            Directory.CreateDirectory(folder);
            TempPath = Path.Combine(folder, "." + Path.GetFileName(TargetPath) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        }

        public string TargetPath { get; }
        public string TempPath { get; }

        /// <summary>Writes <paramref name="path"/> through a pending file: <paramref name="write"/> fills the temp file, which then replaces it.</summary>
        public static void Write(string path, Action<Stream> write)
        {
            var file = new PendingFile(path);
            try
            {
                using (var stream = new FileStream(file.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    write(stream);
                file.MoveIntoPlace();
            }
            finally
            {
                file.DeleteTemp();
            }
        }

        /// <summary>Renames the temp file over the target (rename(2) on Unix).</summary>
        public void MoveIntoPlace()
        {
            if (File.Exists(TargetPath))
                File.Replace(TempPath, TargetPath, null);
            else
                File.Move(TempPath, TargetPath);
        }

        /// <summary>Removes the temp file if it is still there (after a failure); never throws.</summary>
        public void DeleteTemp()
        {
            try
            {
                if (File.Exists(TempPath))
                    File.Delete(TempPath);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
