using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace AsyncProf.Cli
{
    /// <summary>One assembly to weave: as the user named it (or as found in a named folder), and the real file behind it.</summary>
    public sealed record WeaveInput(string DisplayPath, string RealPath, bool Explicit)
    {
        /// <summary>The folder the app runs from: where the runtime goes and whose deps.json registers it (a link's folder, not its target's).</summary>
        public string AppFolder => Path.GetDirectoryName(Path.GetFullPath(DisplayPath))!;
    }

    /// <summary>
    /// Turns the command line's files and folders into the assemblies to weave, reading nothing but file-system
    /// entries and PE headers. A file named explicitly that cannot be woven is an error; a folder's file that
    /// cannot be woven is skipped with one line saying why.
    /// </summary>
    public static class WeaveInputs
    {
        public static List<WeaveInput> Collect(IEnumerable<string> args, bool inPlace, TextWriter stdout)
        {
            var inputs = new List<WeaveInput>();
            var byReal = new Dictionary<string, int>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            foreach (var arg in args)
            {
                if (Directory.Exists(arg))
                {
                    var candidates = Directory.EnumerateFiles(arg, "*.dll", SearchOption.TopDirectoryOnly)
                        .Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                        .Where(f => !Path.GetFileName(f).StartsWith("AsyncProf", StringComparison.OrdinalIgnoreCase))
                        .OrderBy(f => f, StringComparer.Ordinal)
                        .ToList();
                    if (candidates.Count == 0) stdout.WriteLine($"{arg}: no .dll to weave");
                    foreach (var file in candidates)
                    {
                        string real;
                        try { real = InputFileCheck.RealFile(file); }
                        catch (InputException e) { stdout.WriteLine("skipped " + e.Message); continue; }
                        if (!byReal.ContainsKey(real))
                        {
                            byReal[real] = inputs.Count;
                            inputs.Add(new WeaveInput(file, real, Explicit: false));
                        }
                    }
                }
                else if (File.Exists(arg) || new FileInfo(arg).LinkTarget != null)
                {
                    var real = InputFileCheck.RealFile(arg);
                    // Named explicitly after its folder: the explicit rules (errors, not skips) apply.
                    if (byReal.TryGetValue(real, out var i)) inputs[i] = new WeaveInput(arg, real, Explicit: true);
                    else
                    {
                        byReal[real] = inputs.Count;
                        inputs.Add(new WeaveInput(arg, real, Explicit: true));
                    }
                }
                else
                {
                    throw new InputException($"{arg}: no such file or folder");
                }
            }

            var weavable = new List<WeaveInput>();
            foreach (var input in inputs)
            {
                var problem = Problem(input, inPlace);
                if (problem == null) weavable.Add(input);
                else if (input.Explicit) throw new InputException($"{input.DisplayPath}: {problem}");
                else stdout.WriteLine($"skipped {input.DisplayPath}: {problem}");
            }
            return weavable;
        }

        static string? Problem(WeaveInput input, bool inPlace)
        {
            AssemblyKind kind;
            string problem;
            try
            {
                kind = AssemblyInspector.Classify(input.RealPath, out problem);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return "cannot read: " + ConsoleText.Io(e);
            }
            if (kind != AssemblyKind.Weavable) return problem;
            if (inPlace && InputFileCheck.IsReadOnly(input.RealPath))
                return "read-only file: not rewritten in place (make it writable, or write woven copies with --output DIR)";
            return null;
        }
    }
}
