using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Every export format by name (<c>--format</c>) and by output file name (<c>-o</c>, <c>ASYNCPROF_OUTPUT</c>).
    /// The built-in formats are always there; any other public <see cref="IProfileExporter"/> in this assembly with a
    /// parameterless constructor (the HTML report) is found by reflection, and more can be added with
    /// <see cref="Register"/>.
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
                lock (Gate) return (_all ??= Discover()).ToArray();
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
                _all ??= Discover();
                var i = _all.FindIndex(e => string.Equals(e.Name, exporter.Name, StringComparison.OrdinalIgnoreCase));
                if (i >= 0) _all[i] = exporter; else _all.Add(exporter);
            }
        }

        /// <summary>
        /// The format an output file name asks for, or null when its extension names none:
        /// <c>.speedscope.json</c> speedscope; <c>.trace.json</c>, <c>.chrome.json</c> chrome; <c>.pb.gz</c>,
        /// <c>.pprof</c> pprof; <c>callgrind.out*</c>, <c>.callgrind</c> callgrind; <c>.wall.folded</c>,
        /// <c>.cpu.folded</c>, <c>.alloc.folded</c> and <c>.folded</c> (CPU) folded stacks; <c>.html</c>/<c>.htm</c>
        /// html (when that format exists); <c>.txt</c> text; any other <c>.json</c> the native asyncprof/1 file.
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
            (Find("html") != null ? ".html, " : "") + ".txt, .json";

        static List<IProfileExporter> Discover()
        {
            var list = new List<IProfileExporter>
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
            };
            var builtIn = new HashSet<Type>(list.Select(e => e.GetType()));
            Type[] types;
            try { types = typeof(ExporterRegistry).Assembly.GetTypes(); }
            catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t != null).ToArray()!; }
            foreach (var t in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                if (builtIn.Contains(t) || !t.IsPublic || t.IsAbstract || t.IsInterface || !typeof(IProfileExporter).IsAssignableFrom(t)) continue;
                if (t.GetConstructor(Type.EmptyTypes) == null) continue;
                try
                {
                    var e = (IProfileExporter)Activator.CreateInstance(t)!;
                    if (!list.Any(x => string.Equals(x.Name, e.Name, StringComparison.OrdinalIgnoreCase))) list.Add(e);
                }
                catch (Exception)
                {
                    // a format that cannot be constructed is simply not offered
                }
            }
            return list;
        }
    }
}
