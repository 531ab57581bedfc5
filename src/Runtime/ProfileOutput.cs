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
    /// that converts it is printed.
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

        public static void Write(Session session, string path)
        {
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
