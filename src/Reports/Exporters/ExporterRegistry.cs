using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Html;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Every export format by name (<c>--format</c>) and by output file name (<c>-o</c>, <c>ASYNCPROF_OUTPUT</c>).
    /// The built-in formats are listed here, and more can be added with <see cref="Register"/>.
    /// </summary>
    public static class ExporterRegistry
    {
        static readonly object Gate = new();
        static List<IProfileExporter>? _all;

        /// <summary>All formats, built-ins first, in a stable order.</summary>
        public static IReadOnlyList<IProfileExporter> All
        {
            get
            {
                lock (Gate) return (_all ??= BuiltIn()).ToArray();
            }
        }

        public static IReadOnlyList<string> Names => All.Select(e => e.Name).ToArray();

        /// <summary>The format with this name (case-insensitive), or null.</summary>
        public static IProfileExporter? Find(string name) =>
            All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>Adds a format, replacing one with the same name.</summary>
        public static void Register(IProfileExporter exporter)
        {
            if (exporter == null) throw new ArgumentNullException(nameof(exporter));
            lock (Gate)
            {
                _all ??= BuiltIn();
                var i = _all.FindIndex(e => string.Equals(e.Name, exporter.Name, StringComparison.OrdinalIgnoreCase));
                if (i >= 0) _all[i] = exporter; else _all.Add(exporter);
            }
        }

        /// <summary>
        /// The format an output file name asks for, or null when its extension names none:
        /// <c>.speedscope.json</c> speedscope; <c>.trace.json</c>, <c>.chrome.json</c> chrome; <c>.pb.gz</c>,
        /// <c>.pprof</c> pprof; <c>callgrind.out*</c>, <c>.callgrind</c> callgrind; <c>.wall.folded</c>,
        /// <c>.cpu.folded</c>, <c>.alloc.folded</c> and <c>.folded</c> (CPU) folded stacks; <c>.html</c>/<c>.htm</c>
        /// html; <c>.txt</c> text; any other <c>.json</c> the native asyncprof/1 file.
        /// </summary>
        public static IProfileExporter? ForPath(string path)
        {
            if (string.IsNullOrEmpty(path)) return null;
            var file = Path.GetFileName(path);
            bool Ends(string suffix) => file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
            if (Ends(".speedscope.json")) return Find("speedscope");
            if (Ends(".trace.json") || Ends(".chrome.json")) return Find("chrome");
            if (Ends(".pb.gz") || Ends(".pprof")) return Find("pprof");
            if (file.StartsWith("callgrind.out", StringComparison.OrdinalIgnoreCase) || Ends(".callgrind")) return Find("callgrind");
            if (Ends(".wall.folded")) return Find("folded-wall");
            if (Ends(".cpu.folded")) return Find("folded-cpu");
            if (Ends(".alloc.folded")) return Find("folded-alloc");
            if (Ends(".folded")) return Find("folded");
            if (Ends(".html") || Ends(".htm")) return Find("html");
            if (Ends(".txt")) return Find("text");
            if (Ends(".json")) return Find("json");
            return null;
        }

        /// <summary>The extensions <see cref="ForPath"/> knows, for messages.</summary>
        public static string KnownExtensions =>
            ".speedscope.json, .trace.json, .pb.gz, .callgrind (or callgrind.out.*), .folded (.wall/.cpu/.alloc.folded), " +
            ".html, .txt, .json";

        static List<IProfileExporter> BuiltIn() => new List<IProfileExporter>
        {
            new TextExporter(),
            new SpeedscopeExporter(),
            new ChromeTraceExporter(),
            new PprofExporter(),
            new CallgrindExporter(),
            new FoldedExporter(ProfileMetric.Cpu, isDefault: true),
            new FoldedExporter(ProfileMetric.Wall),
            new FoldedExporter(ProfileMetric.Cpu),
            new FoldedExporter(ProfileMetric.Alloc),
            new NativeJsonExporter(),
            new HtmlExporter(),
        };
    }
}
