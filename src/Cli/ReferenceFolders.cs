using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AsyncProf.Cli
{
    /// <summary>
    /// Where an app's references are, the way the host finds them: the app folder, the package folders its
    /// deps.json names (in the NuGet cache), and the shared frameworks its runtimeconfig.json names (the newest
    /// installed patch of each). Extra folders come from --references. Missing files and bad JSON only mean fewer
    /// folders: the weaver names a reference it cannot find.
    /// </summary>
    public static class ReferenceFolders
    {
        public static List<string> For(string assemblyPath, IEnumerable<string> extra)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!;
            var stem = Path.Combine(folder, Path.GetFileNameWithoutExtension(assemblyPath));
            var folders = new List<string> { folder };
            folders.AddRange(extra.Select(Path.GetFullPath));
            folders.AddRange(PackageFolders(stem + ".deps.json"));
            folders.AddRange(FrameworkFolders(stem + ".runtimeconfig.json"));
            return folders.Where(Directory.Exists).Distinct(StringComparer.Ordinal).ToList();
        }

        static JsonObject? ReadJson(string path)
        {
            try
            {
                return File.Exists(path)
                    ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                    : null;
            }
            catch (Exception e) when (e is JsonException || e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        static string NuGetCache =>
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
                ? custom
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        static IEnumerable<string> PackageFolders(string depsPath)
        {
            var root = ReadJson(depsPath);
            if (root?["libraries"] is not JsonObject libraries || root["targets"] is not JsonObject targets) yield break;
            foreach (var (key, node) in libraries)
            {
                if (node is not JsonObject library || library["type"]?.ToString() != "package") continue;
                var packagePath = library["path"]?.ToString() ?? key.ToLowerInvariant();
                foreach (var (_, targetNode) in targets)
                    if (targetNode is JsonObject target && target[key] is JsonObject entry && entry["runtime"] is JsonObject runtime)
                        foreach (var (asset, _) in runtime)
                            yield return Path.Combine(NuGetCache, packagePath, Path.GetDirectoryName(asset) ?? "");
            }
        }

        /// <summary>…/dotnet/shared/&lt;framework&gt;/&lt;version&gt; for each framework the app names.</summary>
        static IEnumerable<string> FrameworkFolders(string runtimeConfigPath)
        {
            var shared = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", ".."));
            var options = ReadJson(runtimeConfigPath)?["runtimeOptions"] as JsonObject;
            var frameworks = new List<JsonNode?>();
            if (options?["framework"] is JsonObject one) frameworks.Add(one);
            if (options?["frameworks"] is JsonArray many) frameworks.AddRange(many);
            foreach (var framework in frameworks.OfType<JsonObject>())
            {
                var name = framework["name"]?.ToString();
                if (string.IsNullOrEmpty(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..")) continue;
                var versions = Path.Combine(shared, name);
                if (!Directory.Exists(versions)) continue;
                var best = Directory.GetDirectories(versions)
                    .Select(d => (dir: d, version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                    .Where(x => x.version != null)
                    .OrderByDescending(x => x.version)
                    .FirstOrDefault();
                if (best.dir != null) yield return best.dir;
            }
        }
    }
}
