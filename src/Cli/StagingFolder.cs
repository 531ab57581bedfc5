using System;
using System.IO;

namespace AsyncProf.Cli
{
    /// <summary>
    /// A private folder (mode 0700) inside a destination folder where woven files are written before any real
    /// file is replaced: same file system, so moving a file into place is an atomic rename, and nobody else can
    /// read a woven copy of a 0600 file in between. Deleted with everything left in it when disposed.
    /// </summary>
    public sealed class StagingFolder : IDisposable
    {
        public StagingFolder(string destination)
        {
            Path = System.IO.Path.Combine(destination, ".asyncprof-staging-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Path);
            else Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public string Path { get; }

        public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

        public void Dispose()
        {
            try
            {
                if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
