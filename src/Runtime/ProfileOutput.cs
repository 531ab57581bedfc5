using System;
using System.IO;
using System.Reflection;

namespace AsyncProf
{
    /// <summary>
    /// Writes a session to a path whose extension names the format: plain <c>.json</c> is the native asyncprof/1
    /// file; anything else (<c>.speedscope.json</c>, <c>.trace.json</c>, <c>.pb.gz</c>, <c>.html</c>, ...) is
    /// converted from it by the exporters in AsyncProf.Reports.dll when that assembly sits beside this one. The
    /// runtime itself stays free of dependencies: without the exporters, the native file is kept and the command
    /// that converts it is printed. <see cref="OutputTarget"/> decides the file for a directory, a device or a pipe.
    /// </summary>
    internal static class ProfileOutput
    {
        static readonly string[] ConvertedJsonSuffixes = { ".speedscope.json", ".trace.json", ".chrome.json" };

        public static bool IsNative(string path)
        {
            if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
            foreach (var suffix in ConvertedJsonSuffixes)
                if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return false;
            return true;
        }

        /// <summary>Formats built from the per-call timeline: asking for one records the timeline.</summary>
        public static bool NeedsTimeline(string path) =>
            path.EndsWith(".trace.json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".chrome.json", StringComparison.OrdinalIgnoreCase);

        public static void Write(Session session, string requestedPath)
        {
            var target = OutputTarget.Resolve(requestedPath);
            var path = target.Path;
            if (target.IsSpecialFile)
            {
                WriteInto(session, path, target.OpenPipe);
                return;
            }
            if (IsNative(path))
            {
                ProfileWriter.WriteFile(session, path);
                return;
            }
            var native = path + ".asyncprof.json";
            ProfileWriter.WriteFile(session, native);
            var problem = TryConvert(native, path);
            if (problem == null) File.Delete(native);
            else Console.Error.WriteLine($"asyncprof: wrote {native} ({problem}); convert it with: asyncprof report {native} -o {path}");
        }

        /// <summary>A device or pipe gets the native file's bytes, written into it: a rename would replace the device itself.</summary>
        static void WriteInto(Session session, string special, Stream? openPipe)
        {
            var temp = Path.Combine(Path.GetTempPath(), "asyncprof-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".json");
            try
            {
                ProfileWriter.WriteFile(session, temp);
                Recorder.Unprofiled(() =>
                {
                    using (var source = File.OpenRead(temp))
                    // Append: /dev/stdout redirected to a file must not overwrite what the program printed
                    using (var target = openPipe ?? new FileStream(special, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1 << 16))
                        source.CopyTo(target);
                    return true;
                });
            }
            finally
            {
                openPipe?.Dispose();
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        static string? TryConvert(string nativePath, string outputPath)
        {
            var dir = Path.GetDirectoryName(typeof(Probe).Assembly.Location) ?? "";
            var reports = Path.Combine(dir, "AsyncProf.Reports.dll");
            if (!File.Exists(reports)) return "AsyncProf.Reports.dll is not beside AsyncProf.dll";
            try
            {
                var converter = Assembly.LoadFrom(reports).GetType("AsyncProf.Reports.Exporters.ProfileConverter", throwOnError: true)!;
                converter.GetMethod("ConvertFile", new[] { typeof(string), typeof(string) })!.Invoke(null, new object[] { nativePath, outputPath });
                return null;
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException t && t.InnerException != null ? t.InnerException : e;
                return inner.Message;
            }
        }
    }
}
