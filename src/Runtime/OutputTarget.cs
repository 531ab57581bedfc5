using System;
using System.IO;

namespace AsyncProf
{
    /// <summary>
    /// Where a profile named by <c>ASYNCPROF_OUTPUT</c> or <c>Save(path)</c> goes (README, docs/profile-schema.md):
    /// <list type="bullet">
    /// <item>an existing directory, or a path ending in a separator: a file inside it named
    /// <c>&lt;app&gt;-&lt;UTC time&gt;-&lt;pid&gt;.json</c>, so that several processes can share one directory;</item>
    /// <item>an existing file that is not a regular file (<c>/dev/null</c>, <c>/dev/stdout</c>, a named pipe): written
    /// into as it is, in the native format, never replaced by a rename;</item>
    /// <item>anything else: that file, its missing directories created with a line on stderr saying so.</item>
    /// </list>
    /// </summary>
    internal readonly struct OutputTarget
    {
        OutputTarget(string path, bool isSpecialFile, Stream? openPipe = null)
        {
            Path = path;
            IsSpecialFile = isSpecialFile;
            OpenPipe = openPipe;
        }

        /// <summary>The file to write.</summary>
        public string Path { get; }

        /// <summary>A device, pipe or socket: written in place, in the native format.</summary>
        public bool IsSpecialFile { get; }

        /// <summary>
        /// A named pipe found by opening it: the profile must be written through this very handle, since closing it
        /// would hand a waiting reader an end of file before the profile.
        /// </summary>
        public Stream? OpenPipe { get; }

        public static OutputTarget Resolve(string path)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the profile path is empty");
            var endsWithSeparator = path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith(System.IO.Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal);
            if (Directory.Exists(path) || endsWithSeparator)
            {
                CreateDirectoryFor(System.IO.Path.Combine(path, "x"));
                return new OutputTarget(System.IO.Path.Combine(path, GeneratedFileName()), false);
            }
            if (File.Exists(path))
            {
                if (IsDevice(path)) return new OutputTarget(path, true);
                if (OpenIfPipe(path) is Stream pipe) return new OutputTarget(path, true, pipe);
            }
            CreateDirectoryFor(path);
            return new OutputTarget(path, false);
        }

        /// <summary><c>MyApp-20261121T050000Z-4242.json</c>: the entry assembly, when the process started writing, its id.</summary>
        static string GeneratedFileName()
        {
            var app = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
            if (string.IsNullOrEmpty(app)) app = "profile";
            foreach (var c in System.IO.Path.GetInvalidFileNameChars()) app = app!.Replace(c, '_');
            int pid;
            using (var self = System.Diagnostics.Process.GetCurrentProcess()) pid = self.Id;
            return $"{app}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{pid}.json";
        }

        static void CreateDirectoryFor(string file)
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file));
            if (string.IsNullOrEmpty(dir) || Directory.Exists(dir)) return;
            Directory.CreateDirectory(dir);
            Console.Error.WriteLine($"asyncprof: created the directory {dir} for the profile");
        }

        /// <summary>
        /// .NET does not say whether a path is a regular file, so: anything under /dev or /proc (devices,
        /// /dev/stdout, /dev/fd/N) or a Windows device path is a device.
        /// </summary>
        static bool IsDevice(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            return full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)
                   || full.StartsWith(@"\\.\", StringComparison.Ordinal);
        }

        /// <summary>
        /// A named pipe (or socket) elsewhere is a file that cannot seek. Opened read-write so that the open does not
        /// block without a reader, and kept open when it is one (see <see cref="OpenPipe"/>).
        /// </summary>
        static Stream? OpenIfPipe(string path)
        {
            FileStream probe;
            try { probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null; // not openable for writing: a regular file the rename will report on
            }
            if (probe.CanSeek)
            {
                probe.Dispose();
                return null;
            }
            return probe;
        }
    }
}
