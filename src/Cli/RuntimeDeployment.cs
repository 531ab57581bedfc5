using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>What <see cref="RuntimeDeployment.DeployBeside"/> did.</summary>
    public sealed class DeploymentResult
    {
        public DeploymentResult(string runtimePath, IReadOnlyList<string> registeredIn)
        {
            RuntimePath = runtimePath;
            RegisteredIn = registeredIn;
        }

        /// <summary>Where the runtime AsyncProf.dll now is.</summary>
        public string RuntimePath { get; }
        /// <summary>The deps.json files that now list it (none when the folder has no deps.json for the woven dll).</summary>
        public IReadOnlyList<string> RegisteredIn { get; }

        public override string ToString() => RegisteredIn.Count == 0
            ? $"runtime {Path.GetFileName(RuntimePath)} copied to {Path.GetDirectoryName(RuntimePath)}"
            : $"runtime {Path.GetFileName(RuntimePath)} copied to {Path.GetDirectoryName(RuntimePath)}, registered in {string.Join(", ", RegisteredIn.Select(Path.GetFileName))}";
    }

    /// <summary>
    /// Puts the profiler runtime (AsyncProf.dll, the assembly woven code calls) beside a woven assembly and makes the
    /// host find it: an app started as <c>dotnet app.dll</c> resolves assemblies from <c>app.deps.json</c>, so a DLL
    /// dropped beside it but missing from there does not load.
    /// </summary>
    public static class RuntimeDeployment
    {
        public const string RuntimeFileName = "AsyncProf.dll";
        const string RuntimeLibraryName = "AsyncProf";

        /// <summary>The runtime assembly this tool ships with (it references src/Runtime, so it sits in the tool's folder).</summary>
        public static string RuntimeAssemblyPath
        {
            get
            {
                var location = typeof(AsyncProf.Probe).Assembly.Location;
                if (!string.IsNullOrEmpty(location)) return location;
                // Single-file hosts have no Location: fall back to the tool's folder.
                return Path.Combine(AppContext.BaseDirectory, RuntimeFileName);
            }
        }

        /// <summary>
        /// Copies AsyncProf.dll (and its pdb) beside <paramref name="wovenDllPath"/> and registers it in the deps.json
        /// that governs that assembly, when there is one: <c>&lt;name&gt;.deps.json</c> beside it, else any deps.json in
        /// the same folder that lists the assembly as a runtime asset (a woven library inside an app's folder).
        /// Registration adds a "libraries" entry and a dependency of the entry that owns the woven assembly (for an app,
        /// its own target entry), with runtime asset AsyncProf.dll. Idempotent: running it again changes nothing.
        /// </summary>
        const string ReportsFileName = "AsyncProf.Reports.dll";

        public static DeploymentResult DeployBeside(string wovenDllPath)
        {
            if (wovenDllPath == null) throw new ArgumentNullException(nameof(wovenDllPath));
            var wovenFull = Path.GetFullPath(wovenDllPath);
            var dir = Path.GetDirectoryName(wovenFull) ?? throw new ArgumentException("no folder in " + wovenDllPath, nameof(wovenDllPath));
            if (!File.Exists(wovenFull)) throw new FileNotFoundException($"{wovenDllPath}: no such file", wovenDllPath);

            var source = RuntimeAssemblyPath;
            if (!File.Exists(source)) throw new FileNotFoundException($"the profiler runtime {source} is missing from the tool's folder", source);
            var target = Path.Combine(dir, RuntimeFileName);
            CopyIfDifferent(source, target);
            var sourcePdb = Path.ChangeExtension(source, ".pdb");
            if (File.Exists(sourcePdb)) CopyIfDifferent(sourcePdb, Path.ChangeExtension(target, ".pdb"));
            // The exporters, so ASYNCPROF_OUTPUT=profile.html (.speedscope.json, .trace.json, ...) converts at exit.
            // The runtime loads them by path, only then: they need no deps.json entry.
            var reports = Path.Combine(Path.GetDirectoryName(source)!, ReportsFileName);
            if (File.Exists(reports)) CopyIfDifferent(reports, Path.Combine(dir, ReportsFileName));

            var registered = new List<string>();
            foreach (var deps in DepsFilesFor(wovenFull))
                if (RegisterInDepsJson(deps, Path.GetFileName(wovenFull), target))
                    registered.Add(deps);
            return new DeploymentResult(target, registered);
        }

        static IEnumerable<string> DepsFilesFor(string wovenFull)
        {
            var dir = Path.GetDirectoryName(wovenFull)!;
            var own = Path.Combine(dir, Path.GetFileNameWithoutExtension(wovenFull) + ".deps.json");
            if (File.Exists(own)) return new[] { own };
            var fileName = Path.GetFileName(wovenFull);
            return Directory.EnumerateFiles(dir, "*.deps.json")
                .Where(d => ListsRuntimeAsset(d, fileName))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToList();
        }

        static bool ListsRuntimeAsset(string depsPath, string fileName)
        {
            try
            {
                var root = JsonNode.Parse(File.ReadAllText(depsPath)) as JsonObject;
                return root?["targets"] is JsonObject targets && targets.Any(t => t.Value is JsonObject target &&
                    target.Any(lib => lib.Value is JsonObject entry && entry["runtime"] is JsonObject runtime &&
                        runtime.Any(asset => string.Equals(Path.GetFileName(asset.Key), fileName, StringComparison.OrdinalIgnoreCase))));
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>Adds AsyncProf to one deps.json; returns true when the file lists it afterwards.</summary>
        static bool RegisterInDepsJson(string depsPath, string wovenFileName, string runtimePath)
        {
            var root = ParseDeps(depsPath);
            var targets = (JsonObject)root["targets"]!;
            var version = RuntimeVersion(runtimePath);
            var libraryKey = $"{RuntimeLibraryName}/{version}";

            var runtimeTarget = (root["runtimeTarget"] as JsonObject)?["name"]?.GetValue<string>();
            foreach (var (targetName, targetNode) in targets.ToList())
            {
                if (targetNode is not JsonObject target) continue;
                // Drop stale AsyncProf entries (another tool version), keep everything else in order.
                foreach (var stale in target.Where(kv => IsRuntimeKey(kv.Key) && kv.Key != libraryKey).Select(kv => kv.Key).ToList())
                    target.Remove(stale);

                var owner = OwnerEntry(target, wovenFileName, isMainTarget: targetName == runtimeTarget || targets.Count == 1);
                if (owner != null)
                {
                    if (owner["dependencies"] is not JsonObject dependencies)
                        owner["dependencies"] = dependencies = new JsonObject();
                    dependencies[RuntimeLibraryName] = version;
                }
                target[libraryKey] = new JsonObject
                {
                    ["runtime"] = new JsonObject
                    {
                        [RuntimeFileName] = new JsonObject
                        {
                            ["assemblyVersion"] = AssemblyName.GetAssemblyName(runtimePath).Version?.ToString() ?? "0.0.0.0",
                            ["fileVersion"] = FileVersionInfo.GetVersionInfo(runtimePath).FileVersion ?? "0.0.0.0",
                        },
                    },
                };
            }

            if (root["libraries"] is not JsonObject libraries) root["libraries"] = libraries = new JsonObject();
            foreach (var stale in libraries.Where(kv => IsRuntimeKey(kv.Key) && kv.Key != libraryKey).Select(kv => kv.Key).ToList())
                libraries.Remove(stale);
            libraries[libraryKey] = new JsonObject
            {
                ["type"] = "project",
                ["serviceable"] = false,
                ["sha512"] = "",
            };

            var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (text == File.ReadAllText(depsPath)) return true;
            WriteAtomically(depsPath, text);
            return true;
        }

        /// <summary>
        /// The deps.json files <see cref="DeployBeside"/> would change for this assembly, each checked to be one it
        /// can change: called before anything is written, so a malformed deps.json stops the run with every file as
        /// it was.
        /// </summary>
        public static IReadOnlyList<string> CheckDepsFiles(string wovenDllPath)
        {
            var files = DepsFilesFor(Path.GetFullPath(wovenDllPath)).ToList();
            foreach (var deps in files) ParseDeps(deps);
            return files;
        }

        /// <summary>The files <see cref="DeployBeside"/> copies into <paramref name="folder"/> besides registering them.</summary>
        public static IEnumerable<string> RuntimeFilesIn(string folder)
        {
            yield return Path.Combine(folder, RuntimeFileName);
            yield return Path.Combine(folder, Path.ChangeExtension(RuntimeFileName, ".pdb"));
            yield return Path.Combine(folder, ReportsFileName);
        }

        static JsonObject ParseDeps(string depsPath)
        {
            JsonObject root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(depsPath), documentOptions: new JsonDocumentOptions
                {
                    AllowTrailingCommas = true,
                    CommentHandling = JsonCommentHandling.Skip,
                }) as JsonObject ?? throw new InvalidDataException("not a JSON object");
            }
            catch (Exception e) when (e is JsonException || e is InvalidDataException)
            {
                var where = e is JsonException j && j.LineNumber != null ? $" at line {j.LineNumber + 1}" : "";
                throw new InputException($"{depsPath}: cannot register the profiler runtime: not a valid deps.json (malformed JSON{where}); nothing was changed", e);
            }
            if (root["targets"] is not JsonObject targets || targets.Count == 0)
                throw new InputException($"{depsPath}: cannot register the profiler runtime: no \"targets\" in this deps.json; nothing was changed");
            return root;
        }

        static bool IsRuntimeKey(string key) => key.StartsWith(RuntimeLibraryName + "/", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The target entry whose runtime assets include the woven file; otherwise, in the main target, the first
        /// "project" library (the app's own entry comes first in every SDK-written deps.json).
        /// </summary>
        static JsonObject? OwnerEntry(JsonObject target, string wovenFileName, bool isMainTarget)
        {
            foreach (var (key, node) in target)
                if (!IsRuntimeKey(key) && node is JsonObject entry && entry["runtime"] is JsonObject runtime &&
                    runtime.Any(asset => string.Equals(Path.GetFileName(asset.Key), wovenFileName, StringComparison.OrdinalIgnoreCase)))
                    return entry;
            if (!isMainTarget) return null;
            return target.Where(kv => !IsRuntimeKey(kv.Key)).Select(kv => kv.Value as JsonObject).FirstOrDefault(e => e != null);
        }

        static string RuntimeVersion(string runtimePath)
        {
            var v = AssemblyName.GetAssemblyName(runtimePath).Version ?? new Version(1, 0, 0, 0);
            return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
        }

        static void CopyIfDifferent(string source, string target)
        {
            if (string.Equals(Path.GetFullPath(source), Path.GetFullPath(target), StringComparison.Ordinal)) return;
            if (File.Exists(target) && SameBytes(source, target)) return;
            var pending = new PendingFile(target);
            try
            {
                File.Copy(source, pending.TempPath);
                pending.MoveIntoPlace();
            }
            finally { pending.DeleteTemp(); }
        }

        static bool SameBytes(string a, string b)
        {
            var fa = new FileInfo(a);
            var fb = new FileInfo(b);
            if (fa.Length != fb.Length) return false;
            return File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
        }

        static void WriteAtomically(string path, string text)
        {
            var pending = new PendingFile(path);
            try
            {
                File.WriteAllText(pending.TempPath, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                InputFileCheck.CopyMode(path, pending.TempPath);
                pending.MoveIntoPlace();
            }
            finally { pending.DeleteTemp(); }
        }
    }
}
