using NUnit.Framework;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>What .NET does not tell: the type of a file (`stat`), and making a named pipe (`mkfifo`).</summary>
    public static class UnixFiles
    {
        /// <summary>"regular file", "fifo", "character special file", "directory", ...</summary>
        public static string FileType(string path)
        {
            var r = ProcessRunner.Run("stat", new[] { "-c", "%F", path });
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            return r.StdOut.Trim();
        }

        public static void MakeFifo(string path)
        {
            var made = ProcessRunner.Run("mkfifo", new[] { path });
            Assert.That(made.ExitCode, Is.EqualTo(0), made.ToString());
        }
    }
}
